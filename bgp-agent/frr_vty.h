/* Client of an FRR daemon's vty unix socket (<vty_dir>/<daemon>.vty), the
 * protocol vtysh speaks: the client writes one command as a NUL-terminated
 * string; the daemon answers with the command's output followed by the four
 * bytes 0 0 0 <status>. Requests run in the event loop: connect, write and
 * read never block, each request has a deadline, and its outcome arrives in a
 * callback, so a hung or stopped daemon costs the agent nothing but the
 * answer. One request at a time per connection: open one connection per
 * purpose. The connection is (re)made by the next request after a failure. */
#ifndef BGP_FRR_VTY_H
#define BGP_FRR_VTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

/* FRR's command status codes (lib/command.h, CMD_*), as they arrive in the
 * last byte of the trailer. */
enum frr_cmd_status {
	FRR_CMD_SUCCESS = 0,
	FRR_CMD_WARNING = 1,
	FRR_CMD_ERR_NO_MATCH = 2,
	FRR_CMD_ERR_AMBIGUOUS = 3,
	FRR_CMD_ERR_INCOMPLETE = 4,
	FRR_CMD_ERR_EXEED_ARGC_MAX = 5,
	FRR_CMD_ERR_NOTHING_TODO = 6,
	FRR_CMD_COMPLETE_FULL_MATCH = 7,
	FRR_CMD_COMPLETE_MATCH = 8,
	FRR_CMD_COMPLETE_LIST_MATCH = 9,
	FRR_CMD_SUCCESS_DAEMON = 10,
	FRR_CMD_ERR_NO_FILE = 11,
	FRR_CMD_SUSPEND = 12,
	FRR_CMD_WARNING_CONFIG_FAILED = 13,
	FRR_CMD_NOT_MY_INSTANCE = 14,
	FRR_CMD_NO_LEVEL_UP = 15,
	FRR_CMD_ERR_NO_DAEMON = 16,
};

/* Return codes of the functions below (0 = success). After any of them the
 * connection is unusable: close it and connect again. */
enum frr_vty_err {
	FRR_VTY_OK = 0,
	FRR_VTY_ERR_CONNECT = -1, /* socket missing / refused (daemon not running) */
	FRR_VTY_ERR_TIMEOUT = -2, /* no complete answer within timeout_ms */
	FRR_VTY_ERR_CLOSED = -3,  /* the daemon closed the connection */
	FRR_VTY_ERR_IO = -4,      /* read/write failed (errno logged) */
	FRR_VTY_ERR_NOMEM = -5,
	FRR_VTY_ERR_ARG = -6,     /* path too long, command empty or too long */
	FRR_VTY_ERR_BUSY = -7,    /* a request is already running on this connection */
};

struct frr_reply;
struct event_loop;
/* The outcome of a request: rc is FRR_VTY_OK when the daemon answered (see
 * reply->status for the command's own outcome). */
typedef void (*frr_vty_done)(void *arg, int rc, struct frr_reply *reply);

struct frr_vty {
	int fd;       /* -1 when not connected */
	int timer_fd; /* the running request's deadline */
	struct event_loop *loop;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	/* The running request (cb != NULL). */
	frr_vty_done cb;
	void *arg;
	struct frr_reply *reply;
	char *cmd;    /* the command(s), each NUL-terminated; heap, kept */
	size_t cmd_cap, cmd_len, cmd_sent;
	size_t n_expect, n_seen; /* answers (trailers) wanted, and read so far */
	size_t scan_pos;         /* reply bytes already searched for trailers */
	int timeout_ms;
	uint64_t started_ms;
};

/* Output of one command. Reused across commands: the buffer grows
 * geometrically and is kept, so polling does not reallocate. Zero-initialise
 * (FRR_REPLY_INIT) before first use; frr_reply_free() when done. */
struct frr_reply {
	char *out;  /* NUL-terminated output without the trailer */
	size_t len; /* bytes in out, excluding the NUL */
	size_t cap;
	int status; /* enum frr_cmd_status */
};
#define FRR_REPLY_INIT { NULL, 0, 0, 0 }

/* Prepares a client of <vty_dir>/<daemon>.vty (e.g. "/var/run/frr/node1",
 * "bgpd"); nothing is connected yet. Commands run in the daemon's view node
 * (all `show` commands work); send "enable" and "configure terminal" first
 * for configuration commands. FRR_VTY_OK, FRR_VTY_ERR_ARG or _IO. */
int frr_vty_open(struct frr_vty *v, struct event_loop *loop, const char *vty_dir,
		 const char *daemon);
/* Starts cmd (connecting first when needed); its answer goes into reply, and
 * cb runs once from the event loop, by timeout_ms at the latest. Any other
 * return means it did not start and cb will not run. */
int frr_vty_request(struct frr_vty *v, const char *cmd, int timeout_ms, struct frr_reply *reply,
		    frr_vty_done cb, void *arg);
/* Several commands in one write: cmds holds n commands, each NUL-terminated
 * (len bytes in all; each at most 4095 bytes). The daemon answers them one
 * after another (bgpd does: measured, 100 `show bgp ... PREFIX json`
 * pipelined 21-38 ms against 36-54 ms one by one); cb runs once all n
 * answers are in, and frr_reply_next() walks them. Otherwise as
 * frr_vty_request(). */
int frr_vty_request_batch(struct frr_vty *v, const char *cmds, size_t len, size_t n,
			  int timeout_ms, struct frr_reply *reply, frr_vty_done cb, void *arg);
/* The answers of a batch in order, each with its command status: start with
 * *pos = 0; false after the last. */
bool frr_reply_next(const struct frr_reply *r, size_t *pos, const char **out, size_t *len,
		    int *status);
/* frr_vty_open of the bgpd that cfg's FRR (run_dir, pathspace) runs; each
 * purpose opens its own. 0 or -1. */
struct agent_config;
int frr_vty_open_bgpd(struct frr_vty *v, struct event_loop *loop, const struct agent_config *cfg);
bool frr_vty_busy(const struct frr_vty *v);
/* Milliseconds the running request has waited (0 when idle). */
uint64_t frr_vty_waiting_ms(const struct frr_vty *v);
/* Drops the connection; a running request is abandoned without its callback. */
void frr_vty_close(struct frr_vty *v);
void frr_vty_free(struct frr_vty *v); /* close + the timer; safe to call twice */
void frr_reply_free(struct frr_reply *reply);
/* "success", "warning", "unknown command", ... for logs. */
const char *frr_cmd_status_str(int status);
const char *frr_vty_strerror(int err);

#endif
