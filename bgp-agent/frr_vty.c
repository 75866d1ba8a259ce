/* FRR vty socket client: NUL-terminated command out, output + 4-byte trailer in. */
#include "frr_vty.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "event_loop.h"
#include "fd_io.h"
#include "log.h"

#define TRAILER_LEN 4
/* FRR reads a command into a fixed buffer (VTY_BUFSIZ, 4096); longer ones
 * would be cut into two commands. */
#define CMD_MAX 4095
#define READ_CHUNK (64 * 1024)

static void on_deadline(int fd, uint32_t events, void *arg);

int frr_vty_open(struct frr_vty *v, struct event_loop *loop, const char *vty_dir,
		 const char *daemon)
{
	int n;

	memset(v, 0, sizeof(*v));
	v->fd = v->timer_fd = -1;
	v->loop = loop;
	n = snprintf(v->path, sizeof(v->path), "%s/%s.vty", vty_dir, daemon);
	if (n < 0 || (size_t)n >= sizeof(v->path)) {
		log_warnx("frr vty: socket path \"%s/%s.vty\" is too long", vty_dir, daemon);
		return FRR_VTY_ERR_ARG;
	}
	v->timer_fd = timer_create_fd();
	if (v->timer_fd < 0)
		return FRR_VTY_ERR_IO;
	if (event_loop_add(loop, v->timer_fd, on_deadline, v) != 0) {
		frr_vty_free(v);
		return FRR_VTY_ERR_IO;
	}
	return FRR_VTY_OK;
}

int frr_vty_open_bgpd(struct frr_vty *v, struct event_loop *loop, const struct agent_config *cfg)
{
	char dir[PATH_MAX];

	config_vty_dir(cfg, dir, sizeof(dir));
	return frr_vty_open(v, loop, dir, "bgpd") == FRR_VTY_OK ? 0 : -1;
}

void frr_vty_close(struct frr_vty *v)
{
	if (v->fd >= 0) {
		event_loop_del(v->loop, v->fd);
		close(v->fd);
	}
	v->fd = -1;
	v->cb = NULL;
	if (v->timer_fd >= 0)
		timer_arm(v->timer_fd, 0, 0);
}

void frr_vty_free(struct frr_vty *v)
{
	frr_vty_close(v);
	if (v->timer_fd >= 0) {
		event_loop_del(v->loop, v->timer_fd);
		close(v->timer_fd);
	}
	v->timer_fd = -1;
	free(v->cmd);
	v->cmd = NULL;
	v->cmd_cap = 0;
}

void frr_reply_free(struct frr_reply *reply)
{
	free(reply->out);
	memset(reply, 0, sizeof(*reply));
}

bool frr_vty_busy(const struct frr_vty *v)
{
	return v->cb != NULL;
}

uint64_t frr_vty_waiting_ms(const struct frr_vty *v)
{
	return v->cb != NULL ? monotonic_ms() - v->started_ms : 0;
}

/* At least min_free bytes after len (plus room for the final NUL). */
static int reply_reserve(struct frr_reply *r, size_t min_free)
{
	size_t cap = r->cap ? r->cap : READ_CHUNK;
	char *p;

	if (r->cap - r->len > min_free)
		return FRR_VTY_OK;
	while (cap - r->len <= min_free)
		cap *= 2;
	p = realloc(r->out, cap);
	if (p == NULL)
		return FRR_VTY_ERR_NOMEM;
	r->out = p;
	r->cap = cap;
	return FRR_VTY_OK;
}

/* Each answer ends in 0 0 0 <status>; command output is text and never
 * contains NUL bytes, so the next NUL starts the next trailer. True once all
 * answers of the request are in (bytes after them are dropped). */
static bool answers_complete(struct frr_vty *v, struct frr_reply *r)
{
	while (v->n_seen < v->n_expect) {
		const char *nul = memchr(r->out + v->scan_pos, '\0', r->len - v->scan_pos);
		size_t at;

		if (nul == NULL)
			return false;
		at = (size_t)(nul - r->out);
		if (at + TRAILER_LEN > r->len)
			return false;
		v->n_seen++;
		v->scan_pos = at + TRAILER_LEN;
	}
	r->len = v->scan_pos;
	return true;
}

bool frr_reply_next(const struct frr_reply *r, size_t *pos, const char **out, size_t *len,
		    int *status)
{
	const char *nul;

	if (r->out == NULL || *pos > r->len)
		return false;
	*out = r->out + *pos;
	nul = memchr(*out, '\0', r->len - *pos);
	if (nul == NULL) { /* the last answer: its trailer was taken off */
		*len = r->len - *pos;
		*status = r->status;
		*pos = r->len + 1;
		return true;
	}
	*len = (size_t)(nul - *out);
	*status = *pos + *len + TRAILER_LEN <= r->len ? (unsigned char)nul[TRAILER_LEN - 1] : -1;
	*pos += *len + TRAILER_LEN;
	return true;
}

/* Sends what the socket takes; FRR_VTY_OK also when some is left. */
static int send_some(struct frr_vty *v)
{
	if (fd_send_some(v->fd, v->cmd, v->cmd_len, &v->cmd_sent) >= 0)
		return FRR_VTY_OK;
	log_warn("frr vty: write to %s", v->path);
	return errno == EPIPE || errno == ECONNRESET ? FRR_VTY_ERR_CLOSED : FRR_VTY_ERR_IO;
}

/* Reads what is there, up to the end of the answer; FRR_VTY_OK also when it
 * is still incomplete. */
static int read_some(struct frr_vty *v, struct frr_reply *r)
{
	for (;;) {
		ssize_t n;

		if (reply_reserve(r, READ_CHUNK) != FRR_VTY_OK)
			return FRR_VTY_ERR_NOMEM;
		n = read(v->fd, r->out + r->len, r->cap - r->len - 1);
		if (n > 0) {
			r->len += (size_t)n;
			if (answers_complete(v, r))
				return FRR_VTY_OK; /* the daemon may hang up right after */
			continue;
		}
		if (n == 0) {
			log_debug("frr vty: %s closed the connection", v->path);
			return FRR_VTY_ERR_CLOSED;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return FRR_VTY_OK;
		log_warn("frr vty: read from %s", v->path);
		return errno == ECONNRESET ? FRR_VTY_ERR_CLOSED : FRR_VTY_ERR_IO;
	}
}

static void finish(struct frr_vty *v, int rc)
{
	frr_vty_done cb = v->cb;
	struct frr_reply *r = v->reply;

	timer_arm(v->timer_fd, 0, 0);
	if (rc == FRR_VTY_OK) {
		r->len -= TRAILER_LEN;
		r->status = (unsigned char)r->out[r->len + TRAILER_LEN - 1];
		r->out[r->len] = '\0';
		if (v->fd >= 0)
			event_loop_set_events(v->loop, v->fd, EPOLLIN);
	} else {
		frr_vty_close(v); /* the connection is out of step: start over */
	}
	v->cb = NULL;
	cb(v->arg, rc, r);
}

static void on_io(int fd, uint32_t events, void *arg)
{
	struct frr_vty *v = arg;
	int rc;

	(void)fd;
	if (v->cb == NULL) {
		/* Idle: the daemon hung up (or chattered); reconnect next time. */
		frr_vty_close(v);
		return;
	}
	if (v->cmd_sent < v->cmd_len) {
		if ((rc = send_some(v)) != FRR_VTY_OK) {
			finish(v, rc);
			return;
		}
		if (v->cmd_sent == v->cmd_len)
			event_loop_set_events(v->loop, v->fd, EPOLLIN);
		return;
	}
	(void)events;
	rc = read_some(v, v->reply);
	if (rc != FRR_VTY_OK || answers_complete(v, v->reply))
		finish(v, rc);
}

static void on_deadline(int fd, uint32_t events, void *arg)
{
	struct frr_vty *v = arg;

	(void)events;
	timer_ack(fd);
	if (v->cb == NULL)
		return;
	log_warnx("frr vty: no complete answer to \"%s\" from %s within %d ms", v->cmd, v->path,
		  v->timeout_ms);
	finish(v, FRR_VTY_ERR_TIMEOUT);
}

static int vty_connect(struct frr_vty *v)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memcpy(sun.sun_path, v->path, sizeof(sun.sun_path));
	v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (v->fd < 0) {
		log_warn("frr vty: socket");
		return FRR_VTY_ERR_IO;
	}
	/* A unix stream connect completes at once or fails (EAGAIN: backlog
	 * full, e.g. a stopped daemon). */
	if (connect(v->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		log_debug("frr vty: connect %s: %s", v->path, strerror(errno));
		close(v->fd);
		v->fd = -1;
		return FRR_VTY_ERR_CONNECT;
	}
	if (event_loop_add_events(v->loop, v->fd, EPOLLOUT, on_io, v) != 0) {
		close(v->fd);
		v->fd = -1;
		return FRR_VTY_ERR_IO;
	}
	return FRR_VTY_OK;
}

static int arm_deadline(struct frr_vty *v, int timeout_ms)
{
	uint64_t ms = timeout_ms > 0 ? (uint64_t)timeout_ms : 1;

	return timer_arm(v->timer_fd, ms, 0) == 0 ? FRR_VTY_OK : FRR_VTY_ERR_IO;
}

static int keep_commands(struct frr_vty *v, const char *cmds, size_t len)
{
	if (len > v->cmd_cap) {
		char *p = realloc(v->cmd, len);

		if (p == NULL)
			return FRR_VTY_ERR_NOMEM;
		v->cmd = p;
		v->cmd_cap = len;
	}
	memcpy(v->cmd, cmds, len);
	v->cmd_len = len;
	return FRR_VTY_OK;
}

/* Every command of the batch is 1..CMD_MAX bytes and NUL-terminated. */
static bool commands_valid(const char *cmds, size_t len, size_t n)
{
	size_t seen = 0, start = 0;

	for (size_t i = 0; i < len; i++) {
		if (cmds[i] != '\0')
			continue;
		if (i == start || i - start > CMD_MAX)
			return false;
		seen++;
		start = i + 1;
	}
	return n > 0 && seen == n && start == len;
}

int frr_vty_request_batch(struct frr_vty *v, const char *cmds, size_t len, size_t n,
			  int timeout_ms, struct frr_reply *reply, frr_vty_done cb, void *arg)
{
	int rc;

	if (v->cb != NULL)
		return FRR_VTY_ERR_BUSY;
	if (!commands_valid(cmds, len, n)) {
		log_warnx("frr vty: commands refused (each 1 to %d bytes, NUL-terminated)", CMD_MAX);
		return FRR_VTY_ERR_ARG;
	}
	if (v->fd < 0 && (rc = vty_connect(v)) != FRR_VTY_OK)
		return rc;
	if ((rc = keep_commands(v, cmds, len)) != FRR_VTY_OK ||
	    (rc = arm_deadline(v, timeout_ms)) != FRR_VTY_OK) {
		frr_vty_close(v);
		return rc;
	}
	v->cmd_sent = 0;
	v->n_expect = n;
	v->n_seen = 0;
	v->scan_pos = 0;
	v->timeout_ms = timeout_ms;
	v->started_ms = monotonic_ms();
	reply->len = 0;
	reply->status = -1;
	v->reply = reply;
	v->cb = cb;
	v->arg = arg;
	event_loop_set_events(v->loop, v->fd, EPOLLOUT);
	return FRR_VTY_OK;
}

int frr_vty_request(struct frr_vty *v, const char *cmd, int timeout_ms, struct frr_reply *reply,
		    frr_vty_done cb, void *arg)
{
	size_t len = strlen(cmd);

	if (v->cb != NULL)
		return FRR_VTY_ERR_BUSY;
	if (len == 0 || len > CMD_MAX) {
		log_warnx("frr vty: command of %zu bytes refused (1 to %d)", len, CMD_MAX);
		return FRR_VTY_ERR_ARG;
	}
	/* The terminating NUL is part of the protocol: it ends the command. */
	return frr_vty_request_batch(v, cmd, len + 1, 1, timeout_ms, reply, cb, arg);
}

static const char *const cmd_status_names[] = {
	[FRR_CMD_SUCCESS] = "success",
	[FRR_CMD_WARNING] = "warning",
	[FRR_CMD_ERR_NO_MATCH] = "unknown command",
	[FRR_CMD_ERR_AMBIGUOUS] = "ambiguous command",
	[FRR_CMD_ERR_INCOMPLETE] = "incomplete command",
	[FRR_CMD_ERR_EXEED_ARGC_MAX] = "too many arguments",
	[FRR_CMD_ERR_NOTHING_TODO] = "nothing to do",
	[FRR_CMD_COMPLETE_FULL_MATCH] = "complete: full match",
	[FRR_CMD_COMPLETE_MATCH] = "complete: match",
	[FRR_CMD_COMPLETE_LIST_MATCH] = "complete: list match",
	[FRR_CMD_SUCCESS_DAEMON] = "success (daemon)",
	[FRR_CMD_ERR_NO_FILE] = "no such file",
	[FRR_CMD_SUSPEND] = "suspended",
	[FRR_CMD_WARNING_CONFIG_FAILED] = "configuration failed",
	[FRR_CMD_NOT_MY_INSTANCE] = "not my instance",
	[FRR_CMD_NO_LEVEL_UP] = "no level up",
	[FRR_CMD_ERR_NO_DAEMON] = "no such daemon",
};

const char *frr_cmd_status_str(int status)
{
	if (status < 0 || (size_t)status >= sizeof(cmd_status_names) / sizeof(cmd_status_names[0]))
		return "unknown status";
	return cmd_status_names[status];
}

static const char *const vty_err_names[] = {
	"success", "cannot connect to the daemon's vty socket", "timed out",
	"the daemon closed the connection", "I/O error", "out of memory", "invalid argument",
	"a request is already running",
};

const char *frr_vty_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof(vty_err_names) / sizeof(vty_err_names[0])))
		return "unknown error";
	return vty_err_names[-err];
}
