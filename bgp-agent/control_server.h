/* The agent's local control socket: a unix stream socket (mode 0600, so only
 * root asks) speaking one request per connection. The client sends one JSON
 * object terminated by a newline, {"command":"status"}; the agent answers with
 * one JSON object and closes. Errors are {"error":"message"}. */
#ifndef BGP_AGENT_CONTROL_SERVER_H
#define BGP_AGENT_CONTROL_SERVER_H

#include <jansson.h>
#include <limits.h>
#include <sys/un.h>

#include "event_loop.h"

/* Builds the answer to command (a new reference), or NULL for an unknown one. */
typedef json_t *(*control_handler)(const char *command, void *arg);

struct control_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct event_loop *loop;
	control_handler handler;
	void *arg;
};

/* Binds path (replacing a stale socket file) and starts accepting. 0 or -1. */
int control_server_open(struct control_server *cs, struct event_loop *loop, const char *path,
			control_handler handler, void *arg);
/* Stops accepting and removes the socket file. Safe when not open. */
void control_server_close(struct control_server *cs);

/* Client side: sends command to the agent listening on path and returns its
 * answer (*reply, a new reference). 0, or -1 with a message in err. */
int control_request(const char *path, const char *command, json_t **reply, char *err,
		    size_t errlen);

#endif
