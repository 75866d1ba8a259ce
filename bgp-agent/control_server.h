/* The agent's local control socket: a unix stream socket (mode 0600, so only
 * root asks) speaking one request per connection. The client sends one JSON
 * object terminated by a newline, {"command":"status"}; the agent answers with
 * one JSON object and closes. Errors are {"error":"message"}.
 *
 * Clients are served without blocking (control_client.c): at most
 * CONTROL_CLIENTS_MAX at once (more are told so and closed), each with
 * deadlines, so slow or idle clients never delay route repair. */
#ifndef BGP_AGENT_CONTROL_SERVER_H
#define BGP_AGENT_CONTROL_SERVER_H

#include <jansson.h>
#include <limits.h>
#include <sys/un.h>

#include "control_client.h"
#include "event_loop.h"

#define CONTROL_CLIENTS_MAX 32

enum control_result {
	CONTROL_ANSWERED, /* *reply holds the answer (a new reference) */
	CONTROL_DEFERRED, /* the handler calls control_server_answer(client_id) later */
	CONTROL_UNKNOWN,  /* no such command */
};

typedef enum control_result (*control_handler)(const char *command, uint64_t client_id,
					      json_t **reply, void *arg);

struct control_server {
	int fd;
	int timer_fd; /* fires at the earliest client deadline */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct event_loop *loop;
	control_handler handler;
	void *arg;
	struct control_client *clients[CONTROL_CLIENTS_MAX];
	uint64_t next_id;
	unsigned n_refused; /* clients turned away: too many at once */
};

/* Binds path (replacing a stale socket file) and starts accepting. 0 or -1. */
int control_server_open(struct control_server *cs, struct event_loop *loop, const char *path,
			control_handler handler, void *arg);
/* Stops accepting, drops the clients and removes the socket file. Safe when
 * not open. */
void control_server_close(struct control_server *cs);
/* A deferred answer (taken over). Dropped when the client is gone. */
void control_server_answer(struct control_server *cs, uint64_t client_id, json_t *reply);
/* Clients connected now. */
size_t control_server_clients(const struct control_server *cs);

/* Client side: sends command to the agent listening on path and returns its
 * answer (*reply, a new reference). 0, or -1 with a message in err. */
int control_request(const char *path, const char *command, json_t **reply, char *err,
		    size_t errlen);

#endif
