/* The daemon's plumbing without FRR or the kernel: timers in the event loop,
 * helper processes (exit code, output, kill), and the control socket's
 * one-request protocol end to end over a real unix socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

static void *client_thread(void *arg)
{
	struct client_args *c = arg;

	c->rc = control_request(c->path, c->command, &c->reply, c->err, sizeof(c->err));
	return NULL;
}

static json_t *handler(const char *command, void *arg)
{
	(*(int *)arg)++;
	if (strcmp(command, "status") == 0)
		return json_pack("{s:s, s:i}", "answer", "hello", "n", 42);
	return NULL;
}

static json_t *ask(struct event_loop *loop, const char *path, const char *command)
{
	struct client_args c = { .path = path, .command = command };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, client_thread, &c), 0);
	assert_int_equal(event_loop_run_once(loop, 2000), 0); /* accept + answer */
	pthread_join(t, NULL);
	assert_int_equal(c.rc, 0);
	return c.reply;
}

static void test_control_roundtrip(void **state)
{
	char dir[] = "/tmp/test-control.XXXXXX", path[64];
	struct control_server cs;
	struct event_loop *loop = event_loop_new();
	json_t *reply;
	int calls = 0;

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
	assert_int_equal(calls, 2);

	control_server_close(&cs);
	assert_int_equal(access(path, F_OK), -1); /* socket file removed */
	event_loop_free(loop);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
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
		cmocka_unit_test(test_control_no_agent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
