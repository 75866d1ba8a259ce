/* Result rendering per cniVersion and parsing of prevResult / IPAM output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cni_version.h"
#include "result.h"

static struct cni_ip ip_of(const char *cidr, const char *gw, int iface)
{
	struct cni_ip ip = { .iface = iface };
	struct prefix p;
	char err[64];

	assert_int_equal(prefix_parse(cidr, &p, PREFIX_ALLOW_HOST_BITS, err, sizeof(err)), 0);
	ip.addr = p.addr;
	ip.plen = p.len;
	if (gw != NULL) {
		assert_int_equal(ip_addr_parse(gw, &ip.gw, err, sizeof(err)), 0);
		ip.has_gw = true;
	}
	return ip;
}

static void build(struct cni_result *r)
{
	struct cni_err err = { 0 };
	struct cni_route def = { .has_gw = true };
	char e[64];
	struct cni_ip v4 = ip_of("10.244.1.2/24", "10.244.1.1", 2);
	struct cni_ip v6 = ip_of("fd00::2/64", "fd00::1", 2);

	result_init(r);
	assert_int_equal(result_add_iface(r, "cni0", "02:00:00:00:00:01", NULL, &err), 0);
	assert_int_equal(result_add_iface(r, "veth1234abcd", "02:00:00:00:00:02", NULL, &err), 0);
	assert_int_equal(result_add_iface(r, "eth0", "02:00:00:00:00:03", "/run/netns/p", &err), 0);
	assert_int_equal(result_add_ip(r, &v4, &err), 0);
	assert_int_equal(result_add_ip(r, &v6, &err), 0);
	assert_int_equal(prefix_parse("0.0.0.0/0", &def.dst, PREFIX_STRICT, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("10.244.1.1", &def.gw, e, sizeof(e)), 0);
	assert_int_equal(result_add_route(r, &def, &err), 0);
}

static char *render(const struct cni_result *r, const char *version)
{
	json_t *o = result_to_json(r, version);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	return s;
}

static void test_render_1_0_0(void **state)
{
	struct cni_result r;
	char *s;

	(void)state;
	build(&r);
	s = render(&r, "1.0.0");
	assert_string_equal(s,
		"{\"cniVersion\":\"1.0.0\",\"dns\":{},\"interfaces\":["
		"{\"mac\":\"02:00:00:00:00:01\",\"name\":\"cni0\"},"
		"{\"mac\":\"02:00:00:00:00:02\",\"name\":\"veth1234abcd\"},"
		"{\"mac\":\"02:00:00:00:00:03\",\"name\":\"eth0\",\"sandbox\":\"/run/netns/p\"}],"
		"\"ips\":[{\"address\":\"10.244.1.2/24\",\"gateway\":\"10.244.1.1\",\"interface\":2},"
		"{\"address\":\"fd00::2/64\",\"gateway\":\"fd00::1\",\"interface\":2}],"
		"\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.244.1.1\"}]}");
	free(s);
	result_free(&r);
}

static void test_render_old_versions_carry_ip_version(void **state)
{
	static const char *const old[] = { "0.3.0", "0.3.1", "0.4.0" };
	struct cni_result r;

	(void)state;
	build(&r);
	for (size_t i = 0; i < 3; i++) {
		char *s = render(&r, old[i]);

		assert_non_null(strstr(s, "{\"address\":\"10.244.1.2/24\",\"gateway\":\"10.244.1.1\","
					  "\"interface\":2,\"version\":\"4\"}"));
		assert_non_null(strstr(s, "\"version\":\"6\""));
		free(s);
	}
	for (const char *v = "1.1.0"; v != NULL; v = NULL) {
		char *s = render(&r, v);

		assert_null(strstr(s, "\"version\""));
		assert_non_null(strstr(s, "\"cniVersion\":\"1.1.0\""));
		free(s);
	}
	result_free(&r);
}

static void test_roundtrip(void **state)
{
	struct cni_result r, back;
	struct cni_err err = { 0 };
	json_t *o;

	(void)state;
	build(&r);
	o = result_to_json(&r, "0.4.0");
	assert_int_equal(result_from_json(o, "prevResult", &back, &err), 0);
	assert_int_equal(back.n_ifaces, 3);
	assert_string_equal(back.ifaces[2].sandbox, "/run/netns/p");
	assert_int_equal(back.n_ips, 2);
	assert_int_equal(back.ips[1].iface, 2);
	assert_true(ip_addr_equal(&back.ips[1].gw, &r.ips[1].gw));
	assert_int_equal(back.n_routes, 1);
	assert_true(prefix_is_default(&back.routes[0].dst));
	json_decref(o);
	result_free(&back);
	result_free(&r);
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"{\"ips\":[{\"gateway\":\"10.0.0.1\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.300/24\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.2/24\",\"gateway\":\"nope\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":0}]}",
		"{\"interfaces\":[{\"mac\":\"x\"}]}",
		"{\"routes\":[{\"gw\":\"10.0.0.1\"}]}",
		"{\"routes\":{}}",
		"[]",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cni_result r;
		struct cni_err err = { 0 };
		json_t *o = json_loads(bad[i], 0, NULL);

		assert_non_null(o);
		if (result_from_json(o, "prevResult", &r, &err) == 0 || err.code != CNI_ERR_DECODE)
			fail_msg("case %zu (%s) accepted or wrong code %d", i, bad[i], err.code);
		assert_non_null(strstr(err.details, "prevResult"));
		result_free(&r);
		json_decref(o);
	}
}

static void test_versions(void **state)
{
	(void)state;
	assert_true(cni_version_supported("0.3.0"));
	assert_true(cni_version_supported("1.1.0"));
	assert_false(cni_version_supported("0.2.0"));
	assert_false(cni_version_supported("1.2.0"));
	assert_true(cni_version_at_least("1.0.0", "0.4.0"));
	assert_false(cni_version_at_least("0.3.1", "0.4.0"));
	assert_true(cni_version_has_ip_version_field("0.4.0"));
	assert_false(cni_version_has_ip_version_field("1.0.0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_1_0_0),
		cmocka_unit_test(test_render_old_versions_carry_ip_version),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
