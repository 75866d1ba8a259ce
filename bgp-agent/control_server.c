#include "control_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "fd_io.h"
#include "log.h"

#define REQUEST_MAX 4096
/* A client gets this long to send its request and to read the answer. The
 * socket is root-only, so a slow client is a bug, not an attack; the bound
 * keeps it from stalling the daemon. */
#define CLIENT_TIMEOUT_MS 2000
#define CLIENT_WAIT_MS 30000 /* the client's own patience */

static int set_timeouts(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return -1;
	return 0;
}

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Reads until a newline or EOF; the request is NUL-terminated in buf. */
static ssize_t read_request(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

static json_t *error_reply(const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return json_pack("{s:s}", "error", msg);
}

static json_t *handle_request(struct control_server *cs, const char *text)
{
	json_error_t jerr;
	json_t *req = json_loads(text, JSON_DISABLE_EOF_CHECK, &jerr);
	const char *command = NULL;
	json_t *reply;

	if (req == NULL || json_unpack(req, "{s:s}", "command", &command) != 0) {
		json_decref(req);
		return error_reply("bad request: %s", req == NULL ? jerr.text : "no \"command\"");
	}
	reply = cs->handler(command, cs->arg);
	if (reply == NULL)
		reply = error_reply("unknown command \"%s\"", command);
	json_decref(req);
	return reply;
}

static void serve_client(struct control_server *cs, int fd)
{
	char buf[REQUEST_MAX];
	json_t *reply;
	char *text;

	if (set_timeouts(fd, CLIENT_TIMEOUT_MS) != 0 || read_request(fd, buf, sizeof(buf)) <= 0) {
		log_debug("control: client sent no request");
		return;
	}
	reply = handle_request(cs, buf);
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (text == NULL) {
		log_errorx("control: cannot encode the answer");
		return;
	}
	if (fd_write_all(fd, text, strlen(text)) != 0 || fd_write_all(fd, "\n", 1) != 0)
		log_warn("control: writing the answer");
	free(text);
}

static void on_accept(int fd, uint32_t events, void *arg)
{
	struct control_server *cs = arg;
	int client;

	(void)events;
	client = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (client < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	serve_client(cs, client);
	close(client);
}

static int bind_socket(struct control_server *cs, const char *path)
{
	struct sockaddr_un sa;
	char dir[sizeof(sa.sun_path)];
	char *slash;
	mode_t old;
	int rc;

	if (fill_addr(&sa, path) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir_parents(dir, 0755) != 0)
			return -1;
	}
	/* A socket file left by a previous run that died: nobody listens on it. */
	if (unlink(path) != 0 && errno != ENOENT)
		return -1;
	old = umask(0177); /* created 0600: status shows the routing state */
	rc = bind(cs->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0)
		return -1;
	return listen(cs->fd, 8);
}

int control_server_open(struct control_server *cs, struct event_loop *loop, const char *path,
			control_handler handler, void *arg)
{
	memset(cs, 0, sizeof(*cs));
	cs->loop = loop;
	cs->handler = handler;
	cs->arg = arg;
	snprintf(cs->path, sizeof(cs->path), "%s", path);
	cs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (cs->fd < 0 || bind_socket(cs, path) != 0) {
		log_error("control: cannot listen on \"%s\"", path);
		if (cs->fd >= 0)
			close(cs->fd);
		cs->fd = -1;
		return -1;
	}
	if (event_loop_add(loop, cs->fd, on_accept, cs) != 0) {
		control_server_close(cs);
		return -1;
	}
	log_info("control: listening on %s", path);
	return 0;
}

void control_server_close(struct control_server *cs)
{
	if (cs->fd < 0)
		return;
	event_loop_del(cs->loop, cs->fd);
	close(cs->fd);
	unlink(cs->path);
	cs->fd = -1;
}

/* --- client --------------------------------------------------------- */

static int client_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd;

	if (fill_addr(&sa, path) != 0) {
		snprintf(err, errlen, "socket path \"%s\" is too long", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || set_timeouts(fd, CLIENT_WAIT_MS) != 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "cannot connect to the agent at \"%s\": %s (is `bgp-agent run` running?)",
			 path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int control_request(const char *path, const char *command, json_t **reply, char *err,
		    size_t errlen)
{
	json_error_t jerr;
	json_t *req = json_pack("{s:s}", "command", command);
	char *text = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	FILE *in;
	int fd, rc;

	*reply = NULL;
	json_decref(req);
	if (text == NULL) {
		snprintf(err, errlen, "cannot encode the request");
		return -1;
	}
	fd = client_connect(path, err, errlen);
	rc = fd < 0 ? -1 : fd_write_all(fd, text, strlen(text));
	free(text);
	if (fd < 0)
		return -1;
	if (rc != 0 || fd_write_all(fd, "\n", 1) != 0) {
		snprintf(err, errlen, "sending to \"%s\": %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	in = fdopen(fd, "r");
	if (in == NULL) {
		snprintf(err, errlen, "fdopen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*reply = json_loadf(in, JSON_DISABLE_EOF_CHECK, &jerr);
	fclose(in);
	if (*reply == NULL) {
		snprintf(err, errlen, "bad answer from the agent: line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	return 0;
}
