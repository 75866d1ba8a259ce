/* One client of the control socket as a state machine driven by the event
 * loop: READING (the request line arrives in any number of pieces), WAITING
 * (the handler answers later, e.g. after asking bgpd), WRITING (the answer
 * drains as the socket takes it), then closed. Every state has a deadline, so
 * a client that stalls costs a few bytes of memory, never the loop's time. */
#ifndef BGP_AGENT_CONTROL_CLIENT_H
#define BGP_AGENT_CONTROL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_REQUEST_MAX 4096    /* bytes, newline included */
#define CONTROL_REQUEST_MS 2000     /* connect -> complete request */
#define CONTROL_WAIT_MS 5000        /* request -> answer ready (handler's bound) */
#define CONTROL_WRITE_MS 2000       /* answer ready -> fully sent */

enum control_client_state { CLIENT_READING, CLIENT_WAITING, CLIENT_WRITING, CLIENT_DONE };

/* Request framing: what the bytes received so far amount to. */
enum control_frame { FRAME_PARTIAL, FRAME_COMPLETE, FRAME_TOO_LONG };

struct control_client {
	int fd;
	uint64_t id;          /* names the client to a deferred answer */
	enum control_client_state state;
	uint64_t deadline_ms; /* of the current state (monotonic) */
	char req[CONTROL_REQUEST_MAX + 1];
	size_t req_len;
	char *out;            /* answer being written */
	size_t out_len, out_off;
};

/* Pure: the request is the bytes up to the first newline (or up to EOF);
 * a request without a newline in max bytes is refused. */
enum control_frame control_frame_scan(const char *buf, size_t len, size_t max);

void control_client_init(struct control_client *c, int fd, uint64_t id, uint64_t now_ms);
/* Reads what is there. FRAME_COMPLETE moves to WAITING with req holding the
 * NUL-terminated request; -1 when the client is to be dropped (EOF before a
 * request, error, too long). */
int control_client_read(struct control_client *c, uint64_t now_ms, enum control_frame *frame);
/* Queues text (taken over, with a newline added) and moves to WRITING. */
void control_client_queue(struct control_client *c, char *text, uint64_t now_ms);
/* Writes what the socket takes. 1 when all was sent (DONE), 0 when more is
 * left, -1 on error. */
int control_client_write(struct control_client *c);
bool control_client_expired(const struct control_client *c, uint64_t now_ms);
/* Closes the fd and frees the queued answer. */
void control_client_free(struct control_client *c);

#endif
