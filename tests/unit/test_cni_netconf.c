/* Network configuration parsing: defaults, IPAM ranges, and every kind of bad
 * input with its CNI error code and the quoted key or value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "netconf.h"

static int parse(const char *json, struct netconf *nc, struct cni_err *err)
{
	memset(err, 0, sizeof(*err));
	return netconf_parse(json, strlen(json), nc, err);
}

static const char *addr(const struct ip_addr *a, char *buf)
{
	return ip_addr_format(a, buf, INET6_ADDRSTRLEN);
}

static void test_defaults(void **state)
{
	struct netconf nc;
	struct cni_err err;
	char b[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bgp-bridge\","
			       "\"ipam\":{\"subnet\":\"10.244.1.0/24\"}}", &nc, &err), 0);
	assert_string_equal(nc.bridge, "cni0");
	assert_true(nc.ipam.builtin);
	assert_string_equal(nc.ipam.data_dir, "/var/lib/cni/networks");
	assert_int_equal(nc.ipam.n_ranges, 1);
	assert_string_equal(addr(&nc.ipam.ranges[0].gateway, b), "10.244.1.1");
	assert_string_equal(addr(&nc.ipam.ranges[0].start, b), "10.244.1.1");
	assert_string_equal(addr(&nc.ipam.ranges[0].end, b), "10.244.1.254");
	assert_false(nc.is_gateway);
	assert_false(nc.sync_delete);
	netconf_free(&nc);
}

static void test_full_dual_stack(void **state)
{
	static const char *json =
		"{\"cniVersion\":\"1.1.0\",\"name\":\"pods\",\"type\":\"bgp-bridge\","
		"\"bridge\":\"br-pods\",\"isDefaultGateway\":true,\"mtu\":1450,"
		"\"hairpinMode\":true,\"logLevel\":\"debug\",\"runtimeConfig\":{},"
		"\"ipam\":{\"type\":\"bgp-bridge\",\"dataDir\":\"/tmp/x\",\"ranges\":["
		"[{\"subnet\":\"10.244.1.0/24\",\"rangeStart\":\"10.244.1.10\","
		"\"rangeEnd\":\"10.244.1.20\",\"gateway\":\"10.244.1.254\"}],"
		"[{\"subnet\":\"fd00::/64\"}]],"
		"\"routes\":[{\"dst\":\"10.0.0.0/8\"},{\"dst\":\"fd01::/64\",\"gw\":\"fd00::9\"}]},"
		"\"dns\":{\"nameservers\":[\"10.96.0.10\"]},"
		"\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]}";
	struct netconf nc;
	struct cni_err err;
	char b[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(parse(json, &nc, &err), 0);
	assert_true(nc.is_gateway); /* implied by isDefaultGateway */
	assert_int_equal(nc.mtu, 1450);
	assert_true(nc.hairpin);
	assert_int_equal(nc.ipam.n_ranges, 2);
	assert_string_equal(addr(&nc.ipam.ranges[0].start, b), "10.244.1.10");
	assert_string_equal(addr(&nc.ipam.ranges[0].gateway, b), "10.244.1.254");
	assert_string_equal(addr(&nc.ipam.ranges[1].gateway, b), "fd00::1");
	assert_string_equal(addr(&nc.ipam.ranges[1].end, b), "fd00::ffff:ffff:ffff:ffff");
	assert_int_equal(nc.ipam.n_routes, 2);
	assert_false(nc.ipam.routes[0].has_gw);
	assert_true(nc.ipam.routes[1].has_gw);
	assert_non_null(nc.dns);
	assert_true(nc.has_valid);
	assert_int_equal(nc.n_valid, 1);
	assert_string_equal(nc.valid[0].containerid, "c1");
	netconf_free(&nc);
}

static void test_delegate(void **state)
{
	struct netconf nc;
	struct cni_err err;

	(void)state;
	assert_int_equal(parse("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"bgp-bridge\","
			       "\"ipam\":{\"type\":\"host-local\",\"whatever\":1}}", &nc, &err), 0);
	assert_false(nc.ipam.builtin);
	assert_string_equal(nc.ipam.type, "host-local");
	netconf_free(&nc);
}

struct bad_case {
	const char *json;
	int code;
	const char *needle; /* must appear in the details */
};

#define HEAD "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bgp-bridge\","
#define IPAM4 "\"ipam\":{\"subnet\":\"10.244.1.0/24\"}"

static const struct bad_case bad_cases[] = {
	{ "{\"cniVersion\":", 6, "stdin:1:" },
	{ "{\"a\":1,\n\"a\":2}", 6, "stdin:2:" },
	{ "[1]", 6, "JSON object" },
	{ "{\"name\":\"n\",\"type\":\"t\"," IPAM4 "}", 7, "\"cniVersion\"" },
	{ "{\"cniVersion\":\"0.2.0\",\"name\":\"n\"," IPAM4 "}", 1, "'0.2.0'" },
	{ "{\"cniVersion\":\"1.0.0\",\"type\":\"t\"," IPAM4 "}", 7, "\"name\"" },
	{ HEAD "\"mtu\":\"9000\"," IPAM4 "}", 7, "\"mtu\"" },
	{ HEAD "\"mtu\":20," IPAM4 "}", 7, "\"mtu\"" },
	{ HEAD "\"isGateway\":\"yes\"," IPAM4 "}", 7, "\"isGateway\"" },
	{ HEAD "\"bridge\":\"a:b\"," IPAM4 "}", 7, "\"bridge\"" },
	{ HEAD "\"bridge\":\"abcdefghijklmnopq\"," IPAM4 "}", 7, "\"bridge\"" },
	{ HEAD "\"logLevel\":\"loud\"," IPAM4 "}", 7, "\"logLevel\"" },
	{ HEAD "\"ipMasq\":true," IPAM4 "}", 2, "\"ipMasq\"" },
	{ HEAD "\"dns\":[]," IPAM4 "}", 7, "\"dns\"" },
	{ HEAD "\"prevResult\":5," IPAM4 "}", 7, "\"prevResult\"" },
	{ HEAD "\"x\":1}", 7, "\"ipam\"" },
	{ HEAD "\"ipam\":{}}", 7, "\"ipam\"" },
	{ HEAD "\"ipam\":{\"subnet\":\"10.244.1.1/24\"}}", 7, "10.244.1.1/24" },
	{ HEAD "\"ipam\":{\"subnet\":\"10.244.1.0/33\"}}", 7, "10.244.1.0/33" },
	{ HEAD "\"ipam\":{\"subnet\":\"banana\"}}", 7, "banana" },
	{ HEAD "\"ipam\":{\"subnet\":\"10.244.1.0/31\"}}", 7, "too small" },
	{ HEAD "\"ipam\":{\"subnet\":\"10.244.1.0/24\",\"gateway\":\"10.9.9.9\"}}", 7,
	  "\"ipam.gateway\"" },
	{ HEAD "\"ipam\":{\"subnet\":\"10.244.1.0/24\",\"rangeStart\":\"10.244.1.50\","
	  "\"rangeEnd\":\"10.244.1.40\"}}", 7, "rangeStart" },
	{ HEAD "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"10.2.0.0/24\"}]]}}",
	  7, "one range per address family" },
	{ HEAD "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"10.2.0.0/24\"}]]}}",
	  7, "exactly one range" },
	{ HEAD "\"ipam\":{\"type\":\"../evil\"}}", 7, "'../evil'" },
	{ HEAD "\"ipam\":{\"dataDir\":\"rel\",\"subnet\":\"10.1.0.0/24\"}}", 7, "ipam.dataDir" },
	{ HEAD "\"ipam\":{\"subnet\":\"10.1.0.0/24\",\"routes\":[{\"dst\":\"x\"}]}}", 7,
	  "ipam.routes" },
	{ HEAD IPAM4 ",\"cni.dev/valid-attachments\":[{\"containerID\":1}]}", 7,
	  "valid-attachments" },
};

static void test_bad_input(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct netconf nc;
		struct cni_err err;

		if (parse(bad_cases[i].json, &nc, &err) == 0 || err.code != bad_cases[i].code ||
		    strstr(err.details, bad_cases[i].needle) == NULL)
			fail_msg("case %zu (%s): code %d, details '%s'", i, bad_cases[i].json,
				 err.code, err.details);
		netconf_free(&nc);
	}
}

static void test_attachments_alias(void **state)
{
	struct netconf nc;
	struct cni_err err;

	(void)state;
	assert_int_equal(parse(HEAD IPAM4 ",\"cni.dev/attachments\":[{\"containerID\":\"c\","
			       "\"ifname\":\"eth1\"}]}", &nc, &err), 0);
	assert_true(nc.has_valid);
	assert_int_equal(nc.n_valid, 1);
	assert_string_equal(nc.valid[0].ifname, "eth1");
	netconf_free(&nc);
}

static void test_peek_version(void **state)
{
	char v[16];

	(void)state;
	netconf_peek_version("{\"cniVersion\":\"0.4.0\"}", 22, v, sizeof(v));
	assert_string_equal(v, "0.4.0");
	netconf_peek_version("garbage", 7, v, sizeof(v));
	assert_string_equal(v, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_dual_stack),
		cmocka_unit_test(test_delegate),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_attachments_alias),
		cmocka_unit_test(test_peek_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
