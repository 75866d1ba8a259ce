#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "frr_version.h"

static void test_parse(void **state)
{
	char v[FRR_VERSION_MAX];

	(void)state;
	assert_int_equal(frr_version_parse("FRRouting 8.4.4 (h1) on Linux(6.1.0-13-amd64).\n"
					   "Copyright 1996-2005 Kunihiro Ishiguro, et al.\n",
					   v, sizeof(v)), 0);
	assert_string_equal(v, "FRRouting 8.4.4");
	assert_int_equal(frr_version_parse("FRRouting 10.1-dev\n", v, sizeof(v)), 0);
	assert_string_equal(v, "FRRouting 10.1-dev");
}

static void test_parse_rejects(void **state)
{
	char v[FRR_VERSION_MAX], tiny[8];

	(void)state;
	assert_int_equal(frr_version_parse("% Unknown command: show version\n", v, sizeof(v)), -1);
	assert_string_equal(v, "");
	assert_int_equal(frr_version_parse("FRRouting \n", v, sizeof(v)), -1);
	assert_int_equal(frr_version_parse("", v, sizeof(v)), -1);
	assert_int_equal(frr_version_parse("FRRouting 8.4.4 (h)", tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
