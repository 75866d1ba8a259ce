/* Client of an FRR daemon's vty unix socket (<vty_dir>/<daemon>.vty), the
 * protocol vtysh speaks: the client writes one command as a NUL-terminated
 * string; the daemon answers with the command's output followed by the four
 * bytes 0 0 0 <status>. Every wait is bounded by a timeout, so a hung daemon
 * never blocks the agent. Reconnecting is the caller's decision. */
#ifndef BGP_FRR_VTY_H
#define BGP_FRR_VTY_H

#include <stddef.h>
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
};

struct frr_vty {
	int fd; /* -1 when not connected */
	int timeout_ms; /* per command: from sending to the complete trailer */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
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

/* Connects to <vty_dir>/<daemon>.vty (e.g. "/var/run/frr/node1", "bgpd").
 * Commands then run in the daemon's view node (all `show` commands work);
 * send "enable" and "configure terminal" first for configuration commands. */
int frr_vty_connect(struct frr_vty *v, const char *vty_dir, const char *daemon, int timeout_ms);
/* Sends cmd and reads its whole answer into reply. Returns FRR_VTY_OK when the
 * daemon answered (see reply->status for the command's own outcome). */
int frr_vty_command(struct frr_vty *v, const char *cmd, struct frr_reply *reply);
void frr_vty_close(struct frr_vty *v); /* safe to call twice */
void frr_reply_free(struct frr_reply *reply);
/* "success", "warning", "unknown command", ... for logs. */
const char *frr_cmd_status_str(int status);
const char *frr_vty_strerror(int err);

#endif
