/* The Prometheus endpoint (GET /metrics): libmicrohttpd driven by the agent's
 * event loop, with no thread of its own. MHD's epoll fd and a timerfd for
 * MHD_get_timeout() are event-loop sources; sockets are non-blocking, each
 * connection has a deadline and there is a connection limit, so a slow or
 * garbage client costs a little memory, never the loop's time. The only file
 * that talks to libmicrohttpd. */
#ifndef BGP_AGENT_METRICS_SERVER_H
#define BGP_AGENT_METRICS_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "event_loop.h"

struct metrics_server;

struct metrics_source {
	/* Starts making the data fresh (asking bgpd); the owner then calls
	 * metrics_server_refreshed(). false: nothing to wait for. */
	bool (*refresh)(void *arg);
	/* The page (malloc'd) and its length, or NULL. */
	char *(*render)(void *arg, size_t *len);
	void *arg;
};

/* Listens on listen ("ADDRESS:PORT", validated by the config). NULL after
 * logging (address in use, not local, ...). */
struct metrics_server *metrics_server_open(struct event_loop *loop, const char *listen,
					   const struct metrics_source *src);
void metrics_server_close(struct metrics_server *m);
/* The refresh asked for has ended: answers the scrapes that waited on it. */
void metrics_server_refreshed(struct metrics_server *m);

#endif
