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

/* Answers of FRR 8.4.4's bgpd to FRR_BGP_INSTANCES_CMD, as captured. */
static void test_instances(void **state)
{
	static const char none[] = "{\n  \"vrfs\":{\n  },\n  \"totalVrfs\":0\n}\n";
	static const char one[] = "{\n  \"vrfs\":{\n    \"default\":{\n      \"type\":\"DFLT\",\n"
				  "      \"vrfId\":0,\n      \"routerId\":\"192.168.1.12\"\n    }\n"
				  "  },\n  \"totalVrfs\":1\n}\n";

	(void)state;
	assert_int_equal(frr_bgp_instances_parse(none, strlen(none)), 0);
	assert_int_equal(frr_bgp_instances_parse(one, strlen(one)), 1);
	assert_int_equal(frr_bgp_instances_parse("{}", 2), -1);
	assert_int_equal(frr_bgp_instances_parse("{\"totalVrfs\":-1}", 16), -1);
	assert_int_equal(frr_bgp_instances_parse("{\"totalVrfs\":\"1\"}", 17), -1);
	assert_int_equal(frr_bgp_instances_parse("% Unknown command", 17), -1);
	assert_int_equal(frr_bgp_instances_parse("", 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_instances),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
