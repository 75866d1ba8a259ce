#include "metrics_server.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "metrics_render.h"
#include "prefix.h"

#define METRICS_CONN_TIMEOUT_S 10 /* a client idle this long is dropped */
#define METRICS_CONN_MAX 32
#define METRICS_CONN_MEMORY 16384 /* per connection: request headers */
#define METRICS_WAITING_MAX 16    /* scrapes suspended until a refresh ends */

struct metrics_server {
	struct event_loop *loop;
	struct metrics_source src;
	struct MHD_Daemon *mhd;
	int epoll_fd;                 /* MHD's, watched by the loop */
	int timer_fd;                 /* MHD_get_timeout() */
	bool refreshing;
	struct MHD_Connection *waiting[METRICS_WAITING_MAX];
	size_t n_waiting;
	char where[64];
};

/* Marks a request that already waited for a refresh (MHD's per-request slot). */
static int waited;

static void run_mhd(struct metrics_server *m)
{
	MHD_UNSIGNED_LONG_LONG ms;

	MHD_run(m->mhd);
	if (MHD_get_timeout(m->mhd, &ms) != MHD_YES)
		timer_arm(m->timer_fd, 0, 0);
	else
		timer_arm(m->timer_fd, ms > 0 ? ms : 1, 0); /* 0 would disarm */
}

static void on_ready(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	run_mhd(arg);
}

static void on_timer(int fd, uint32_t events, void *arg)
{
	(void)events;
	timer_ack(fd);
	run_mhd(arg);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, char *body, size_t len,
			     const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (r == NULL) {
		free(body);
		return MHD_NO; /* MHD closes the connection */
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	char *body = strdup(text);

	return body != NULL ? reply(c, status, body, strlen(body), "text/plain") : MHD_NO;
}

static enum MHD_Result reply_metrics(struct metrics_server *m, struct MHD_Connection *c)
{
	size_t len = 0;
	char *page = m->src.render(m->src.arg, &len);

	if (page == NULL)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return reply(c, MHD_HTTP_OK, page, len, METRICS_CONTENT_TYPE);
}

/* First call for a request: wait for fresh data when a refresh can run. */
static bool suspend_for_refresh(struct metrics_server *m, struct MHD_Connection *c)
{
	if (m->n_waiting == METRICS_WAITING_MAX)
		return false;
	if (!m->refreshing && !m->src.refresh(m->src.arg))
		return false;
	m->refreshing = true;
	m->waiting[m->n_waiting++] = c;
	MHD_suspend_connection(c);
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **req)
{
	struct metrics_server *m = cls;

	(void)version;
	(void)upload_data;
	*upload_data_size = 0; /* a body is ignored */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (strcmp(url, "/metrics") != 0)
		return reply_text(c, MHD_HTTP_NOT_FOUND, "the metrics are at /metrics\n");
	if (*req == NULL) {
		*req = &waited;
		if (suspend_for_refresh(m, c))
			return MHD_YES;
	}
	return reply_metrics(m, c);
}

void metrics_server_refreshed(struct metrics_server *m)
{
	if (m == NULL)
		return;
	m->refreshing = false;
	for (size_t i = 0; i < m->n_waiting; i++)
		MHD_resume_connection(m->waiting[i]);
	m->n_waiting = 0;
	run_mhd(m); /* external polling: MHD handles resumed requests only when run */
}

static void mhd_log(void *arg, const char *fmt, va_list ap)
{
	struct metrics_server *m = arg;
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("metrics %s: %s", m->where, msg); /* a client's doing, mostly */
}

static int listen_socket(const char *where)
{
	struct sockaddr_storage ss = { 0 };
	struct ip_addr a;
	uint16_t port;
	char err[160];
	socklen_t len;
	int fd, on = 1;

	if (ip_port_parse(where, &a, &port, err, sizeof(err)) != 0) {
		log_errorx("metrics: %s", err);
		return -1;
	}
	if (a.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a.u.v4;
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a.u.v6;
		len = sizeof(*sin6);
	}
	fd = socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (a.family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, METRICS_CONN_MAX) != 0) {
		log_error("metrics: cannot listen on %s", where);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int start_mhd(struct metrics_server *m, int fd)
{
	const union MHD_DaemonInfo *info;

	m->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0,
				  NULL, NULL, on_request, m, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, m,
				  MHD_OPTION_LISTEN_SOCKET, fd,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_CONN_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONN_MAX,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEMORY,
				  MHD_OPTION_END);
	if (m->mhd == NULL) {
		log_errorx("metrics: libmicrohttpd did not start on %s", m->where);
		close(fd);
		return -1;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	m->epoll_fd = info != NULL ? info->epoll_fd : -1;
	if (m->epoll_fd < 0) {
		log_errorx("metrics: libmicrohttpd has no epoll fd");
		return -1;
	}
	return event_loop_add(m->loop, m->epoll_fd, on_ready, m);
}

struct metrics_server *metrics_server_open(struct event_loop *loop, const char *listen,
					   const struct metrics_source *src)
{
	struct metrics_server *m = calloc(1, sizeof(*m));
	int fd;

	if (m == NULL) {
		log_error("metrics");
		return NULL;
	}
	m->loop = loop;
	m->src = *src;
	m->epoll_fd = -1;
	snprintf(m->where, sizeof(m->where), "%s", listen);
	m->timer_fd = timer_create_fd();
	fd = m->timer_fd >= 0 && event_loop_add(loop, m->timer_fd, on_timer, m) == 0
		     ? listen_socket(listen) : -1;
	if (fd < 0 || start_mhd(m, fd) != 0) {
		metrics_server_close(m);
		return NULL;
	}
	log_info("metrics: serving http://%s/metrics", listen);
	return m;
}

void metrics_server_close(struct metrics_server *m)
{
	if (m == NULL)
		return;
	metrics_server_refreshed(m); /* MHD must not stop with suspended requests */
	if (m->epoll_fd >= 0)
		event_loop_del(m->loop, m->epoll_fd);
	if (m->mhd != NULL)
		MHD_stop_daemon(m->mhd); /* closes the listening socket too */
	if (m->timer_fd >= 0) {
		event_loop_del(m->loop, m->timer_fd);
		close(m->timer_fd);
	}
	free(m);
}
