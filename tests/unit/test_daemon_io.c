/* The daemon's plumbing without FRR or the kernel: timers in the event loop,
 * helper processes (exit code, output, kill), and the control socket's
 * one-request protocol end to end over a real unix socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "child_process.h"
#include "control_server.h"
#include "event_loop.h"

static void on_timer(int fd, uint32_t events, void *arg)
{
	(void)events;
	timer_ack(fd);
	(*(int *)arg)++;
}

static void test_timer_fires_periodically(void **state)
{
	struct event_loop *loop = event_loop_new();
	int fd = timer_create_fd(), fired = 0;
	uint64_t start = monotonic_ms();

	(void)state;
	assert_non_null(loop);
	assert_true(fd >= 0);
	assert_int_equal(timer_arm(fd, 10, 10), 0);
	assert_int_equal(event_loop_add(loop, fd, on_timer, &fired), 0);
	while (fired < 3 && monotonic_ms() - start < 2000)
		assert_int_equal(event_loop_run_once(loop, 100), 0);
	assert_int_equal(fired, 3);
	event_loop_del(loop, fd);
	close(fd);
	event_loop_free(loop);
}

static void test_disarmed_timer_stays_quiet(void **state)
{
	struct event_loop *loop = event_loop_new();
	int fd = timer_create_fd(), fired = 0;

	(void)state;
	assert_int_equal(timer_arm(fd, 10, 0), 0);
	assert_int_equal(timer_arm(fd, 0, 0), 0); /* disarm before it fires */
	assert_int_equal(event_loop_add(loop, fd, on_timer, &fired), 0);
	assert_int_equal(event_loop_run_once(loop, 50), 0);
	assert_int_equal(fired, 0);
	event_loop_free(loop);
	close(fd);
}

struct child_wait {
	struct child_process *cp;
	int code;
	char *out;
	bool done;
};

static void on_child(int fd, uint32_t events, void *arg)
{
	struct child_wait *w = arg;

	(void)fd;
	(void)events;
	w->code = child_finish(w->cp, &w->out);
	w->done = true;
}

static void test_child_exit_code_and_output(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3", NULL };
	struct child_process cp;
	struct child_wait w = { .cp = &cp };
	struct event_loop *loop = event_loop_new();
	uint64_t start = monotonic_ms();
	int exitfd;

	(void)state;
	assert_int_equal(child_spawn(&cp, argv), 0);
	assert_true(child_running(&cp));
	exitfd = cp.exitfd;
	assert_int_equal(event_loop_add(loop, exitfd, on_child, &w), 0);
	while (!w.done && monotonic_ms() - start < 5000)
		event_loop_run_once(loop, 100);
	assert_true(w.done);
	assert_int_equal(w.code, 3);
	assert_non_null(strstr(w.out, "to-stdout"));
	assert_non_null(strstr(w.out, "to-stderr"));
	assert_false(child_running(&cp));
	free(w.out);
	event_loop_del(loop, exitfd);
	event_loop_free(loop);
}

static void test_child_kill_whole_group(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "sleep 30 & sleep 30", NULL };
	struct child_process cp;
	uint64_t start = monotonic_ms();

	(void)state;
	assert_int_equal(child_spawn(&cp, argv), 0);
	child_kill(&cp);
	assert_false(child_running(&cp));
	assert_true(monotonic_ms() - start < 5000);
}

static void test_child_missing_program(void **state)
{
	char *argv[] = { "/nonexistent/frr-reload.py", NULL };
	struct child_process cp;

	(void)state;
	assert_int_equal(child_spawn(&cp, argv), -1);
	assert_false(child_running(&cp));
}

/* --- control socket ------------------------------------------------------ */

struct client_args {
	const char *path, *command;
	json_t *reply;
	int rc;
	char err[256];
	atomic_bool done;
};

static void *client_thread(void *arg)
{
	struct client_args *c = arg;

	c->rc = control_request(c->path, c->command, &c->reply, c->err, sizeof(c->err));
	atomic_store(&c->done, true);
	return NULL;
}

struct handler_state {
	int calls;
	uint64_t deferred_id; /* the last "later" request */
};

static enum control_result handler(const char *command, uint64_t id, json_t **reply, void *arg)
{
	struct handler_state *h = arg;

	h->calls++;
	if (strcmp(command, "later") == 0) {
		h->deferred_id = id;
		return CONTROL_DEFERRED;
	}
	if (strcmp(command, "status") != 0)
		return CONTROL_UNKNOWN;
	*reply = json_pack("{s:s, s:i}", "answer", "hello", "n", 42);
	return CONTROL_ANSWERED;
}

/* Runs the loop until the client thread has its answer (bounded). */
static void serve_until(struct event_loop *loop, const atomic_bool *done)
{
	for (int i = 0; i < 100 && !atomic_load(done); i++)
		assert_int_equal(event_loop_run_once(loop, 50), 0);
	assert_true(atomic_load(done));
}

static json_t *ask(struct event_loop *loop, const char *path, const char *command)
{
	struct client_args c = { .path = path, .command = command };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, client_thread, &c), 0);
	serve_until(loop, &c.done);
	pthread_join(t, NULL);
	assert_int_equal(c.rc, 0);
	return c.reply;
}

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void test_control_roundtrip(void **state)
{
	char dir[] = "/tmp/test-control.XXXXXX", path[64];
	struct control_server cs;
	struct event_loop *loop = event_loop_new();
	json_t *reply;
	struct handler_state calls = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/agent.sock", dir);
	assert_int_equal(control_server_open(&cs, loop, path, handler, &calls), 0);
	assert_int_equal(access(path, F_OK), 0);

	reply = ask(loop, path, "status");
	assert_string_equal(json_string_value(json_object_get(reply, "answer")), "hello");
	assert_int_equal(json_integer_value(json_object_get(reply, "n")), 42);
	json_decref(reply);

	reply = ask(loop, path, "bogus");
	assert_non_null(strstr(json_string_value(json_object_get(reply, "error")), "bogus"));
	json_decref(reply);
	assert_int_equal(calls.calls, 2);

	control_server_close(&cs);
	assert_int_equal(access(path, F_OK), -1); /* socket file removed */
	event_loop_free(loop);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void open_server(struct control_server *cs, struct event_loop *loop, char *dir,
			char *path, size_t len, struct handler_state *h)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, len, "%s/agent.sock", dir);
	assert_int_equal(control_server_open(cs, loop, path, handler, h), 0);
}

static void close_server(struct control_server *cs, struct event_loop *loop, const char *dir)
{
	control_server_close(cs);
	event_loop_free(loop);
	rmdir(dir);
}

/* Clients that send nothing, or half a request, hold a slot but not the
 * loop: a complete request is answered meanwhile. */
static void test_control_stalled_clients_do_not_block(void **state)
{
	char dir[] = "/tmp/test-control.XXXXXX", path[64];
	struct control_server cs;
	struct event_loop *loop = event_loop_new();
	struct handler_state h = { 0 };
	int idle[5], half;
	json_t *reply;

	(void)state;
	open_server(&cs, loop, dir, path, sizeof(path), &h);
	for (size_t i = 0; i < 5; i++)
		idle[i] = raw_connect(path);
	half = raw_connect(path);
	assert_int_equal(write(half, "{\"comm", 6), 6);
	reply = ask(loop, path, "status");
	assert_string_equal(json_string_value(json_object_get(reply, "answer")), "hello");
	json_decref(reply);
	assert_int_equal(control_server_clients(&cs), 6);
	for (size_t i = 0; i < 5; i++)
		close(idle[i]);
	close(half);
	close_server(&cs, loop, dir);
}

/* Past CONTROL_CLIENTS_MAX a client is told so and closed. */
static void test_control_too_many_clients(void **state)
{
	char dir[] = "/tmp/test-control.XXXXXX", path[64], buf[256] = "";
	struct control_server cs;
	struct event_loop *loop = event_loop_new();
	struct handler_state h = { 0 };
	int fds[CONTROL_CLIENTS_MAX + 1];
	ssize_t n;

	(void)state;
	open_server(&cs, loop, dir, path, sizeof(path), &h);
	for (size_t i = 0; i <= CONTROL_CLIENTS_MAX; i++) {
		fds[i] = raw_connect(path);
		assert_int_equal(event_loop_run_once(loop, 100), 0);
	}
	assert_int_equal(control_server_clients(&cs), CONTROL_CLIENTS_MAX);
	n = read(fds[CONTROL_CLIENTS_MAX], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "too many control clients"));
	for (size_t i = 0; i <= CONTROL_CLIENTS_MAX; i++)
		close(fds[i]);
	close_server(&cs, loop, dir);
}

/* A request without a newline in CONTROL_REQUEST_MAX bytes is dropped. */
static void test_control_request_too_long(void **state)
{
	char dir[] = "/tmp/test-control.XXXXXX", path[64], big[CONTROL_REQUEST_MAX + 10], c;
	struct control_server cs;
	struct event_loop *loop = event_loop_new();
	struct handler_state h = { 0 };
	int fd;

	(void)state;
	open_server(&cs, loop, dir, path, sizeof(path), &h);
	fd = raw_connect(path);
	memset(big, 'x', sizeof(big));
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	for (int i = 0; i < 5; i++)
		assert_int_equal(event_loop_run_once(loop, 50), 0);
	assert_int_equal(control_server_clients(&cs), 0);
	/* closed without an answer (a reset: the rest of the input was unread) */
	assert_true(read(fd, &c, 1) <= 0);
	assert_int_equal(h.calls, 0);
	close(fd);
	close_server(&cs, loop, dir);
}

/* A deferred answer goes to its client when the handler has it; one for a
 * client that already left is dropped. */
static void test_control_deferred_answer(void **state)
{
	char dir[] = "/tmp/test-control.XXXXXX", path[64];
	struct control_server cs;
	struct event_loop *loop = event_loop_new();
	struct handler_state h = { 0 };
	struct client_args c = { .command = "later" };
	pthread_t t;

	(void)state;
	open_server(&cs, loop, dir, path, sizeof(path), &h);
	c.path = path;
	assert_int_equal(pthread_create(&t, NULL, client_thread, &c), 0);
	for (int i = 0; i < 100 && h.deferred_id == 0; i++)
		assert_int_equal(event_loop_run_once(loop, 50), 0);
	assert_int_not_equal(h.deferred_id, 0);
	assert_false(atomic_load(&c.done));
	control_server_answer(&cs, h.deferred_id, json_pack("{s:s}", "answer", "late"));
	serve_until(loop, &c.done);
	pthread_join(t, NULL);
	assert_int_equal(c.rc, 0);
	assert_string_equal(json_string_value(json_object_get(c.reply, "answer")), "late");
	json_decref(c.reply);
	control_server_answer(&cs, h.deferred_id, json_pack("{s:s}", "answer", "gone"));
	close_server(&cs, loop, dir);
}

static void test_control_no_agent(void **state)
{
	json_t *reply = NULL;
	char err[256];

	(void)state;
	assert_int_equal(control_request("/tmp/no-such-dir/agent.sock", "status", &reply, err,
					 sizeof(err)), -1);
	assert_null(reply);
	assert_non_null(strstr(err, "/tmp/no-such-dir/agent.sock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_fires_periodically),
		cmocka_unit_test(test_disarmed_timer_stays_quiet),
		cmocka_unit_test(test_child_exit_code_and_output),
		cmocka_unit_test(test_child_kill_whole_group),
		cmocka_unit_test(test_child_missing_program),
		cmocka_unit_test(test_control_roundtrip),
		cmocka_unit_test(test_control_stalled_clients_do_not_block),
		cmocka_unit_test(test_control_too_many_clients),
		cmocka_unit_test(test_control_request_too_long),
		cmocka_unit_test(test_control_deferred_answer),
		cmocka_unit_test(test_control_no_agent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
