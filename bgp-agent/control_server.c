#include "control_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "fd_io.h"
#include "log.h"

#define CLIENT_WAIT_MS 30000 /* the client's own patience */
#define BUSY_REPLY "{\"error\":\"too many control clients; try again\"}\n"

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

static json_t *error_reply(const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return json_pack("{s:s}", "error", msg);
}

static struct control_client **slot_of(struct control_server *cs, uint64_t id)
{
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (cs->clients[i] != NULL && cs->clients[i]->id == id)
			return &cs->clients[i];
	return NULL;
}

static void drop_client(struct control_server *cs, struct control_client **slot)
{
	event_loop_del(cs->loop, (*slot)->fd);
	control_client_free(*slot);
	free(*slot);
	*slot = NULL;
}

/* One timer for all clients, armed for the earliest deadline. */
static void arm_deadline(struct control_server *cs)
{
	uint64_t now = monotonic_ms(), first = 0;

	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		const struct control_client *c = cs->clients[i];

		if (c != NULL && (first == 0 || c->deadline_ms < first))
			first = c->deadline_ms;
	}
	timer_arm(cs->timer_fd, first == 0 ? 0 : first > now ? first - now : 1, 0);
}

static void send_reply(struct control_server *cs, struct control_client **slot, json_t *reply)
{
	struct control_client *c = *slot;
	char *text = json_dumps(reply, JSON_COMPACT);

	json_decref(reply);
	if (text == NULL) {
		log_errorx("control: cannot encode the answer");
		drop_client(cs, slot);
		return;
	}
	control_client_queue(c, text, monotonic_ms());
	if (c->state == CLIENT_DONE || control_client_write(c) != 0) {
		drop_client(cs, slot); /* all sent, or the client went away */
		return;
	}
	event_loop_set_events(cs->loop, c->fd, EPOLLOUT);
}

static void handle_request(struct control_server *cs, struct control_client **slot)
{
	json_error_t jerr;
	json_t *req = json_loads((*slot)->req, JSON_DISABLE_EOF_CHECK, &jerr);
	const char *command = NULL;
	json_t *reply = NULL;

	if (req == NULL || json_unpack(req, "{s:s}", "command", &command) != 0) {
		reply = error_reply("bad request: %s", req == NULL ? jerr.text : "no \"command\"");
	} else {
		switch (cs->handler(command, (*slot)->id, &reply, cs->arg)) {
		case CONTROL_ANSWERED:
			break;
		case CONTROL_DEFERRED:
			/* Nothing to read meanwhile; the deadline still runs. */
			event_loop_set_events(cs->loop, (*slot)->fd, 0);
			json_decref(req);
			return;
		case CONTROL_UNKNOWN:
			reply = error_reply("unknown command \"%s\"", command);
			break;
		}
	}
	json_decref(req);
	send_reply(cs, slot, reply);
}

static void on_client(int fd, uint32_t events, void *arg)
{
	struct control_server *cs = arg;
	struct control_client **slot = NULL;
	enum control_frame frame;

	for (size_t i = 0; i < CONTROL_CLIENTS_MAX && slot == NULL; i++)
		if (cs->clients[i] != NULL && cs->clients[i]->fd == fd)
			slot = &cs->clients[i];
	if (slot == NULL)
		return;
	if ((*slot)->state == CLIENT_WAITING && (events & (EPOLLHUP | EPOLLERR))) {
		drop_client(cs, slot); /* left before its answer was ready */
	} else if ((*slot)->state == CLIENT_WRITING) {
		if (control_client_write(*slot) != 0)
			drop_client(cs, slot);
	} else if ((*slot)->state == CLIENT_READING && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if (control_client_read(*slot, monotonic_ms(), &frame) != 0) {
			log_debug("control: client sent no usable request");
			drop_client(cs, slot);
		} else if (frame == FRAME_COMPLETE) {
			handle_request(cs, slot);
		}
	}
	arm_deadline(cs);
}

static void on_deadline(int fd, uint32_t events, void *arg)
{
	struct control_server *cs = arg;
	uint64_t now = monotonic_ms();

	(void)events;
	timer_ack(fd);
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct control_client *c = cs->clients[i];

		if (c == NULL || !control_client_expired(c, now))
			continue;
		if (c->state == CLIENT_WAITING) {
			log_warnx("control: no answer ready in %d ms", CONTROL_WAIT_MS);
			send_reply(cs, &cs->clients[i], error_reply("%s", "the agent did not answer in time"));
			continue;
		}
		log_debug("control: client too slow (%s); closed",
			  c->state == CLIENT_READING ? "request" : "reading the answer");
		drop_client(cs, &cs->clients[i]);
	}
	arm_deadline(cs);
}

/* Told, not just closed: `bgp-agent status` then says why. */
static void refuse(struct control_server *cs, int fd)
{
	if (cs->n_refused++ % 100 == 0)
		log_warnx("control: more than %d clients at once; refusing (%u so far)",
			  CONTROL_CLIENTS_MAX, cs->n_refused);
	if (send(fd, BUSY_REPLY, strlen(BUSY_REPLY), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: telling a refused client: %s", strerror(errno));
	close(fd);
}

static void add_client(struct control_server *cs, int fd)
{
	struct control_client **slot = NULL;

	for (size_t i = 0; i < CONTROL_CLIENTS_MAX && slot == NULL; i++)
		if (cs->clients[i] == NULL)
			slot = &cs->clients[i];
	if (slot == NULL) {
		refuse(cs, fd);
		return;
	}
	*slot = malloc(sizeof(**slot));
	if (*slot == NULL) {
		log_error("control: client");
		close(fd);
		return;
	}
	control_client_init(*slot, fd, ++cs->next_id, monotonic_ms());
	if (event_loop_add(cs->loop, fd, on_client, cs) != 0) {
		control_client_free(*slot);
		free(*slot);
		*slot = NULL;
	}
}

static void on_accept(int fd, uint32_t events, void *arg)
{
	struct control_server *cs = arg;
	int client;

	(void)events;
	/* A few per wakeup: a burst of clients must not starve the rest. */
	for (int i = 0; i < 8; i++) {
		client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (client < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("control: accept");
			break;
		}
		add_client(cs, client);
	}
	arm_deadline(cs);
}

void control_server_answer(struct control_server *cs, uint64_t client_id, json_t *reply)
{
	struct control_client **slot = slot_of(cs, client_id);

	if (slot == NULL || (*slot)->state != CLIENT_WAITING) {
		json_decref(reply); /* it gave up (deadline) or left */
		return;
	}
	send_reply(cs, slot, reply);
	arm_deadline(cs);
}

size_t control_server_clients(const struct control_server *cs)
{
	size_t n = 0;

	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++)
		n += cs->clients[i] != NULL;
	return n;
}

static int bind_socket(struct control_server *cs, const char *path)
{
	struct sockaddr_un sa;
	mode_t old;
	int rc;

	if (fill_addr(&sa, path) != 0 || mkdir_parents_of(path, 0755) != 0)
		return -1;
	/* A socket file left by a previous run that died: nobody listens on it. */
	if (unlink(path) != 0 && errno != ENOENT)
		return -1;
	old = umask(0177); /* created 0600: status shows the routing state */
	rc = bind(cs->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0)
		return -1;
	return listen(cs->fd, 64);
}

int control_server_open(struct control_server *cs, struct event_loop *loop, const char *path,
			control_handler handler, void *arg)
{
	memset(cs, 0, sizeof(*cs));
	cs->loop = loop;
	cs->handler = handler;
	cs->arg = arg;
	cs->fd = cs->timer_fd = -1;
	snprintf(cs->path, sizeof(cs->path), "%s", path);
	cs->timer_fd = timer_create_fd();
	if (cs->timer_fd < 0 || event_loop_add(loop, cs->timer_fd, on_deadline, cs) != 0) {
		control_server_close(cs);
		return -1;
	}
	cs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (cs->fd < 0 || bind_socket(cs, path) != 0) {
		log_error("control: cannot listen on \"%s\"", path);
		if (cs->fd >= 0)
			close(cs->fd);
		cs->fd = -1;
		control_server_close(cs);
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
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (cs->clients[i] != NULL)
			drop_client(cs, &cs->clients[i]);
	if (cs->timer_fd >= 0) {
		event_loop_del(cs->loop, cs->timer_fd);
		close(cs->timer_fd);
		cs->timer_fd = -1;
	}
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
