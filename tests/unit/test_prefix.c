#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "prefix.h"

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[128];

	assert_int_equal(prefix_parse(s, &p, PREFIX_STRICT, err, sizeof(err)), 0);
	return p;
}

static void test_parse_valid(void **state)
{
	char buf[PREFIX_STRLEN];
	struct prefix p = P("10.244.1.0/24");

	(void)state;
	assert_int_equal(p.addr.family, AF_INET);
	assert_int_equal(p.len, 24);
	assert_string_equal(prefix_format(&p, buf, sizeof(buf)), "10.244.1.0/24");
	p = P("fd00:10:244:1::/64");
	assert_int_equal(p.addr.family, AF_INET6);
	assert_string_equal(prefix_format(&p, buf, sizeof(buf)), "fd00:10:244:1::/64");
	p = P("0.0.0.0/0");
	assert_true(prefix_is_default(&p));
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"10.244.1.1/24", "10.244.1.0", "10.244.1.0/33", "10.244.1.0/", "10.244.1.0/-1",
		"10.244.1.0/24x", "300.1.1.0/24", "fd00::1/64", "fd00::/129", "", "/24",
		"10.244.1.0/0024", "abc/8",
	};
	struct prefix p;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(prefix_parse(bad[i], &p, PREFIX_STRICT, err, sizeof(err)), -1);
		assert_non_null(strchr(err, '"')); /* the message quotes the value */
	}
	assert_int_equal(prefix_parse("10.244.1.1/24", &p, PREFIX_ALLOW_HOST_BITS, err,
				      sizeof(err)), 0);
	assert_true(prefix_has_host_bits(&p));
}

static void test_contains(void **state)
{
	struct prefix cluster = P("10.244.0.0/16"), node = P("10.244.3.0/24");
	struct prefix other = P("10.245.0.0/24"), v6 = P("fd00::/48");

	(void)state;
	assert_true(prefix_contains(&cluster, &node));
	assert_false(prefix_contains(&node, &cluster));
	assert_false(prefix_contains(&cluster, &other));
	assert_false(prefix_contains(&cluster, &v6));
	assert_true(prefix_overlaps(&node, &cluster));
	assert_false(prefix_overlaps(&node, &other));
	assert_true(prefix_contains(&node, &node));
}

static void test_arith(void **state)
{
	struct prefix p = P("10.244.1.0/24"), q = P("fd00::/120");
	struct ip_addr last, a = p.addr;
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	prefix_last_addr(&p, &last);
	assert_string_equal(ip_addr_format(&last, buf, sizeof(buf)), "10.244.1.255");
	ip_addr_add(&a, 257);
	assert_string_equal(ip_addr_format(&a, buf, sizeof(buf)), "10.244.2.1");
	prefix_last_addr(&q, &last);
	assert_string_equal(ip_addr_format(&last, buf, sizeof(buf)), "fd00::ff");
	assert_true(prefix_cmp(&p, &q) < 0);
}

static void test_ip_port(void **state)
{
	static const char *const bad[] = { "", "10.0.0.1", "10.0.0.1:", "10.0.0.1:0",
		"10.0.0.1:65536", "10.0.0.1:80x", ":80", "fd00::1:80", "[fd00::1]", "[10.0.0.1]:80",
		"[fd00::1:80", "host:80", "10.0.0.1:-1", "[]:80" };
	struct ip_addr a;
	char err[128], buf[INET6_ADDRSTRLEN];
	uint16_t port = 0;

	(void)state;
	assert_int_equal(ip_port_parse("10.1.2.3:9101", &a, &port, err, sizeof(err)), 0);
	assert_string_equal(ip_addr_format(&a, buf, sizeof(buf)), "10.1.2.3");
	assert_int_equal(port, 9101);
	assert_int_equal(ip_port_parse("[fd00::1]:65535", &a, &port, err, sizeof(err)), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(port, 65535);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ip_port_parse(bad[i], &a, &port, err, sizeof(err)), -1);
		assert_non_null(strstr(err, bad[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_ip_port),
	};
	return cmocka_run_group_tests_name("prefix", tests, NULL, NULL);
}
