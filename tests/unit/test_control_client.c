/* The control client's pure parts: request framing at every boundary, and
 * its state deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "control_client.h"

static void test_frame_scan(void **state)
{
	(void)state;
	assert_int_equal(control_frame_scan("", 0, 8), FRAME_PARTIAL);
	assert_int_equal(control_frame_scan("{\"co", 4, 8), FRAME_PARTIAL);
	assert_int_equal(control_frame_scan("\n", 1, 8), FRAME_COMPLETE);
	assert_int_equal(control_frame_scan("abc\nxyz", 7, 8), FRAME_COMPLETE);
	/* max bytes without a newline: refused; the newline as byte max: fine */
	assert_int_equal(control_frame_scan("abcdefgh", 8, 8), FRAME_TOO_LONG);
	assert_int_equal(control_frame_scan("abcdefg\n", 8, 8), FRAME_COMPLETE);
	assert_int_equal(control_frame_scan("abcdefg", 7, 8), FRAME_PARTIAL);
	/* a newline past max does not count */
	assert_int_equal(control_frame_scan("abcdefgh\n", 9, 8), FRAME_TOO_LONG);
}

static void test_deadlines_per_state(void **state)
{
	struct control_client c;

	(void)state;
	control_client_init(&c, -1, 7, 1000);
	assert_int_equal(c.state, CLIENT_READING);
	assert_false(control_client_expired(&c, 1000 + CONTROL_REQUEST_MS - 1));
	assert_true(control_client_expired(&c, 1000 + CONTROL_REQUEST_MS));
	/* queuing the answer starts the write deadline from then */
	control_client_queue(&c, strdup("{}"), 5000);
	assert_int_equal(c.state, CLIENT_WRITING);
	assert_int_equal(c.out_len, 3);
	assert_memory_equal(c.out, "{}\n", 3);
	assert_false(control_client_expired(&c, 5000 + CONTROL_WRITE_MS - 1));
	assert_true(control_client_expired(&c, 5000 + CONTROL_WRITE_MS));
	control_client_free(&c);
	assert_null(c.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_scan),
		cmocka_unit_test(test_deadlines_per_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
