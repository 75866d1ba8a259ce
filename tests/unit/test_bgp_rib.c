/* bgp_rib on JSON captured from real FRR 8.4 (fixtures/frr/capture.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "atomic_file.h"
#include "bgp_peers.h"
#include "bgp_rib.h"
#include "fixture_path.h"

static char *load(const char *name, size_t *len)
{
	char path[512];
	char *buf = read_whole_file(fixture_path(name, path, sizeof(path)), len);

	if (buf == NULL)
		fail_msg("cannot read %s", path);
	return buf;
}

/* Parses a fixture into a sorted set; returns the stats. */
static struct bgp_rib_stats parse_fixture(const char *name, struct route_set *s)
{
	struct bgp_rib_stats st;
	char err[256] = "";
	size_t len;
	char *json = load(name, &len);

	if (bgp_rib_parse(json, len, s, &st, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(json);
	route_set_sort(s);
	return st;
}

static const struct route *find(const struct route_set *s, const char *dst)
{
	struct prefix p;
	char err[128];

	assert_int_equal(prefix_parse(dst, &p, PREFIX_STRICT, err, sizeof(err)), 0);
	return route_set_find(s, &p);
}

static const char *fmt(const struct route *r)
{
	static char buf[ROUTE_STRLEN];

	assert_non_null(r);
	return route_format(r, buf, sizeof(buf));
}

static void test_ipv4_table(void **state)
{
	struct route_set s;
	struct bgp_rib_stats st;

	(void)state;
	route_set_init(&s);
	st = parse_fixture("frr/ipv4_unicast.json", &s);
	/* 7 prefixes; the node's own 10.244.1.0/24 is learned from t1 and best
	 * there (no anchor yet), so the policy, not the parser, must refuse it. */
	assert_int_equal(st.prefixes, 7);
	assert_int_equal(st.routes, 7);
	assert_int_equal(st.no_best + st.bad_paths + st.local, 0);
	assert_true(st.table_version > 0);
	assert_int_equal(s.n, 7);
	/* ECMP: the best path and the multipath one from the other ToR. */
	assert_string_equal(fmt(find(&s, "10.244.2.0/24")),
			    "10.244.2.0/24 via 192.168.1.1, via 192.168.2.1 metric 20");
	assert_string_equal(fmt(find(&s, "10.244.3.0/24")), "10.244.3.0/24 via 192.168.1.1 metric 20");
	assert_string_equal(fmt(find(&s, "0.0.0.0/0")), "0.0.0.0/0 via 192.168.1.1 metric 20");
	assert_non_null(find(&s, "10.244.5.0/25"));
	assert_non_null(find(&s, "10.245.0.0/24"));
	/* RFC 5549: an IPv4 prefix via the unnumbered peer's link-local address. */
	const struct route *r = find(&s, "10.244.4.0/24");
	assert_non_null(r);
	assert_int_equal(r->n_nh, 1);
	assert_int_equal(r->nh[0].gw.family, AF_INET6);
	assert_true(IN6_IS_ADDR_LINKLOCAL(&r->nh[0].gw.u.v6));
	assert_string_equal(r->nh[0].ifname, ""); /* not in FRR's JSON: resolved from the peers */
	assert_int_equal(r->type, ROUTE_UNICAST);
	route_set_free(&s);
}

static void test_ipv6_table(void **state)
{
	struct route_set s;
	struct bgp_rib_stats st;

	(void)state;
	route_set_init(&s);
	st = parse_fixture("frr/ipv6_unicast.json", &s);
	assert_int_equal(st.routes, 3);
	/* Our own `network fd00:10:244:1::/64` before its anchor route existed:
	 * listed, but not valid (import-check), so no best path. */
	assert_int_equal(st.prefixes, 4);
	assert_int_equal(st.no_best, 1);
	assert_null(find(&s, "fd00:10:244:1::/64"));
	assert_string_equal(fmt(find(&s, "fd00:10:244:2::/64")),
			    "fd00:10:244:2::/64 via fd00:1::1, via fd00:2::1 metric 20");
	assert_string_equal(fmt(find(&s, "fd00:10:244:3::/64")),
			    "fd00:10:244:3::/64 via fd00:1::1 metric 20");
	const struct route *r = find(&s, "fd00:10:244:4::/64");
	assert_non_null(r);
	assert_true(IN6_IS_ADDR_LINKLOCAL(&r->nh[0].gw.u.v6));
	route_set_free(&s);
}

/* With the anchor route in place, the node's own network is its best path:
 * locally originated, never a learned route. */
static void test_local_best_path_skipped(void **state)
{
	struct route_set s;
	struct bgp_rib_stats st;

	(void)state;
	route_set_init(&s);
	st = parse_fixture("frr/ipv4_unicast_with_anchor.json", &s);
	assert_int_equal(st.local, 1);
	assert_null(find(&s, "10.244.1.0/24"));
	assert_int_equal(s.n, 6);
	route_set_free(&s);
}

/* After t2 went down and t1 withdrew 10.244.3.0/24. */
static void test_one_peer_down(void **state)
{
	struct route_set s;

	(void)state;
	route_set_init(&s);
	parse_fixture("frr/ipv4_unicast_one_down.json", &s);
	assert_string_equal(fmt(find(&s, "10.244.2.0/24")), "10.244.2.0/24 via 192.168.1.1 metric 20");
	assert_null(find(&s, "10.244.3.0/24"));
	route_set_free(&s);
}

static void test_both_families_into_one_set(void **state)
{
	struct route_set s;

	(void)state;
	route_set_init(&s);
	parse_fixture("frr/ipv4_unicast.json", &s);
	parse_fixture("frr/ipv6_unicast.json", &s);
	assert_int_equal(s.n, 10);
	assert_int_equal(s.routes[0].dst.addr.family, AF_INET);
	assert_int_equal(s.routes[9].dst.addr.family, AF_INET6);
	route_set_free(&s);
}

static void test_link_local_resolved_from_peers(void **state)
{
	struct route_set s;
	struct bgp_peers peers = { 0 };
	char err[256];
	size_t len;
	char *json = load("frr/neighbors.json", &len);

	(void)state;
	route_set_init(&s);
	parse_fixture("frr/ipv4_unicast.json", &s);
	parse_fixture("frr/ipv6_unicast.json", &s);
	assert_int_equal(bgp_peers_parse(json, len, &peers, err, sizeof(err)), 0);
	assert_int_equal(bgp_peers_resolve_ifnames(&peers, &s), 0);
	const struct bgp_peer *e3 = bgp_peers_find(&peers, "e3");
	assert_non_null(e3);
	const struct route *r = find(&s, "10.244.4.0/24");
	assert_string_equal(r->nh[0].ifname, "e3");
	assert_true(ip_addr_equal(&r->nh[0].gw, &e3->addr));
	r = find(&s, "fd00:10:244:4::/64");
	assert_string_equal(r->nh[0].ifname, "e3");
	/* Global next hops are left alone. */
	assert_string_equal(find(&s, "fd00:10:244:3::/64")->nh[0].ifname, "");
	/* Without the peer, the next hop stays unresolved and is counted. */
	r = find(&s, "10.244.4.0/24");
	((struct route *)r)->nh[0].ifname[0] = '\0';
	peers.n = 0;
	assert_int_equal(bgp_peers_resolve_ifnames(&peers, &s), 1);
	bgp_peers_free(&peers);
	free(json);
	route_set_free(&s);
}

static void test_versions(void **state)
{
	static const char *const files[] = { "frr/ipv4_summary.json", "frr/ipv6_summary.json" };
	char err[256];
	uint64_t v, full;
	size_t len;
	char *json;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		json = load(files[i], &len);
		assert_int_equal(bgp_rib_parse_version(json, len, &v, err, sizeof(err)), 0);
		assert_true(v > 0);
		free(json);
	}
	/* The summary's version is the full table's (captured moments apart). */
	json = load("frr/ipv4_summary.json", &len);
	assert_int_equal(bgp_rib_parse_version(json, len, &v, err, sizeof(err)), 0);
	free(json);
	json = load("frr/ipv4_unicast.json", &len);
	assert_int_equal(bgp_rib_parse_version(json, len, &full, err, sizeof(err)), 0);
	free(json);
	assert_int_equal(v, full);
	/* Per-peer "tableVersion": 0 inside the summary must not be taken. */
	const char *nested = "{\"peers\":{\"x\":{\"tableVersion\":0}},\"tableVersion\":42}";
	assert_int_equal(bgp_rib_parse_version(nested, strlen(nested), &v, err, sizeof(err)), 0);
	assert_int_equal(v, 42);
}

/* bgpd running without `router bgp`: no routes, version 0, not an error. */
static void test_no_instance(void **state)
{
	struct route_set s;
	struct bgp_rib_stats st;
	char err[256];
	uint64_t v = 99;
	size_t len;
	char *json;

	(void)state;
	route_set_init(&s);
	st = parse_fixture("frr/no_instance_ipv4_unicast.json", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(st.prefixes, 0);
	json = load("frr/no_instance_summary.json", &len);
	assert_int_equal(bgp_rib_parse_version(json, len, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
	free(json);
	route_set_free(&s);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"routes\":", "{\"routes\":{\"10.0.0.0/24\":[{]}}",
		"{\"tableVersion\":-1}", "{\"routes\":{}} trailing", "{\"a\":\"unterminated}",
		"{\"k\\u0041\":1}",
	};
	struct route_set s;
	char err[256];
	uint64_t v;

	(void)state;
	route_set_init(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (bgp_rib_parse(bad[i], strlen(bad[i]), &s, NULL, err, sizeof(err)) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(strstr(err, "invalid JSON at byte"));
	}
	assert_int_equal(bgp_rib_parse_version("{\"tableVersion\":x}", 18, &v, err, sizeof(err)), -1);
	/* Not NUL-terminated: the length is what counts. */
	assert_int_equal(bgp_rib_parse("{}garbage", 2, &s, NULL, err, sizeof(err)), 0);
	route_set_free(&s);
}

/* Odd but valid shapes: bad prefix keys and paths without usable next hops
 * are skipped and counted, not fatal. */
static void test_skips_unusable(void **state)
{
	const char *json =
		"{\"routes\":{"
		"\"not-a-prefix\":[{\"valid\":true,\"bestpath\":true,\"peerId\":\"1.1.1.1\","
		"\"nexthops\":[{\"ip\":\"1.1.1.1\"}]}],"
		"\"10.244.7.0/24\":[{\"valid\":true,\"bestpath\":true,\"peerId\":\"1.1.1.1\","
		"\"nexthops\":[{\"ip\":\"0.0.0.0\"}]}],"
		"\"10.244.8.0/24\":[{\"valid\":true,\"peerId\":\"1.1.1.1\","
		"\"nexthops\":[{\"ip\":\"1.1.1.1\"}]}],"
		"\"10.244.9.0/24\":[{\"valid\":true,\"bestpath\":true,\"peerId\":\"1.1.1.1\","
		"\"nexthops\":[{\"ip\":\"fe80::1\",\"used\":true},{\"ip\":\"fd00::1\"}]},"
		"{\"valid\":true,\"multipath\":true,\"peerId\":\"1.1.1.2\",\"nexthops\":[{\"ip\":\"fd00::1\"}]},"
		"{\"valid\":false,\"multipath\":true,\"peerId\":\"1.1.1.3\",\"nexthops\":[{\"ip\":\"fd00::3\"}]}]"
		"}}";
	struct route_set s;
	struct bgp_rib_stats st;
	char err[256];

	(void)state;
	route_set_init(&s);
	assert_int_equal(bgp_rib_parse(json, strlen(json), &s, &st, err, sizeof(err)), 0);
	assert_int_equal(st.prefixes, 4);
	assert_int_equal(st.no_best, 1);   /* 10.244.8.0/24 */
	assert_int_equal(st.bad_paths, 2); /* the bad key, next hop 0.0.0.0 */
	assert_int_equal(s.n, 1);
	/* The global address wins over the link-local one; the duplicate and the
	 * invalid path add nothing. */
	assert_string_equal(fmt(&s.routes[0]), "10.244.9.0/24 via fd00::1 metric 20");
	route_set_free(&s);
}

/* Every truncation of real answers is refused cleanly (no crash, no read
 * past the length: the sanitizer build checks that). */
static void test_truncations(void **state)
{
	static const char *const files[] = { "frr/ipv4_unicast.json", "frr/ipv6_unicast.json",
					      "frr/neighbors.json", "frr/ipv4_summary.json" };
	struct route_set s;
	struct bgp_peers peers = { 0 };
	char err[256];
	uint64_t v;

	(void)state;
	route_set_init(&s);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		char *json = load(files[f], &len);

		while (len > 0 && (json[len - 1] == '\n' || json[len - 1] == ' '))
			len--;
		for (size_t cut = 0; cut < len; cut++) {
			char *copy = malloc(cut ? cut : 1);

			memcpy(copy, json, cut);
			route_set_clear(&s);
			if (bgp_rib_parse(copy, cut, &s, NULL, err, sizeof(err)) == 0 ||
			    bgp_rib_parse_version(copy, cut, &v, err, sizeof(err)) == 0 ||
			    bgp_peers_parse(copy, cut, &peers, err, sizeof(err)) == 0)
				fail_msg("%s cut at %zu bytes was accepted", files[f], cut);
			free(copy);
		}
		free(json);
	}
	route_set_free(&s);
	bgp_peers_free(&peers);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* 10,000 prefixes in FRR 8.4's layout (one path each, every 10th with a
 * second, multipath one): all parsed; prints the time (a figure, not a test). */
static void test_ten_thousand_prefixes(void **state)
{
	static const char path_fmt[] =
		"{\"valid\":true,%s\"pathFrom\":\"external\",\"prefix\":\"10.%d.%d.0\","
		"\"prefixLen\":24,\"network\":\"10.%d.%d.0\\/24\",\"version\":%d,\"metric\":0,"
		"\"weight\":0,\"peerId\":\"%s\",\"path\":\"65000\",\"origin\":\"IGP\","
		"\"nexthops\":[{\"ip\":\"%s\",\"hostname\":\"t1\",\"afi\":\"ipv4\",\"used\":true}]}";
	size_t cap = 8u << 20, len = 0;
	char *json = malloc(cap);
	struct route_set s;
	struct bgp_rib_stats st;
	char err[256];
	double t0;

	(void)state;
	route_set_init(&s);
	len += (size_t)snprintf(json + len, cap - len,
				"{\n \"vrfId\": 0,\n \"tableVersion\": 10000,\n \"routes\": { ");
	for (int i = 0; i < 10000; i++) {
		int a = 100 + i / 256, b = i % 256;

		len += (size_t)snprintf(json + len, cap - len, "%s\"10.%d.%d.0/24\": [", i ? "," : "", a, b);
		len += (size_t)snprintf(json + len, cap - len, path_fmt, "\"bestpath\":true,", a, b, a, b,
					i, "192.168.1.1", "192.168.1.1");
		if (i % 10 == 0)
			len += (size_t)snprintf(json + len, cap - len, ",");
		if (i % 10 == 0)
			len += (size_t)snprintf(json + len, cap - len, path_fmt, "\"multipath\":true,", a,
						b, a, b, i, "192.168.2.1", "192.168.2.1");
		len += (size_t)snprintf(json + len, cap - len, "]");
	}
	len += (size_t)snprintf(json + len, cap - len, " }  }\n");
	assert_true(len < cap - 1);
	t0 = now_ms();
	assert_int_equal(bgp_rib_parse(json, len, &s, &st, err, sizeof(err)), 0);
	route_set_sort(&s);
	fprintf(stderr, "# bgp_rib: %zu prefixes (%zu bytes) parsed in %.1f ms\n", st.prefixes, len,
		now_ms() - t0);
	assert_int_equal(st.routes, 10000);
	assert_int_equal(s.n, 10000);
	assert_int_equal(st.table_version, 10000);
	size_t ecmp = 0;
	for (size_t i = 0; i < s.n; i++)
		ecmp += s.routes[i].n_nh == 2;
	assert_int_equal(ecmp, 1000);
	route_set_free(&s);
	free(json);
}

/* --- one prefix's answer (`show bgp ... PREFIX json`) --------------- */

static struct bgp_rib_stats parse_prefix_fixture(const char *name, struct route_set *s)
{
	struct bgp_rib_stats st;
	char err[256] = "";
	size_t len;
	char *json = load(name, &len);

	if (bgp_rib_parse_prefix(json, len, s, &st, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(json);
	route_set_sort(s);
	return st;
}

/* The same rules as the full table: best path + multipath next hops. */
static void test_prefix_ecmp(void **state)
{
	struct route_set s, full;
	struct bgp_rib_stats st;

	(void)state;
	route_set_init(&s);
	route_set_init(&full);
	st = parse_prefix_fixture("frr/prefix_ipv4_ecmp.json", &s);
	assert_int_equal(st.prefixes, 1);
	assert_int_equal(st.routes, 1);
	assert_int_equal(s.n, 1);
	assert_string_equal(fmt(&s.routes[0]), "10.244.2.0/24 via 192.168.1.1, via 192.168.2.1 metric 20");
	parse_fixture("frr/ipv4_unicast.json", &full);
	assert_true(route_equal(&s.routes[0], find(&full, "10.244.2.0/24")));
	route_set_clear(&s);
	parse_prefix_fixture("frr/prefix_ipv6_ecmp.json", &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.routes[0].n_nh, 2);
	assert_int_equal(s.routes[0].dst.addr.family, AF_INET6);
	route_set_free(&s);
	route_set_free(&full);
}

/* multipath-relax: paths from two ASes (t1's, t3's over the unnumbered
 * session); the relaxed one carries a "bestpath" object without "overall" and
 * must not count as best. */
static void test_prefix_multipath_relax(void **state)
{
	struct route_set s;
	const struct route *r;
	size_t ll = 0;

	(void)state;
	route_set_init(&s);
	parse_prefix_fixture("frr/prefix_ipv4_relax.json", &s);
	assert_int_equal(s.n, 1);
	r = &s.routes[0];
	assert_int_equal(r->n_nh, 2);
	for (size_t i = 0; i < r->n_nh; i++) {
		if (r->nh[i].gw.family == AF_INET6) {
			ll++;
			assert_string_equal(r->nh[i].ifname, "e3");
		}
	}
	assert_int_equal(ll, 1);
	route_set_free(&s);
}

/* RFC 5549 over an unnumbered session: bgpd names the interface per prefix,
 * so no peers table is needed to complete the next hop. */
static void test_prefix_unnumbered(void **state)
{
	struct route_set s;
	const char *names[] = { "frr/prefix_ipv4_unnumbered.json", "frr/prefix_ipv6_unnumbered.json" };

	(void)state;
	route_set_init(&s);
	for (size_t i = 0; i < 2; i++) {
		route_set_clear(&s);
		parse_prefix_fixture(names[i], &s);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.routes[0].n_nh, 1);
		assert_int_equal(s.routes[0].nh[0].gw.family, AF_INET6);
		assert_true(IN6_IS_ADDR_LINKLOCAL(&s.routes[0].nh[0].gw.u.v6));
		assert_string_equal(s.routes[0].nh[0].ifname, "e3");
	}
	route_set_free(&s);
}

static void test_prefix_no_route(void **state)
{
	struct route_set s;
	struct bgp_rib_stats st;

	(void)state;
	route_set_init(&s);
	/* Not in bgpd's table at all: "{}". */
	st = parse_prefix_fixture("frr/prefix_ipv4_not_found.json", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(st.prefixes, 0);
	/* One path, not valid (its next hop unreachable): no best path. */
	st = parse_prefix_fixture("frr/prefix_ipv4_no_best.json", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(st.prefixes, 1);
	assert_int_equal(st.no_best, 1);
	/* Our own network is best: not learned. */
	st = parse_prefix_fixture("frr/prefix_ipv4_local.json", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(st.local, 1);
	route_set_free(&s);
}

static void test_prefix_malformed(void **state)
{
	static const char *const bad[] = { "", "{", "[]", "{\"paths\":{}}",
					   "{\"prefix\":\"10.1.0.0/16\",\"paths\":[{\"bestpath\":{\"overall\":}}]}",
					   "{\"prefix\":\"10.1.0.0/16\",\"paths\":[]} x" };
	struct route_set s;
	char err[256];

	(void)state;
	route_set_init(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(bgp_rib_parse_prefix(bad[i], strlen(bad[i]), &s, NULL, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	route_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_table),
		cmocka_unit_test(test_ipv6_table),
		cmocka_unit_test(test_local_best_path_skipped),
		cmocka_unit_test(test_one_peer_down),
		cmocka_unit_test(test_both_families_into_one_set),
		cmocka_unit_test(test_link_local_resolved_from_peers),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_no_instance),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_skips_unusable),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_ten_thousand_prefixes),
		cmocka_unit_test(test_prefix_ecmp),
		cmocka_unit_test(test_prefix_multipath_relax),
		cmocka_unit_test(test_prefix_unnumbered),
		cmocka_unit_test(test_prefix_no_route),
		cmocka_unit_test(test_prefix_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
