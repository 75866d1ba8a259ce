/* FRR vty socket client: NUL-terminated command out, output + 4-byte trailer in. */
#include "frr_vty.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "event_loop.h"
#include "log.h"

#define TRAILER_LEN 4
/* FRR reads a command into a fixed buffer (VTY_BUFSIZ, 4096); longer ones
 * would be cut into two commands. */
#define CMD_MAX 4095
#define READ_CHUNK (64 * 1024)

int frr_vty_connect(struct frr_vty *v, const char *vty_dir, const char *daemon, int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int n;

	v->fd = -1;
	v->timeout_ms = timeout_ms;
	n = snprintf(v->path, sizeof(v->path), "%s/%s.vty", vty_dir, daemon);
	if (n < 0 || (size_t)n >= sizeof(v->path)) {
		log_warnx("frr vty: socket path \"%s/%s.vty\" is too long", vty_dir, daemon);
		return FRR_VTY_ERR_ARG;
	}
	memcpy(sun.sun_path, v->path, (size_t)n + 1);
	v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (v->fd < 0) {
		log_warn("frr vty: socket");
		return FRR_VTY_ERR_IO;
	}
	/* A unix stream connect completes at once or fails (EAGAIN: backlog full). */
	if (connect(v->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		log_debug("frr vty: connect %s: %s", v->path, strerror(errno));
		frr_vty_close(v);
		return FRR_VTY_ERR_CONNECT;
	}
	return FRR_VTY_OK;
}

void frr_vty_close(struct frr_vty *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

void frr_reply_free(struct frr_reply *reply)
{
	free(reply->out);
	memset(reply, 0, sizeof(*reply));
}

/* Waits until fd is ready for events or the deadline passed. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int64_t left = deadline - (int64_t)monotonic_ms();
		int rc;

		if (left <= 0)
			return FRR_VTY_ERR_TIMEOUT;
		rc = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (rc > 0)
			return FRR_VTY_OK;
		if (rc == 0)
			return FRR_VTY_ERR_TIMEOUT;
		if (errno != EINTR) {
			log_warn("frr vty: poll");
			return FRR_VTY_ERR_IO;
		}
	}
}

static int send_all(struct frr_vty *v, const char *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		ssize_t n = send(v->fd, buf, len, MSG_NOSIGNAL);
		int rc;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			log_warn("frr vty: write to %s", v->path);
			return errno == EPIPE || errno == ECONNRESET ? FRR_VTY_ERR_CLOSED : FRR_VTY_ERR_IO;
		}
		if ((rc = wait_fd(v->fd, POLLOUT, deadline)) != FRR_VTY_OK)
			return rc;
	}
	return FRR_VTY_OK;
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

/* The answer is complete when the bytes read so far end in 0 0 0 <status>;
 * command output is text and never contains NUL bytes. */
static bool has_trailer(const struct frr_reply *r)
{
	const char *t;

	if (r->len < TRAILER_LEN)
		return false;
	t = r->out + r->len - TRAILER_LEN;
	return t[0] == '\0' && t[1] == '\0' && t[2] == '\0';
}

static int read_once(struct frr_vty *v, struct frr_reply *r)
{
	ssize_t n;

	if (reply_reserve(r, READ_CHUNK) != FRR_VTY_OK)
		return FRR_VTY_ERR_NOMEM;
	n = read(v->fd, r->out + r->len, r->cap - r->len - 1);
	if (n > 0) {
		r->len += (size_t)n;
		return FRR_VTY_OK;
	}
	if (n == 0) {
		log_debug("frr vty: %s closed the connection", v->path);
		return FRR_VTY_ERR_CLOSED;
	}
	if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		return FRR_VTY_OK;
	log_warn("frr vty: read from %s", v->path);
	return errno == ECONNRESET ? FRR_VTY_ERR_CLOSED : FRR_VTY_ERR_IO;
}

static int read_reply(struct frr_vty *v, struct frr_reply *r, int64_t deadline)
{
	int rc;

	r->len = 0;
	while (!has_trailer(r)) {
		if ((rc = wait_fd(v->fd, POLLIN, deadline)) != FRR_VTY_OK)
			return rc;
		if ((rc = read_once(v, r)) != FRR_VTY_OK)
			return rc;
	}
	r->len -= TRAILER_LEN;
	r->status = (unsigned char)r->out[r->len + TRAILER_LEN - 1];
	r->out[r->len] = '\0';
	return FRR_VTY_OK;
}

int frr_vty_command(struct frr_vty *v, const char *cmd, struct frr_reply *reply)
{
	int64_t deadline = (int64_t)monotonic_ms() + v->timeout_ms;
	size_t len = strlen(cmd);
	int rc;

	if (v->fd < 0)
		return FRR_VTY_ERR_CONNECT;
	if (len == 0 || len > CMD_MAX) {
		log_warnx("frr vty: command of %zu bytes refused (1 to %d)", len, CMD_MAX);
		return FRR_VTY_ERR_ARG;
	}
	reply->len = 0;
	reply->status = -1;
	/* The terminating NUL is part of the protocol: it ends the command. */
	rc = send_all(v, cmd, len + 1, deadline);
	if (rc == FRR_VTY_OK)
		rc = read_reply(v, reply, deadline);
	if (rc == FRR_VTY_ERR_TIMEOUT)
		log_warnx("frr vty: no complete answer to \"%s\" from %s within %d ms", cmd,
			  v->path, v->timeout_ms);
	return rc;
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
};

const char *frr_vty_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof(vty_err_names) / sizeof(vty_err_names[0])))
		return "unknown error";
	return vty_err_names[-err];
}
