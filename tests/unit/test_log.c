#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static void test_every_line_prefixed(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = log_format(buf, sizeof(buf), "T ", "p: ", "first\nsecond\nthird");
	assert_string_equal(buf, "T p: first\nT p: second\nT p: third\n");
	assert_int_equal(n, strlen(buf));
	/* A trailing newline adds no empty line. */
	log_format(buf, sizeof(buf), "T ", "p: ", "one\n");
	assert_string_equal(buf, "T p: one\n");
	log_format(buf, sizeof(buf), "", "p: ", "");
	assert_string_equal(buf, "p: \n");
}

static void test_truncated_still_one_line(void **state)
{
	char buf[16];
	size_t n;

	(void)state;
	n = log_format(buf, sizeof(buf), "T ", "p: ", "a long message\nand more");
	assert_int_equal(n, sizeof(buf) - 1);
	assert_int_equal(buf[n - 1], '\n');
	assert_int_equal(buf[n], '\0');
	assert_int_equal(log_format(buf, 1, "T ", "p: ", "x"), 0);
	assert_int_equal(buf[0], '\0');
}

/* The log file, written by the real API: a time stamp on each line. */
static void test_file_lines_stamped(void **state)
{
	char path[] = "/tmp/test_log.XXXXXX";
	char line[256];
	int fd = mkstemp(path), lines = 0;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	log_init("t", LOG_LVL_INFO, stderr);
	assert_int_equal(log_open_file(path), 0);
	log_errorx("bad config:\n%s", "a.conf:1: x\na.conf:2: y");
	log_close();
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		int y, mo, d, h, mi, s, ms;

		assert_int_equal(sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d.%3d t[", &y, &mo, &d, &h,
					&mi, &s, &ms), 7);
		assert_non_null(strstr(line, "]: error: "));
		lines++;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(lines, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_line_prefixed),
		cmocka_unit_test(test_truncated_still_one_line),
		cmocka_unit_test(test_file_lines_stamped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
