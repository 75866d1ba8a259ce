#include "control_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd_io.h"

enum control_frame control_frame_scan(const char *buf, size_t len, size_t max)
{
	const char *nl = memchr(buf, '\n', len < max ? len : max);

	if (nl != NULL)
		return FRAME_COMPLETE;
	return len >= max ? FRAME_TOO_LONG : FRAME_PARTIAL;
}

void control_client_init(struct control_client *c, int fd, uint64_t id, uint64_t now_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->id = id;
	c->state = CLIENT_READING;
	c->deadline_ms = now_ms + CONTROL_REQUEST_MS;
}

static void request_complete(struct control_client *c, uint64_t now_ms)
{
	char *nl = memchr(c->req, '\n', c->req_len);

	if (nl != NULL)
		*nl = '\0';
	c->req[c->req_len] = '\0';
	c->state = CLIENT_WAITING;
	c->deadline_ms = now_ms + CONTROL_WAIT_MS;
}

int control_client_read(struct control_client *c, uint64_t now_ms, enum control_frame *frame)
{
	ssize_t n = read(c->fd, c->req + c->req_len, CONTROL_REQUEST_MAX - c->req_len);

	*frame = FRAME_PARTIAL;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0) {
		/* A request without its newline is still one request. */
		if (c->req_len == 0)
			return -1;
		*frame = FRAME_COMPLETE;
		request_complete(c, now_ms);
		return 0;
	}
	c->req_len += (size_t)n;
	*frame = control_frame_scan(c->req, c->req_len, CONTROL_REQUEST_MAX);
	if (*frame == FRAME_TOO_LONG)
		return -1;
	if (*frame == FRAME_COMPLETE)
		request_complete(c, now_ms);
	return 0;
}

void control_client_queue(struct control_client *c, char *text, uint64_t now_ms)
{
	size_t len = strlen(text);
	char *p = realloc(text, len + 2);

	if (p == NULL) {
		free(text);
		c->state = CLIENT_DONE;
		return;
	}
	p[len] = '\n';
	p[len + 1] = '\0';
	c->out = p;
	c->out_len = len + 1;
	c->out_off = 0;
	c->state = CLIENT_WRITING;
	c->deadline_ms = now_ms + CONTROL_WRITE_MS;
}

int control_client_write(struct control_client *c)
{
	int rc = fd_send_some(c->fd, c->out, c->out_len, &c->out_off);

	if (rc == 1)
		c->state = CLIENT_DONE;
	return rc;
}

bool control_client_expired(const struct control_client *c, uint64_t now_ms)
{
	return now_ms >= c->deadline_ms;
}

void control_client_free(struct control_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
}
