/* The station's connection to bgpd's BMP listener: a non-blocking connect,
 * retried on a timer; reads into the feed's bounded buffer; one timerfd for
 * every deadline (retry, connect, Initiation, half a message, the "no bgpd"
 * warning), armed for the earliest. */
#include "bmp_station.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bmp_feed.h"
#include "log.h"

#define CONNECT_TIMEOUT_MS 1000
/* Reads per wakeup (each up to BMP_MSG_MAX): a full table arriving never
 * keeps the event loop from its other fds for long. */
#define READS_PER_WAKEUP 4

struct bmp_station {
	struct event_loop *loop;
	struct bmp_station_config cfg;
	struct bmp_station_ops ops;
	struct bmp_feed feed;
	int fd;        /* -1: not connected */
	bool connecting;
	int timer_fd;
	uint64_t retry_at_ms;     /* not connected: when to try again */
	uint64_t attempt_ms;      /* when the connect (or the connection) began */
	uint64_t partial_ms;      /* when the unfinished message began; 0: none */
	uint64_t down_since_ms;   /* when the session was last lost (or open) */
	bool warned_no_bgpd;
	struct bmp_station_stats stats;
};

static void station_io(int fd, uint32_t events, void *arg);

static void drop_connection(struct bmp_station *st)
{
	uint64_t now = monotonic_ms();

	if (st->fd >= 0) {
		event_loop_del(st->loop, st->fd);
		close(st->fd);
		st->fd = -1;
	}
	if (st->feed.initiated)
		st->down_since_ms = now;
	st->connecting = false;
	st->partial_ms = 0;
	st->stats.connected = st->stats.initiated = false;
	st->stats.sysname[0] = '\0';
	/* bgpd answered and went away: back within one retry; still away after
	 * BMP_STATION_RETRY_FAST_FOR_MS: ask less often. */
	st->retry_at_ms = now + (now - st->down_since_ms < BMP_STATION_RETRY_FAST_FOR_MS
					 ? BMP_STATION_RETRY_MS
					 : BMP_STATION_RETRY_SLOW_MS);
	bmp_feed_end(&st->feed);
}

static void connected(struct bmp_station *st)
{
	st->connecting = false;
	st->attempt_ms = monotonic_ms();
	st->stats.connected = true;
	st->stats.connected_ms = st->attempt_ms;
	st->stats.sessions++;
	event_loop_set_events(st->loop, st->fd, EPOLLIN);
	log_debug("bmp: connected to bgpd's BMP listener, port %u", st->cfg.port);
}

static void connect_failed(struct bmp_station *st, int err)
{
	st->stats.connect_failures++;
	log_debug("bmp: connect to port %u: %s", st->cfg.port, strerror(err));
	drop_connection(st);
}

static socklen_t sockaddr_of(const struct bmp_station_config *cfg, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (cfg->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = cfg->addr.u.v6;
		s6->sin6_port = htons(cfg->port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr = cfg->addr.u.v4;
	s4->sin_port = htons(cfg->port);
	return sizeof(*s4);
}

static void start_connect(struct bmp_station *st)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_of(&st->cfg, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		log_warn("bmp: socket");
		connect_failed(st, errno);
		return;
	}
	if (event_loop_add_events(st->loop, fd, EPOLLOUT, station_io, st) < 0) {
		close(fd);
		connect_failed(st, EAGAIN);
		return;
	}
	st->fd = fd;
	st->attempt_ms = monotonic_ms();
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0)
		connected(st);
	else if (errno == EINPROGRESS)
		st->connecting = true;
	else
		connect_failed(st, errno);
}

static void finish_connect(struct bmp_station *st)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(st->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0)
		connect_failed(st, err);
	else
		connected(st);
}

static void close_bad_stream(struct bmp_station *st, const char *why)
{
	log_warnx("bmp: closing the connection to bgpd: %s", why);
	drop_connection(st);
}

/* 1: keep reading, 0: nothing more now, -1: the connection was dropped. */
static int read_once(struct bmp_station *st)
{
	size_t room;
	uint8_t *space = bmp_feed_space(&st->feed, &room);
	ssize_t n = recv(st->fd, space, room, 0);
	uint64_t before = st->feed.messages;
	char err[160];

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		log_info("bmp: bgpd closed the BMP connection%s%s", n < 0 ? ": " : "",
			 n < 0 ? strerror(errno) : "");
		drop_connection(st);
		return -1;
	}
	st->stats.bytes += (uint64_t)n;
	if (bmp_feed_consume(&st->feed, (size_t)n, err, sizeof(err)) < 0) {
		close_bad_stream(st, err);
		return -1;
	}
	st->stats.last_message_ms = monotonic_ms();
	/* The deadline runs from the start of the message now unfinished. */
	if (!bmp_feed_partial(&st->feed))
		st->partial_ms = 0;
	else if (st->partial_ms == 0 || st->feed.messages != before)
		st->partial_ms = st->stats.last_message_ms;
	if (st->feed.initiated)
		st->warned_no_bgpd = false;
	return (size_t)n == room ? 1 : 0;
}

static void rearm(struct bmp_station *st);

static void station_io(int fd, uint32_t events, void *arg)
{
	struct bmp_station *st = arg;

	(void)fd;
	(void)events;
	if (st->connecting) {
		finish_connect(st);
	} else {
		int rc = 1;

		/* Level-triggered: what is left wakes us again. EOF and errors
		 * come as a readable socket. */
		for (int i = 0; i < READS_PER_WAKEUP && rc == 1; i++)
			rc = read_once(st);
	}
	st->stats.initiated = st->feed.initiated;
	rearm(st);
}

/* A deadline that has passed, or 0 when none is running. */
static const char *expired(const struct bmp_station *st, uint64_t now)
{
	if (st->connecting && now - st->attempt_ms >= CONNECT_TIMEOUT_MS)
		return "connect timed out";
	if (st->fd >= 0 && !st->connecting && !st->feed.initiated &&
	    now - st->attempt_ms >= st->cfg.msg_deadline_ms)
		return "no Initiation message in time";
	if (st->partial_ms != 0 && now - st->partial_ms >= st->cfg.msg_deadline_ms)
		return "half a BMP message for too long";
	return NULL;
}

static void warn_if_no_bgpd(struct bmp_station *st, uint64_t now)
{
	if (st->warned_no_bgpd || st->feed.initiated ||
	    now - st->down_since_ms < st->cfg.no_bgpd_warn_ms)
		return;
	st->warned_no_bgpd = true;
	log_warnx("bmp: no BMP session from bgpd for %u s (127.0.0.1 port %u): is bgpd started "
		  "with -M bmp and its `bmp listener`? Learning through the vty only",
		  st->cfg.no_bgpd_warn_ms / 1000, st->cfg.port);
}

static void station_timer(int fd, uint32_t events, void *arg)
{
	struct bmp_station *st = arg;
	uint64_t now = monotonic_ms();
	const char *why;

	(void)events;
	timer_ack(fd);
	if ((why = expired(st, now)) != NULL) {
		if (st->connecting)
			connect_failed(st, ETIMEDOUT);
		else
			close_bad_stream(st, why);
	}
	warn_if_no_bgpd(st, now);
	if (st->fd < 0 && now >= st->retry_at_ms)
		start_connect(st);
	st->stats.initiated = st->feed.initiated;
	rearm(st);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a == 0 || (b != 0 && b < a) ? b : a;
}

/* The timer fires at the next deadline of the current state. */
static void rearm(struct bmp_station *st)
{
	uint64_t now = monotonic_ms(), at = 0;

	if (st->fd < 0)
		at = st->retry_at_ms;
	else if (st->connecting)
		at = st->attempt_ms + CONNECT_TIMEOUT_MS;
	else if (!st->feed.initiated)
		at = st->attempt_ms + st->cfg.msg_deadline_ms;
	if (st->partial_ms != 0)
		at = earliest(at, st->partial_ms + st->cfg.msg_deadline_ms);
	if (!st->warned_no_bgpd && !st->feed.initiated)
		at = earliest(at, st->down_since_ms + st->cfg.no_bgpd_warn_ms);
	if (at == 0) {
		timer_arm(st->timer_fd, 0, 0);
		return;
	}
	timer_arm(st->timer_fd, at > now ? at - now : 1, 0);
}

struct bmp_station *bmp_station_open(struct event_loop *loop,
				     const struct bmp_station_config *cfg,
				     const struct bmp_station_ops *ops, void *arg)
{
	struct bmp_station *st = calloc(1, sizeof(*st));

	if (st == NULL || bmp_feed_init(&st->feed, &st->ops, arg) < 0) {
		log_error("bmp: station");
		free(st);
		return NULL;
	}
	st->loop = loop;
	st->cfg = *cfg;
	if (st->cfg.msg_deadline_ms == 0)
		st->cfg.msg_deadline_ms = BMP_STATION_DEADLINE_MS;
	if (st->cfg.no_bgpd_warn_ms == 0)
		st->cfg.no_bgpd_warn_ms = BMP_STATION_NO_BGPD_WARN_MS;
	st->ops = *ops;
	st->fd = -1;
	st->down_since_ms = monotonic_ms();
	st->timer_fd = timer_create_fd();
	if (st->timer_fd < 0 || event_loop_add(loop, st->timer_fd, station_timer, st) < 0) {
		if (st->timer_fd >= 0)
			close(st->timer_fd);
		bmp_feed_free(&st->feed);
		free(st);
		return NULL;
	}
	start_connect(st);
	rearm(st);
	return st;
}

void bmp_station_close(struct bmp_station *st)
{
	if (st == NULL)
		return;
	if (st->fd >= 0) {
		event_loop_del(st->loop, st->fd);
		close(st->fd);
	}
	event_loop_del(st->loop, st->timer_fd);
	close(st->timer_fd);
	bmp_feed_free(&st->feed);
	free(st);
}

bool bmp_station_connected(const struct bmp_station *st)
{
	return st != NULL && st->feed.initiated;
}

void bmp_station_stats(const struct bmp_station *st, struct bmp_station_stats *out)
{
	*out = st->stats;
	out->initiated = st->feed.initiated;
	out->messages = st->feed.messages;
	out->parse_errors = st->feed.parse_errors;
	snprintf(out->sysname, sizeof(out->sysname), "%s", st->feed.sysname);
}
