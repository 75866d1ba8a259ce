/* The BMP station: bmp_feed on a stream captured from FRR 8.4.4's bgpd (the
 * fuzz seed frr84_connect_after_peers.bin), whole and byte by byte, and
 * bmp_station against a BMP "bgpd" played by this test on 127.0.0.1:
 * reconnects, garbage, a half message and a silent peer close the connection
 * within their deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "atomic_file.h"
#include "bmp_feed.h"
#include "bmp_station.h"
#include "event_loop.h"
#include "fixture_path.h"

/* What the callbacks saw, as one line per event. */
struct events {
	char text[8192];
	size_t len;
	unsigned routes, announced, withdrawn, sessions_up, sessions_down;
};

static void add(struct events *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct events *ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ev->len += (size_t)vsnprintf(ev->text + ev->len, sizeof(ev->text) - ev->len, fmt, ap);
	va_end(ap);
	assert_true(ev->len < sizeof(ev->text));
}

static void on_session(void *arg, bool up)
{
	struct events *ev = arg;

	add(ev, "session %s\n", up ? "up" : "down");
	if (up)
		ev->sessions_up++;
	else
		ev->sessions_down++;
}

static void on_peer(struct events *ev, const char *what, const struct bmp_peer *p)
{
	char a[INET6_ADDRSTRLEN];

	add(ev, "%s %s\n", what, ip_addr_format(&p->addr, a, sizeof(a)));
}

static void on_peer_up(void *arg, const struct bmp_peer *p) { on_peer(arg, "peer_up", p); }
static void on_peer_down(void *arg, const struct bmp_peer *p) { on_peer(arg, "peer_down", p); }

static void on_prefixes(void *arg, const struct bmp_route *v, size_t n)
{
	struct events *ev = arg;

	add(ev, "prefixes %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		ev->routes++;
		if (v[i].withdrawn)
			ev->withdrawn++;
		else
			ev->announced++;
	}
}

static void on_eor(void *arg, const struct bmp_peer *p, int family)
{
	struct events *ev = arg;
	char a[INET6_ADDRSTRLEN];

	add(ev, "eor %s %s\n", ip_addr_format(&p->addr, a, sizeof(a)),
	    family == AF_INET ? "ipv4" : "ipv6");
}

static const struct bmp_station_ops ops = {
	.session = on_session,
	.peer_up = on_peer_up,
	.peer_down = on_peer_down,
	.prefixes = on_prefixes,
	.end_of_rib = on_eor,
};

static uint8_t *capture(size_t *len)
{
	char path[4096];
	uint8_t *buf = (uint8_t *)read_whole_file(
		fixture_path("../../fuzz/corpus/bmp/frr84_connect_after_peers.bin", path, sizeof(path)),
		len);

	assert_non_null(buf);
	return buf;
}

/* Feeds data in pieces of at most step bytes. */
static int feed_in_steps(struct bmp_feed *f, const uint8_t *data, size_t len, size_t step)
{
	char err[160];

	for (size_t off = 0; off < len;) {
		size_t room, n;
		uint8_t *space = bmp_feed_space(f, &room);

		n = len - off < step ? len - off : step;
		n = n < room ? n : room;
		memcpy(space, data + off, n);
		if (bmp_feed_consume(f, n, err, sizeof(err)) < 0)
			return -1;
		off += n;
	}
	return 0;
}

/* Batched per read: the six IPv4 announcements are one call, and the
 * pre-policy copies of FRR's End-of-RIB are not reported. */
static const char whole_capture[] =
	"session up\n"
	"peer_up 192.168.1.1\n"
	"peer_up fd00::1\n"
	"prefixes 6\n"
	"eor 192.168.1.1 ipv4\n"
	"eor fd00::1 ipv4\n"
	"prefixes 2\n"
	"eor fd00::1 ipv6\n"
	"prefixes 3\n"
	"peer_down 192.168.1.1\n";

/* The whole capture into a new feed, step bytes per read: 8 announcements
 * and 3 withdrawals whatever the step. */
static void feed_capture(struct bmp_feed *f, struct events *ev, size_t step)
{
	size_t len;
	uint8_t *data = capture(&len);

	assert_int_equal(bmp_feed_init(f, &ops, ev), 0);
	assert_int_equal(feed_in_steps(f, data, len, step ? step : len), 0);
	assert_int_equal(ev->announced, 8);
	assert_int_equal(ev->withdrawn, 3);
	free(data);
}

static void test_feed_whole_capture(void **state)
{
	struct events ev = { .len = 0 };
	struct bmp_feed f;

	(void)state;
	feed_capture(&f, &ev, 0);
	assert_string_equal(ev.text, whole_capture);
	assert_int_equal(f.messages, 21);
	assert_false(bmp_feed_partial(&f));
	assert_string_equal(f.sysname, "node1");
	bmp_feed_end(&f);
	assert_non_null(strstr(ev.text, "peer_down 192.168.1.1\nsession down\n"));
	bmp_feed_free(&f);
}

/* One byte per read: the same events in the same order, each route alone. */
static void test_feed_byte_by_byte(void **state)
{
	struct events ev = { .len = 0 };
	struct bmp_feed f;

	(void)state;
	feed_capture(&f, &ev, 1);
	assert_null(strstr(ev.text, "prefixes 2"));
	assert_non_null(strstr(ev.text, "prefixes 1\neor 192.168.1.1 ipv4\neor fd00::1 ipv4\n"));
	assert_non_null(strstr(ev.text, "prefixes 1\npeer_down 192.168.1.1\n"));
	bmp_feed_free(&f);
}

static void test_feed_needs_initiation_first(void **state)
{
	struct events ev = { .len = 0 };
	struct bmp_feed f;
	size_t len, init_len = 34; /* the capture's Initiation */
	uint8_t *data = capture(&len);
	char err[160];

	(void)state;
	assert_int_equal(bmp_feed_init(&f, &ops, &ev), 0);
	assert_int_equal(feed_in_steps(&f, data + init_len, len - init_len, len), -1);
	assert_int_equal(f.parse_errors, 1);
	assert_int_equal(ev.len, 0);
	bmp_feed_end(&f); /* never up: no session-down */
	assert_int_equal(ev.sessions_down, 0);

	/* Garbage after a good start: what came before is reported, then -1. */
	uint8_t *space = bmp_feed_space(&f, &len);
	memcpy(space, data, init_len);
	memcpy(space + init_len, "GET / HTTP/1.0\r\n", 16);
	assert_int_equal(bmp_feed_consume(&f, init_len + 16, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version"));
	assert_string_equal(ev.text, "session up\n");
	bmp_feed_end(&f);
	assert_int_equal(ev.sessions_down, 1);
	bmp_feed_free(&f);
	free(data);
}

/* --- the station against a fake bgpd on 127.0.0.1 ------------------------- */

struct fake_bgpd {
	int listen_fd;
	uint16_t port;
};

static void fake_listen(struct fake_bgpd *b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);

	b->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(b->listen_fd >= 0);
	assert_int_equal(bind(b->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(b->listen_fd, 4), 0);
	assert_int_equal(getsockname(b->listen_fd, (struct sockaddr *)&sa, &sl), 0);
	b->port = ntohs(sa.sin_port);
}

/* Runs the loop until cond holds or ms pass; returns whether it held. */
#define RUN_UNTIL(loop, ms, cond)                                                  \
	({                                                                         \
		uint64_t end_ = monotonic_ms() + (ms);                             \
		while (!(cond) && monotonic_ms() < end_)                           \
			event_loop_run_once((loop), 10);                           \
		(cond);                                                            \
	})

static int accept_station(struct event_loop *loop, struct fake_bgpd *b, unsigned ms)
{
	uint64_t end = monotonic_ms() + ms;
	int fd;

	while ((fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && monotonic_ms() < end)
		event_loop_run_once(loop, 10);
	return fd;
}

/* True when the station closed fd (EOF or reset on our side). */
static bool closed_by_station(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN);
}

struct station_test {
	struct event_loop *loop;
	struct fake_bgpd bgpd;
	struct events ev;
	struct bmp_station *st;
	uint8_t *data;
	size_t len;
};

static int station_setup(void **state)
{
	struct station_test *t = calloc(1, sizeof(*t));
	struct bmp_station_config cfg = { .msg_deadline_ms = 300, .no_bgpd_warn_ms = 60000 };
	char err[64];

	assert_non_null(t);
	t->loop = event_loop_new();
	fake_listen(&t->bgpd);
	assert_int_equal(ip_addr_parse("127.0.0.1", &cfg.addr, err, sizeof(err)), 0);
	cfg.port = t->bgpd.port;
	t->st = bmp_station_open(t->loop, &cfg, &ops, &t->ev);
	assert_non_null(t->st);
	t->data = capture(&t->len);
	*state = t;
	return 0;
}

static int station_teardown(void **state)
{
	struct station_test *t = *state;

	bmp_station_close(t->st);
	event_loop_free(t->loop);
	close(t->bgpd.listen_fd);
	free(t->data);
	free(t);
	return 0;
}

static void test_station_session_and_reconnect(void **state)
{
	struct station_test *t = *state;
	struct bmp_station_stats s;
	int fd = accept_station(t->loop, &t->bgpd, 1000);
	uint64_t closed_at;

	assert_true(fd >= 0);
	assert_false(bmp_station_connected(t->st));
	assert_int_equal(write(fd, t->data, t->len), (ssize_t)t->len);
	assert_true(RUN_UNTIL(t->loop, 1000, strstr(t->ev.text, "peer_down") != NULL));
	assert_string_equal(t->ev.text, whole_capture);
	assert_true(bmp_station_connected(t->st));
	bmp_station_stats(t->st, &s);
	assert_true(s.connected && s.initiated);
	assert_int_equal(s.messages, 21);
	assert_int_equal(s.bytes, t->len);
	assert_int_equal(s.sessions, 1);
	assert_string_equal(s.sysname, "node1");

	/* bgpd goes away: session down; it is back: connected again within a retry. */
	close(fd);
	assert_true(RUN_UNTIL(t->loop, 1000, t->ev.sessions_down == 1));
	closed_at = monotonic_ms();
	fd = accept_station(t->loop, &t->bgpd, 1000);
	assert_true(fd >= 0);
	assert_true(monotonic_ms() - closed_at < 500);
	assert_int_equal(write(fd, t->data, 34), 34); /* Initiation only */
	assert_true(RUN_UNTIL(t->loop, 1000, t->ev.sessions_up == 2));
	bmp_station_stats(t->st, &s);
	assert_int_equal(s.sessions, 2);
	close(fd);
}

static void test_station_garbage_closes(void **state)
{
	struct station_test *t = *state;
	int fd = accept_station(t->loop, &t->bgpd, 1000);
	struct bmp_station_stats s;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, t->data, 34), 34);
	assert_int_equal(write(fd, "\x01garbage", 8), 8);
	assert_true(RUN_UNTIL(t->loop, 1000, t->ev.sessions_down == 1));
	assert_true(RUN_UNTIL(t->loop, 200, closed_by_station(fd)));
	bmp_station_stats(t->st, &s);
	assert_int_equal(s.parse_errors, 1);
	assert_false(s.initiated);
	close(fd);
}

/* Half a message, then nothing: closed after msg_deadline_ms (300), not before. */
static void test_station_half_message_deadline(void **state)
{
	struct station_test *t = *state;
	int fd = accept_station(t->loop, &t->bgpd, 1000);
	uint64_t sent;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, t->data, 34 + 100), 34 + 100); /* and part of a Peer Up */
	sent = monotonic_ms();
	assert_true(RUN_UNTIL(t->loop, 1000, t->ev.sessions_up == 1));
	assert_true(RUN_UNTIL(t->loop, 1500, t->ev.sessions_down == 1));
	assert_true(monotonic_ms() - sent >= 290);
	assert_true(RUN_UNTIL(t->loop, 200, closed_by_station(fd)));
	close(fd);
}

/* Connected but no Initiation: closed after the deadline, then retried. */
static void test_station_silent_bgpd(void **state)
{
	struct station_test *t = *state;
	int fd = accept_station(t->loop, &t->bgpd, 1000), again;
	uint64_t start = monotonic_ms();

	assert_true(fd >= 0);
	assert_true(RUN_UNTIL(t->loop, 1500, closed_by_station(fd)));
	assert_true(monotonic_ms() - start >= 250);
	assert_int_equal(t->ev.len, 0); /* never up, so no session down either */
	again = accept_station(t->loop, &t->bgpd, 1000);
	assert_true(again >= 0);
	close(again);
	close(fd);
}

/* Nobody listens: connects are refused and counted, nothing blocks. */
static void test_station_no_bgpd(void **state)
{
	struct station_test *t = *state;
	struct bmp_station_stats s;
	uint64_t start = monotonic_ms();

	close(t->bgpd.listen_fd);
	t->bgpd.listen_fd = -1;
	RUN_UNTIL(t->loop, 400, false);
	bmp_station_stats(t->st, &s);
	assert_false(s.connected);
	assert_true(s.connect_failures >= 3);
	assert_true(monotonic_ms() - start < 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_whole_capture),
		cmocka_unit_test(test_feed_byte_by_byte),
		cmocka_unit_test(test_feed_needs_initiation_first),
		cmocka_unit_test_setup_teardown(test_station_session_and_reconnect, station_setup,
						station_teardown),
		cmocka_unit_test_setup_teardown(test_station_garbage_closes, station_setup,
						station_teardown),
		cmocka_unit_test_setup_teardown(test_station_half_message_deadline, station_setup,
						station_teardown),
		cmocka_unit_test_setup_teardown(test_station_silent_bgpd, station_setup,
						station_teardown),
		cmocka_unit_test_setup_teardown(test_station_no_bgpd, station_setup,
						station_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
