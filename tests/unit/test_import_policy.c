/* import_policy: a table of learned routes and the verdict each must get. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "import_policy.h"

static void parse_prefix(const char *s, struct prefix *p)
{
	char err[128];

	assert_int_equal(prefix_parse(s, p, PREFIX_STRICT, err, sizeof(err)), 0);
}

/* Node 192.168.1.11 with 10.244.1.0/24 + fd00:10:244:1::/64 in a cluster of
 * 10.244.0.0/16 + fd00:10:244::/48, node masks /24 and /64. */
static void make_config(struct agent_config *cfg)
{
	char err[128];

	memset(cfg, 0, sizeof(*cfg));
	assert_int_equal(ip_addr_parse("192.168.1.11", &cfg->node.address, err, sizeof(err)), 0);
	parse_prefix("10.244.1.0/24", &cfg->node.pod_cidrs[0]);
	parse_prefix("fd00:10:244:1::/64", &cfg->node.pod_cidrs[1]);
	cfg->node.n_pod_cidrs = 2;
	parse_prefix("10.244.0.0/16", &cfg->cluster.pod_cidrs[0]);
	parse_prefix("fd00:10:244::/48", &cfg->cluster.pod_cidrs[1]);
	cfg->cluster.n_pod_cidrs = 2;
	cfg->cluster.node_mask_v4 = 24;
	cfg->cluster.node_mask_v6 = 64;
}

struct nh_spec {
	const char *gw;
	const char *ifname;
};

struct policy_case {
	const char *dst;
	struct nh_spec nh[3];
	enum import_verdict verdict;
	size_t n_nh_after;
	const char *reason; /* substring of the reason; NULL: reason must be "" */
};

static const struct policy_case cases[] = {
	/* accepted */
	{ "10.244.2.0/24", { { "192.168.1.12", NULL } }, IMPORT_ACCEPT, 1, NULL },
	{ "10.244.2.0/24", { { "192.168.1.1", NULL }, { "192.168.2.1", NULL } }, IMPORT_ACCEPT, 2, NULL },
	{ "fd00:10:244:2::/64", { { "fd00:1::1", NULL } }, IMPORT_ACCEPT, 1, NULL },
	{ "fd00:10:244:4::/64", { { "fe80::1", "e3" } }, IMPORT_ACCEPT, 1, NULL },
	{ "10.244.4.0/24", { { "fe80::1", "e3" } }, IMPORT_ACCEPT, 1, NULL }, /* RFC 5549 */
	{ "10.244.255.0/24", { { "10.0.0.1", NULL } }, IMPORT_ACCEPT, 1, NULL },
	/* destination refused */
	{ "0.0.0.0/0", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 1, "default route" },
	{ "::/0", { { "fd00:1::1", NULL } }, IMPORT_REJECT, 1, "default route" },
	{ "10.245.0.0/24", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 1, "outside the cluster" },
	{ "10.0.0.0/8", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 1, "outside the cluster" },
	{ "fd00:10:245::/64", { { "fd00:1::1", NULL } }, IMPORT_REJECT, 1, "outside the cluster" },
	{ "10.244.5.0/25", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 1, "length /25, node mask /24" },
	{ "10.244.0.0/16", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 1, "length /16, node mask /24" },
	{ "fd00:10:244:2::/80", { { "fd00:1::1", NULL } }, IMPORT_REJECT, 1, "node mask /64" },
	{ "10.244.1.0/24", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 1,
	  "overlaps this node's own pod CIDR 10.244.1.0/24" },
	{ "fd00:10:244:1::/64", { { "fd00:1::1", NULL } }, IMPORT_REJECT, 1, "own pod CIDR" },
	/* next hops refused */
	{ "10.244.2.0/24", { { "0.0.0.0", NULL } }, IMPORT_REJECT, 0, "\"0.0.0.0\" is unspecified" },
	{ "fd00:10:244:2::/64", { { "::", NULL } }, IMPORT_REJECT, 0, "unspecified" },
	{ "10.244.2.0/24", { { "192.168.1.11", NULL } }, IMPORT_REJECT, 0, "node's own address" },
	{ "10.244.2.0/24", { { "127.0.0.1", NULL } }, IMPORT_REJECT, 0, "loopback" },
	{ "10.244.2.0/24", { { "224.0.0.5", NULL } }, IMPORT_REJECT, 0, "multicast" },
	{ "fd00:10:244:2::/64", { { "ff02::1", NULL } }, IMPORT_REJECT, 0, "multicast" },
	{ "fd00:10:244:2::/64", { { "::1", NULL } }, IMPORT_REJECT, 0, "loopback" },
	{ "10.244.2.0/24", { { "10.244.1.7", NULL } }, IMPORT_REJECT, 0, "own pod CIDR" },
	{ "fd00:10:244:2::/64", { { "192.168.1.1", NULL } }, IMPORT_REJECT, 0, "IPv4 for an IPv6" },
	{ "10.244.4.0/24", { { "fe80::1", NULL } }, IMPORT_REJECT, 0, "link-local without an interface" },
	{ "10.244.2.0/24", { { NULL, "e1" } }, IMPORT_REJECT, 0, "has no gateway" },
	{ "10.244.2.0/24", { { NULL, NULL } }, IMPORT_REJECT, 0, "without a next hop" },
	/* partially accepted: the bad next hop goes, the good one stays */
	{ "10.244.2.0/24", { { "192.168.1.1", NULL }, { "192.168.1.11", NULL } },
	  IMPORT_ACCEPT_PARTIAL, 1, "1 next hop(s) dropped: next hop \"192.168.1.11\"" },
	{ "10.244.2.0/24", { { "0.0.0.0", NULL }, { "192.168.2.1", NULL }, { "fe80::9", NULL } },
	  IMPORT_ACCEPT_PARTIAL, 1, "2 next hop(s) dropped" },
};

static void build_route(const struct policy_case *c, struct route *r)
{
	char err[128];

	memset(r, 0, sizeof(*r));
	parse_prefix(c->dst, &r->dst);
	r->metric = ROUTE_METRIC_LEARNED;
	for (size_t i = 0; i < 3 && (c->nh[i].gw || c->nh[i].ifname); i++) {
		struct nexthop *nh = &r->nh[r->n_nh++];

		if (c->nh[i].gw)
			assert_int_equal(ip_addr_parse(c->nh[i].gw, &nh->gw, err, sizeof(err)), 0);
		if (c->nh[i].ifname)
			snprintf(nh->ifname, sizeof(nh->ifname), "%s", c->nh[i].ifname);
	}
}

static void test_table(void **state)
{
	struct agent_config cfg;

	(void)state;
	make_config(&cfg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct policy_case *c = &cases[i];
		char reason[IMPORT_REASON_MAX];
		struct route r;
		enum import_verdict v;

		build_route(c, &r);
		v = import_policy_apply(&cfg, &r, reason, sizeof(reason));
		if (v != c->verdict || (c->reason && !strstr(reason, c->reason)) ||
		    (!c->reason && reason[0] != '\0') || (v != IMPORT_REJECT && r.n_nh != c->n_nh_after))
			fail_msg("case %zu (%s): verdict %d, reason \"%s\", %zu next hops", i, c->dst,
				 (int)v, reason, r.n_nh);
	}
}

static void test_resolved_ifindex_counts_as_interface(void **state)
{
	struct agent_config cfg;
	struct nexthop nh;
	char reason[IMPORT_REASON_MAX], err[64];

	(void)state;
	make_config(&cfg);
	memset(&nh, 0, sizeof(nh));
	assert_int_equal(ip_addr_parse("fe80::1", &nh.gw, err, sizeof(err)), 0);
	assert_false(import_policy_nexthop_ok(&cfg, AF_INET, &nh, reason, sizeof(reason)));
	nh.ifindex = 3;
	assert_true(import_policy_nexthop_ok(&cfg, AF_INET, &nh, reason, sizeof(reason)));
}

static void test_no_cluster_cidrs_rejects_everything(void **state)
{
	struct agent_config cfg;
	struct prefix p;
	char reason[IMPORT_REASON_MAX];

	(void)state;
	make_config(&cfg);
	cfg.cluster.n_pod_cidrs = 0;
	parse_prefix("10.244.2.0/24", &p);
	assert_false(import_policy_prefix_ok(&cfg, &p, reason, sizeof(reason)));
	assert_string_equal(reason, "10.244.2.0/24 is outside the cluster pod CIDRs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_resolved_ifindex_counts_as_interface),
		cmocka_unit_test(test_no_cluster_cidrs_rejects_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
