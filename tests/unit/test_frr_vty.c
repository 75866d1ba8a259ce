/* frr_vty against a fake daemon on a real unix socket (a thread in this
 * process): framing, status codes, answers split into many reads, multi-MB
 * answers, timeouts, a daemon that hangs up, a missing socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "event_loop.h"
#include "frr_vty.h"

/* The client is asynchronous; these run one request to its end in a loop of
 * the test's own, which is what the daemon's event loop does. */
static struct event_loop *test_loop;
static int test_timeout_ms;

struct outcome {
	bool done;
	int rc;
};

static void on_done(void *arg, int rc, struct frr_reply *reply)
{
	struct outcome *o = arg;

	(void)reply;
	o->done = true;
	o->rc = rc;
}

static int vty_open_sync(struct frr_vty *v, const char *dir, const char *daemon, int timeout_ms)
{
	if (test_loop == NULL)
		test_loop = event_loop_new();
	test_timeout_ms = timeout_ms;
	return frr_vty_open(v, test_loop, dir, daemon);
}

static int vty_command_sync(struct frr_vty *v, const char *cmd, struct frr_reply *r)
{
	struct outcome o = { false, 0 };
	int rc = frr_vty_request(v, cmd, test_timeout_ms, r, on_done, &o);

	if (rc != FRR_VTY_OK)
		return rc;
	while (!o.done)
		assert_int_equal(event_loop_run_once(test_loop, 1000), 0);
	return o.rc;
}

/* What the fake daemon does with each command it reads. */
enum behaviour { ANSWER, ANSWER_BYTEWISE, HANG, HANG_UP_MIDWAY };

struct fake {
	char dir[64];
	int listen_fd;
	pthread_t thread;
	enum behaviour how;
	const char *output; /* answer text (NULL: big generated answer) */
	size_t big_len;
	unsigned char status;
	unsigned char later_status; /* for the second and later commands */
	int commands;       /* answered before stopping */
	char got[4][128];   /* commands received, as sent (NUL included) */
	size_t got_len[4];
};

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Reads one NUL-terminated command. */
static int read_command(struct fake *f, int fd, int i)
{
	size_t n = 0;
	char c;

	while (read(fd, &c, 1) == 1) {
		if (n < sizeof(f->got[i]))
			f->got[i][n++] = c;
		if (c == '\0') {
			f->got_len[i] = n;
			return 0;
		}
	}
	return -1;
}

static void answer(struct fake *f, int fd, int nth)
{
	static const struct timespec tick = { 0, 200000 };
	unsigned char trailer[4] = { 0, 0, 0, nth == 0 ? f->status : f->later_status };
	char *big = NULL;
	const char *out = f->output;
	size_t len;

	if (out == NULL) {
		big = malloc(f->big_len);
		for (size_t i = 0; i < f->big_len; i++)
			big[i] = (char)('a' + i % 26);
		out = big;
		len = f->big_len;
	} else {
		len = strlen(out);
	}
	if (f->how == ANSWER_BYTEWISE) {
		for (size_t i = 0; i < len; i++, nanosleep(&tick, NULL))
			write_all(fd, out + i, 1);
		for (int i = 0; i < 4; i++, nanosleep(&tick, NULL))
			write_all(fd, trailer + i, 1);
	} else if (f->how == HANG_UP_MIDWAY) {
		write_all(fd, out, len / 2);
	} else {
		write_all(fd, out, len);
		write_all(fd, trailer, sizeof(trailer));
	}
	free(big);
}

static void *serve(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->listen_fd, NULL, NULL);

	for (int i = 0; fd >= 0 && i < f->commands && i < 4; i++) {
		if (read_command(f, fd, i) < 0)
			break;
		if (f->how == HANG) {
			char c;

			(void)!read(fd, &c, 1); /* until the client gives up and closes */
			break;
		}
		answer(f, fd, i);
		if (f->how == HANG_UP_MIDWAY)
			break;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void fake_start(struct fake *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-frr-vty.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/bgpd.vty", f->dir);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->listen_fd >= 0);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(f->listen_fd, 1), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, serve, f), 0);
}

static void fake_stop(struct fake *f)
{
	char path[128];

	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	snprintf(path, sizeof(path), "%s/bgpd.vty", f->dir);
	unlink(path);
	rmdir(f->dir);
}

static void test_framing_and_status(void **state)
{
	struct fake f = { .how = ANSWER, .output = "BGP table version is 7\n", .commands = 2,
			  .later_status = FRR_CMD_ERR_NO_MATCH };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 2000), FRR_VTY_OK);
	assert_int_equal(vty_command_sync(&v, "show bgp summary", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_string_equal(r.out, "BGP table version is 7\n");
	assert_int_equal(r.len, strlen("BGP table version is 7\n"));
	/* The command went out with its terminating NUL and nothing else. */
	assert_int_equal(f.got_len[0], sizeof("show bgp summary"));
	assert_memory_equal(f.got[0], "show bgp summary", sizeof("show bgp summary"));
	assert_int_equal(vty_command_sync(&v, "configure terminal", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_ERR_NO_MATCH);
	assert_string_equal(frr_cmd_status_str(r.status), "unknown command");
	frr_vty_free(&v);
	frr_vty_free(&v); /* twice is fine */
	frr_reply_free(&r);
	fake_stop(&f);
}

static void test_empty_output_and_warning(void **state)
{
	struct fake f = { .how = ANSWER, .output = "", .status = FRR_CMD_WARNING, .commands = 1 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 2000), FRR_VTY_OK);
	assert_int_equal(vty_command_sync(&v, "end", &r), FRR_VTY_OK);
	assert_int_equal(r.len, 0);
	assert_string_equal(r.out, "");
	assert_int_equal(r.status, FRR_CMD_WARNING);
	frr_vty_free(&v);
	frr_reply_free(&r);
	fake_stop(&f);
}

/* Output and trailer arrive one byte per read. */
static void test_partial_reads(void **state)
{
	struct fake f = { .how = ANSWER_BYTEWISE, .output = "{\"tableVersion\":9}\n",
			  .status = FRR_CMD_SUCCESS, .commands = 1 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 5000), FRR_VTY_OK);
	assert_int_equal(vty_command_sync(&v, "show bgp ipv4 unicast summary json", &r), FRR_VTY_OK);
	assert_string_equal(r.out, "{\"tableVersion\":9}\n");
	assert_int_equal(r.status, 0);
	frr_vty_free(&v);
	frr_reply_free(&r);
	fake_stop(&f);
}

/* 5 MB (more than 10,000 routes' worth) twice on one connection; the buffer is reused. */
static void test_big_reply(void **state)
{
	struct fake f = { .how = ANSWER, .output = NULL, .big_len = 5u << 20, .commands = 2 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;
	size_t cap;
	char *buf;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 10000), FRR_VTY_OK);
	assert_int_equal(vty_command_sync(&v, "show bgp ipv4 unicast json", &r), FRR_VTY_OK);
	assert_int_equal(r.len, 5u << 20);
	assert_int_equal(r.out[r.len], '\0');
	for (size_t i = 0; i < r.len; i += 4099)
		assert_int_equal(r.out[i], 'a' + i % 26);
	cap = r.cap;
	buf = r.out;
	assert_true(cap >= r.len + 1 && cap <= 4 * r.len); /* geometric, not wasteful */
	assert_int_equal(vty_command_sync(&v, "show bgp ipv4 unicast json", &r), FRR_VTY_OK);
	assert_int_equal(r.len, 5u << 20);
	assert_int_equal(r.cap, cap);
	assert_ptr_equal(r.out, buf);
	frr_vty_free(&v);
	frr_reply_free(&r);
	fake_stop(&f);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_timeout(void **state)
{
	struct fake f = { .how = HANG, .commands = 1 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;
	int64_t t0, waited;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 150), FRR_VTY_OK);
	t0 = mono_ms();
	assert_int_equal(vty_command_sync(&v, "show bgp neighbors json", &r), FRR_VTY_ERR_TIMEOUT);
	waited = mono_ms() - t0;
	/* Bounded: it neither returned early nor blocked (generous upper bound). */
	assert_true(waited >= 150);
	assert_true(waited < 5000);
	frr_vty_free(&v); /* lets the fake's read return */
	frr_reply_free(&r);
	fake_stop(&f);
}

static void test_daemon_hangs_up(void **state)
{
	struct fake f = { .how = HANG_UP_MIDWAY, .output = "half of an answer", .commands = 1 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 2000), FRR_VTY_OK);
	assert_int_equal(vty_command_sync(&v, "show bgp ipv4 unicast json", &r), FRR_VTY_ERR_CLOSED);
	assert_string_equal(frr_vty_strerror(FRR_VTY_ERR_CLOSED), "the daemon closed the connection");
	frr_vty_free(&v);
	frr_reply_free(&r);
	fake_stop(&f);
}

static void test_connect_errors(void **state)
{
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;
	char longdir[200];

	(void)state;
	assert_int_equal(vty_open_sync(&v, "/nonexistent-dir", "bgpd", 100), FRR_VTY_OK);
	/* The connection is made by the first request: its error, no callback. */
	assert_int_equal(vty_command_sync(&v, "show bgp", &r), FRR_VTY_ERR_CONNECT);
	assert_int_equal(v.fd, -1);
	assert_false(frr_vty_busy(&v));
	frr_vty_free(&v);
	memset(longdir, 'x', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(vty_open_sync(&v, longdir, "bgpd", 100), FRR_VTY_ERR_ARG);
	frr_vty_free(&v);
	assert_string_equal(frr_cmd_status_str(99), "unknown status");
	assert_string_equal(frr_vty_strerror(-99), "unknown error");
}

/* One request at a time per connection: a second one is refused, not queued. */
static void test_busy_refused(void **state)
{
	struct fake f = { .how = ANSWER, .output = "one", .status = 0, .commands = 1 };
	struct frr_reply r = FRR_REPLY_INIT, r2 = FRR_REPLY_INIT;
	struct outcome o = { false, 0 };
	struct frr_vty v;

	(void)state;
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 2000), FRR_VTY_OK);
	assert_int_equal(frr_vty_request(&v, "show version", 2000, &r, on_done, &o), FRR_VTY_OK);
	assert_true(frr_vty_busy(&v));
	assert_int_equal(frr_vty_request(&v, "show version", 2000, &r2, on_done, &o),
			 FRR_VTY_ERR_BUSY);
	while (!o.done)
		assert_int_equal(event_loop_run_once(test_loop, 1000), 0);
	assert_int_equal(o.rc, FRR_VTY_OK);
	assert_string_equal(r.out, "one");
	assert_false(frr_vty_busy(&v));
	frr_vty_free(&v);
	frr_reply_free(&r);
	frr_reply_free(&r2);
	fake_stop(&f);
}

static void test_bad_commands_refused(void **state)
{
	struct fake f = { .how = ANSWER, .output = "x", .commands = 1 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct frr_vty v;
	char *huge = malloc(5000);

	(void)state;
	memset(huge, 'a', 4999);
	huge[4999] = '\0';
	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 2000), FRR_VTY_OK);
	assert_int_equal(vty_command_sync(&v, "", &r), FRR_VTY_ERR_ARG);
	assert_int_equal(vty_command_sync(&v, huge, &r), FRR_VTY_ERR_ARG);
	/* The connection is still usable for a proper command. */
	assert_int_equal(vty_command_sync(&v, "show version", &r), FRR_VTY_OK);
	assert_string_equal(r.out, "x");
	frr_vty_free(&v);
	frr_reply_free(&r);
	free(huge);
	fake_stop(&f);
}

/* Three commands in one write; the answers come back in order (also one
 * byte per read) and frr_reply_next() walks them with their statuses. */
static void run_batch(enum behaviour how)
{
	static const char cmds[] = "show a\0show b\0show c";
	struct fake f = { .how = how, .output = "{\"x\":1}", .status = FRR_CMD_SUCCESS,
			  .later_status = FRR_CMD_WARNING, .commands = 3 };
	struct frr_reply r = FRR_REPLY_INIT;
	struct outcome o = { false, 0 };
	struct frr_vty v;
	const char *out;
	size_t pos = 0, len, n = 0;
	int status;

	fake_start(&f);
	assert_int_equal(vty_open_sync(&v, f.dir, "bgpd", 5000), FRR_VTY_OK);
	assert_int_equal(frr_vty_request_batch(&v, cmds, sizeof(cmds), 3, 5000, &r, on_done, &o),
			 FRR_VTY_OK);
	while (!o.done)
		assert_int_equal(event_loop_run_once(test_loop, 1000), 0);
	assert_int_equal(o.rc, FRR_VTY_OK);
	while (frr_reply_next(&r, &pos, &out, &len, &status)) {
		assert_true(n < 3);
		assert_int_equal(len, strlen("{\"x\":1}"));
		assert_memory_equal(out, "{\"x\":1}", len);
		assert_int_equal(status, n == 0 ? FRR_CMD_SUCCESS : FRR_CMD_WARNING);
		n++;
	}
	assert_int_equal(n, 3);
	assert_memory_equal(f.got[1], "show b", sizeof("show b"));
	assert_memory_equal(f.got[2], "show c", sizeof("show c"));
	frr_vty_free(&v);
	frr_reply_free(&r);
	fake_stop(&f);
}

static void test_batch(void **state)
{
	(void)state;
	run_batch(ANSWER);
	run_batch(ANSWER_BYTEWISE);
}

static void test_batch_refused(void **state)
{
	struct frr_reply r = FRR_REPLY_INIT;
	struct outcome o = { false, 0 };
	struct frr_vty v;

	(void)state;
	assert_int_equal(vty_open_sync(&v, "/nonexistent", "bgpd", 100), FRR_VTY_OK);
	/* Count wrong, last command unterminated, an empty command. */
	assert_int_equal(frr_vty_request_batch(&v, "a\0b", 4, 3, 100, &r, on_done, &o), FRR_VTY_ERR_ARG);
	assert_int_equal(frr_vty_request_batch(&v, "a\0b", 3, 2, 100, &r, on_done, &o), FRR_VTY_ERR_ARG);
	assert_int_equal(frr_vty_request_batch(&v, "a\0\0", 3, 2, 100, &r, on_done, &o), FRR_VTY_ERR_ARG);
	assert_false(o.done);
	frr_vty_free(&v);
}

/* --- against a live bgpd (only when BGP_TEST_VTY_DIR names its vty
 * directory: the integration test routing_frr_json.sh starts one) --------- */

static struct frr_vty live;

static int live_setup(void **state)
{
	(void)state;
	return vty_open_sync(&live, getenv("BGP_TEST_VTY_DIR"), "bgpd", 5000) == FRR_VTY_OK ? 0 : -1;
}

static int live_teardown(void **state)
{
	(void)state;
	frr_vty_free(&live);
	return 0;
}

static void test_live_show_commands(void **state)
{
	struct frr_reply r = FRR_REPLY_INIT;

	(void)state;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(vty_command_sync(&live, "show bgp ipv4 unicast summary json", &r),
				 FRR_VTY_OK);
		assert_int_equal(r.status, FRR_CMD_SUCCESS);
	}
	assert_non_null(strstr(r.out, "\"tableVersion\""));
	assert_int_equal(vty_command_sync(&live, "show bgp ipv4 unicast json", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_non_null(strstr(r.out, "\"routes\""));
	assert_int_equal(vty_command_sync(&live, "show bgp no-such-thing", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_ERR_NO_MATCH);
	assert_non_null(strstr(r.out, "Unknown command"));
	frr_reply_free(&r);
}

/* A vty socket connection starts in the view node: configuration needs
 * "enable" first (vtysh sends it too). */
static void test_live_nodes(void **state)
{
	struct frr_reply r = FRR_REPLY_INIT;

	(void)state;
	assert_int_equal(vty_command_sync(&live, "configure terminal", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_ERR_NO_MATCH);
	assert_int_equal(vty_command_sync(&live, "enable", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_int_equal(vty_command_sync(&live, "configure terminal", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_int_equal(vty_command_sync(&live, "end", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_int_equal(vty_command_sync(&live, "show running-config", &r), FRR_VTY_OK);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_non_null(strstr(r.out, "router bgp"));
	frr_reply_free(&r);
}

int main(void)
{
	const struct CMUnitTest live_tests[] = {
		cmocka_unit_test(test_live_show_commands),
		cmocka_unit_test(test_live_nodes),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing_and_status),
		cmocka_unit_test(test_empty_output_and_warning),
		cmocka_unit_test(test_partial_reads),
		cmocka_unit_test(test_big_reply),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_busy_refused),
		cmocka_unit_test(test_daemon_hangs_up),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_bad_commands_refused),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_batch_refused),
	};

	const char *live_dir = getenv("BGP_TEST_VTY_DIR");
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	if (live_dir != NULL && live_dir[0] != '\0')
		rc |= cmocka_run_group_tests_name("live bgpd", live_tests, live_setup, live_teardown);
	event_loop_free(test_loop);
	return rc;
}
