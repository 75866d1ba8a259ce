/* frr_args_have_module(): bgpd's command line (/proc/PID/cmdline) names the
 * modules it loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "frr_modules.h"

#define ARGS(s) s, sizeof(s) - 1 /* the literal's NULs, not its terminator */

static void test_module_spellings(void **state)
{
	(void)state;
	assert_true(frr_args_have_module(ARGS("/usr/lib/frr/bgpd\0-d\0-n\0-M\0bmp\0"), "bmp"));
	assert_true(frr_args_have_module(ARGS("bgpd\0-Mbmp\0"), "bmp"));
	assert_true(frr_args_have_module(ARGS("bgpd\0--module\0bmp\0"), "bmp"));
	assert_true(frr_args_have_module(ARGS("bgpd\0--module=bmp\0"), "bmp"));
	assert_true(frr_args_have_module(ARGS("bgpd\0-M\0snmp\0-M\0bmp:opt\0"), "bmp"));
}

static void test_no_module(void **state)
{
	(void)state;
	assert_false(frr_args_have_module(ARGS("/usr/lib/frr/bgpd\0-d\0-n\0"), "bmp"));
	assert_false(frr_args_have_module(ARGS("bgpd\0-M\0bmpx\0"), "bmp"));
	assert_false(frr_args_have_module(ARGS("bgpd\0-f\0bmp\0"), "bmp"));
	assert_false(frr_args_have_module(ARGS("bgpd\0-M\0"), "bmp"));
	assert_false(frr_args_have_module(ARGS("bgpd\0-M\0bm"), "bmp")); /* cut off */
	assert_false(frr_args_have_module("", 0, "bmp"));
}

/* This test's own command line has no -M bmp; a pid that is gone reads as none. */
static void test_reads_proc(void **state)
{
	(void)state;
	assert_false(frr_bgpd_has_module(getpid(), "bmp"));
	assert_false(frr_bgpd_has_module(0x7ffffff0, "bmp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_spellings),
		cmocka_unit_test(test_no_module),
		cmocka_unit_test(test_reads_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
