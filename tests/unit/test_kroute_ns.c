/* kroute against the real kernel, in a fresh network namespace of its own
 * (unshare(CLONE_NEWNET) at start; as non-root inside a new user namespace):
 * nothing here can touch the machine's own routes. veth links carry the
 * next hops. Also prints how long 10,000 routes take (a figure, not a test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kroute.h"

#define TABLE 254
#define PROTO 52
#define FOREIGN_PROTO 4 /* "static": another owner */

static struct nl_sock *helper_sk; /* for setting up the lab and checking it */

/* --- namespace and lab ------------------------------------------------ */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int enter_private_netns(void)
{
	char map[64];
	unsigned uid = getuid(), gid = getgid();

	if (geteuid() == 0)
		return unshare(CLONE_NEWNET);
	/* Unprivileged: a user namespace gives CAP_NET_ADMIN over the new netns. */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/setgroups", "deny") < 0 || write_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_file("/proc/self/gid_map", map);
}

static void set_link_flags(const char *name, bool up)
{
	struct rtnl_link *cur = NULL, *l = rtnl_link_alloc();

	assert_int_equal(rtnl_link_get_kernel(helper_sk, 0, name, &cur), 0);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	else
		rtnl_link_unset_flags(l, IFF_UP);
	assert_int_equal(rtnl_link_change(helper_sk, cur, l, 0), 0);
	rtnl_link_put(cur);
	rtnl_link_put(l);
}

static void add_address(const char *ifname, const char *cidr)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;

	assert_int_equal(nl_addr_parse(cidr, AF_UNSPEC, &local), 0);
	rtnl_addr_set_ifindex(a, (int)if_nametoindex(ifname));
	assert_int_equal(rtnl_addr_set_local(a, local), 0);
	rtnl_addr_set_flags(a, IFA_F_NODAD); /* usable at once */
	assert_int_equal(rtnl_addr_add(helper_sk, a, 0), 0);
	nl_addr_put(local);
	rtnl_addr_put(a);
}

static void setup_lab(void)
{
	assert_non_null(helper_sk = nl_socket_alloc());
	assert_int_equal(nl_connect(helper_sk, NETLINK_ROUTE), 0);
	/* veth pairs (this kernel has no dummy links), both ends up for carrier. */
	set_link_flags("lo", true);
	assert_int_equal(rtnl_link_veth_add(helper_sk, "d0", "d0p", getpid()), 0);
	assert_int_equal(rtnl_link_veth_add(helper_sk, "d1", "d1p", getpid()), 0);
	set_link_flags("d0", true);
	set_link_flags("d0p", true);
	set_link_flags("d1", true);
	set_link_flags("d1p", true);
	add_address("d0", "192.168.1.11/24");
	add_address("d0", "fd00:1::11/64");
	add_address("d1", "192.168.2.11/24");
	add_address("d1", "fd00:2::11/64");
}

/* A route as another owner (or an admin) writes it, with plain libnl. */
static void put_route_as(const char *dst, const char *gw, uint32_t table, uint8_t proto,
			 uint32_t metric, int flags)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = NULL, *g = NULL;

	assert_int_equal(nl_addr_parse(dst, AF_UNSPEC, &d), 0);
	assert_int_equal(nl_addr_parse(gw, AF_UNSPEC, &g), 0);
	rtnl_route_set_family(r, nl_addr_get_family(d));
	assert_int_equal(rtnl_route_set_dst(r, d), 0);
	rtnl_route_set_table(r, table);
	rtnl_route_set_protocol(r, proto);
	rtnl_route_set_priority(r, metric);
	rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(r, nh);
	assert_int_equal(rtnl_route_add(helper_sk, r, flags), 0);
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(r);
}

static void add_foreign_route(const char *dst, const char *gw, uint32_t table, uint8_t proto,
			      uint32_t metric)
{
	put_route_as(dst, gw, table, proto, metric, NLM_F_CREATE | NLM_F_EXCL);
}

/* `ip route replace DST via GW proto P`: as an admin would. */
static void replace_route_as(const char *dst, const char *gw, uint8_t proto)
{
	put_route_as(dst, gw, TABLE, proto, ROUTE_METRIC_LEARNED, NLM_F_CREATE | NLM_F_REPLACE);
}

/* Counts kernel routes to dst (any table, any protocol) with this protocol. */
static int count_kernel_routes(const char *dst, int proto)
{
	struct nl_cache *cache = NULL;
	struct nl_addr *want = NULL;
	struct nl_object *o;
	int n = 0;

	assert_int_equal(nl_addr_parse(dst, AF_UNSPEC, &want), 0);
	assert_int_equal(rtnl_route_alloc_cache(helper_sk, AF_UNSPEC, 0, &cache), 0);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;

		if (nl_addr_cmp(rtnl_route_get_dst(r), want) == 0 && rtnl_route_get_protocol(r) == proto)
			n++;
	}
	nl_cache_free(cache);
	nl_addr_put(want);
	return n;
}

/* --- nexthop objects (raw netlink: libnl 3.7 has no object for them) --- */

struct raw_dump {
	int type;               /* messages counted */
	int proto;              /* -1: any */
	bool groups;            /* nexthops: count groups (else members) */
	struct nl_addr *dst;    /* routes: the one whose RTA_NH_ID is wanted */
	uint32_t nh_id;
	int n;
};

static int on_raw(struct nl_msg *msg, void *arg)
{
	struct raw_dump *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[RTA_MAX + 1];

	if (h->nlmsg_type == RTM_NEWNEXTHOP && d->type == RTM_NEWNEXTHOP) {
		const struct nhmsg *nhm = nlmsg_data(h);

		assert_int_equal(nlmsg_parse(h, sizeof(*nhm), tb, NHA_MAX, NULL), 0);
		if ((d->proto < 0 || nhm->nh_protocol == d->proto) && (tb[NHA_GROUP] != NULL) == d->groups)
			d->n++;
	} else if (h->nlmsg_type == RTM_NEWROUTE && d->type == RTM_NEWROUTE) {
		const struct rtmsg *rtm = nlmsg_data(h);

		assert_int_equal(nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL), 0);
		if (rtm->rtm_protocol != PROTO || tb[RTA_DST] == NULL ||
		    rtm->rtm_dst_len != nl_addr_get_prefixlen(d->dst) ||
		    memcmp(nla_data(tb[RTA_DST]), nl_addr_get_binary_addr(d->dst),
			   nl_addr_get_len(d->dst)) != 0)
			return NL_OK;
		d->n++;
		d->nh_id = tb[RTA_NH_ID] ? nla_get_u32(tb[RTA_NH_ID]) : 0;
	}
	return NL_OK;
}

static void raw_dump(struct raw_dump *d, int family)
{
	struct nl_sock *sk = nl_socket_alloc();
	unsigned char hdr[sizeof(struct rtmsg)] = { 0 };

	hdr[0] = (unsigned char)family; /* rtm_family and nh_family come first */
	assert_int_equal(nl_connect(sk, NETLINK_ROUTE), 0);
	assert_true(nl_send_simple(sk, d->type == RTM_NEWNEXTHOP ? RTM_GETNEXTHOP : RTM_GETROUTE,
				   NLM_F_DUMP, hdr,
				   d->type == RTM_NEWNEXTHOP ? sizeof(struct nhmsg) : sizeof(struct rtmsg)) >= 0);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_raw, d);
	assert_int_equal(nl_recvmsgs_default(sk), 0);
	nl_socket_free(sk);
}

/* Nexthop objects of a protocol (-1: any): groups, or member next hops. */
static int count_objects(int proto, bool groups)
{
	struct raw_dump d = { .type = RTM_NEWNEXTHOP, .proto = proto, .groups = groups };

	raw_dump(&d, AF_UNSPEC);
	return d.n;
}

/* The nexthop object our route to dst points at (0: inline next hops). */
static uint32_t route_nh_id(const char *dst)
{
	struct raw_dump d = { .type = RTM_NEWROUTE };

	assert_int_equal(nl_addr_parse(dst, AF_UNSPEC, &d.dst), 0);
	raw_dump(&d, nl_addr_get_family(d.dst));
	nl_addr_put(d.dst);
	assert_int_equal(d.n, 1);
	return d.nh_id;
}

/* Another owner's nexthop object (proto 4), as `ip nexthop add` makes it. */
static void add_foreign_nexthop(uint32_t id, const char *gw, const char *dev)
{
	struct nhmsg nhm = { .nh_family = AF_INET, .nh_protocol = FOREIGN_PROTO };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_EXCL);
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, gw, &a), 1);
	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_u32(msg, NHA_ID, id), 0);
	assert_int_equal(nla_put_u32(msg, NHA_OIF, if_nametoindex(dev)), 0);
	assert_int_equal(nla_put(msg, NHA_GATEWAY, 4, &a), 0);
	assert_true(nl_send_auto(helper_sk, msg) >= 0);
	assert_int_equal(nl_wait_for_ack(helper_sk), 0);
	nlmsg_free(msg);
}

/* `ip nexthop del id ID`, as an admin would. */
static void delete_nexthop(uint32_t id)
{
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELNEXTHOP, 0);

	assert_true(id != 0);
	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_u32(msg, NHA_ID, id), 0);
	assert_true(nl_send_auto(helper_sk, msg) >= 0);
	assert_int_equal(nl_wait_for_ack(helper_sk), 0);
	nlmsg_free(msg);
}

/* --- routes ----------------------------------------------------------- */

/* R("10.244.2.0/24", "192.168.1.1", NULL), R("10.244.4.0/24", "fe80::1%d0", NULL) */
static struct route R(const char *dst, ...)
{
	struct route r;
	const char *gw;
	char err[128];
	va_list ap;

	memset(&r, 0, sizeof(r));
	assert_int_equal(prefix_parse(dst, &r.dst, PREFIX_STRICT, err, sizeof(err)), 0);
	r.metric = ROUTE_METRIC_LEARNED;
	va_start(ap, dst);
	while ((gw = va_arg(ap, const char *)) != NULL) {
		struct nexthop nh;
		char addr[64];
		const char *pct = strchr(gw, '%');

		memset(&nh, 0, sizeof(nh));
		snprintf(addr, sizeof(addr), "%.*s", pct ? (int)(pct - gw) : (int)strlen(gw), gw);
		assert_int_equal(ip_addr_parse(addr, &nh.gw, err, sizeof(err)), 0);
		if (pct)
			snprintf(nh.ifname, sizeof(nh.ifname), "%s", pct + 1);
		assert_int_equal(route_add_nexthop(&r, &nh), 0);
	}
	va_end(ap);
	route_canonicalize(&r);
	return r;
}

static struct kroute *kr;

static const struct route *dumped(struct route_set *s, const char *dst)
{
	struct prefix p;
	char err[128];

	assert_int_equal(kroute_dump(kr, s), KROUTE_OK);
	assert_int_equal(prefix_parse(dst, &p, PREFIX_STRICT, err, sizeof(err)), 0);
	return route_set_find(s, &p);
}

/* Installs r, dumps, and checks the kernel gives back exactly r. */
static void round_trip(struct route r)
{
	struct route_set s;
	char want[ROUTE_STRLEN], got[ROUTE_STRLEN], dst[PREFIX_STRLEN];
	const struct route *k;

	route_set_init(&s);
	assert_int_equal(kroute_replace(kr, &r), KROUTE_OK);
	k = dumped(&s, prefix_format(&r.dst, dst, sizeof(dst)));
	if (k == NULL || !route_equal(k, &r))
		fail_msg("installed \"%s\", dumped \"%s\"", route_format(&r, want, sizeof(want)),
			 k ? route_format(k, got, sizeof(got)) : "(nothing)");
	route_set_free(&s);
}

static void test_replace_ipv4_and_ecmp(void **state)
{
	struct route_set s;

	(void)state;
	route_set_init(&s);
	round_trip(R("10.244.2.0/24", "192.168.1.1", NULL));
	round_trip(R("10.244.2.0/24", "192.168.1.1", "192.168.2.1", NULL)); /* grows to ECMP */
	round_trip(R("10.244.2.0/24", "192.168.2.1", NULL));                /* shrinks, moves */
	round_trip(R("10.244.3.0/24", "192.168.1.1", "192.168.1.2", "192.168.2.1", NULL));
	assert_int_equal(count_kernel_routes("10.244.2.0/24", PROTO), 1); /* replaced in place */
	route_set_free(&s);
}

static void test_replace_ipv6_and_ecmp(void **state)
{
	(void)state;
	round_trip(R("fd00:10:244:2::/64", "fd00:1::1", NULL));
	round_trip(R("fd00:10:244:2::/64", "fd00:1::1", "fd00:2::1", NULL));
	round_trip(R("fd00:10:244:2::/64", "fd00:2::1", NULL));
	round_trip(R("fd00:10:244:3::/64", "fe80::1%d0", "fe80::2%d1", NULL));
	assert_int_equal(count_kernel_routes("fd00:10:244:2::/64", PROTO), 1);
}

/* BGP unnumbered: IPv4 routes through an IPv6 link-local next hop (RTA_VIA). */
static void test_rfc5549(void **state)
{
	(void)state;
	round_trip(R("10.244.4.0/24", "fe80::1%d0", NULL));
	round_trip(R("10.244.5.0/24", "fe80::1%d0", "fe80::2%d1", NULL));
	round_trip(R("10.244.5.0/24", "fe80::1%d0", "192.168.1.1", NULL)); /* mixed */
}

static void test_anchor(void **state)
{
	struct route_set s;
	struct prefix p4, p6;
	const struct route *k;
	char err[128];

	(void)state;
	route_set_init(&s);
	assert_int_equal(prefix_parse("10.244.1.0/24", &p4, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_int_equal(prefix_parse("fd00:10:244:1::/64", &p6, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_int_equal(kroute_anchor_install(kr, &p4), KROUTE_OK);
	assert_int_equal(kroute_anchor_install(kr, &p6), KROUTE_OK);
	assert_int_equal(kroute_anchor_install(kr, &p4), KROUTE_OK); /* idempotent */
	k = dumped(&s, "10.244.1.0/24");
	assert_non_null(k);
	assert_int_equal(k->type, ROUTE_UNREACHABLE);
	assert_int_equal(k->metric, ROUTE_METRIC_ANCHOR);
	assert_int_equal(k->n_nh, 0);
	k = dumped(&s, "fd00:10:244:1::/64");
	assert_non_null(k);
	assert_int_equal(k->type, ROUTE_UNREACHABLE);
	/* The bridge's connected route (metric 0) coexists with the anchor. */
	add_address("d1", "10.244.1.1/24");
	assert_int_equal(count_kernel_routes("10.244.1.0/24", RTPROT_KERNEL), 1);
	assert_int_equal(count_kernel_routes("10.244.1.0/24", PROTO), 1);
	assert_int_equal(kroute_anchor_remove(kr, &p4), KROUTE_OK);
	assert_int_equal(kroute_anchor_remove(kr, &p6), KROUTE_OK);
	assert_int_equal(kroute_anchor_remove(kr, &p6), KROUTE_OK); /* already gone: fine */
	assert_null(dumped(&s, "10.244.1.0/24"));
	assert_null(dumped(&s, "fd00:10:244:1::/64"));
	assert_int_equal(count_kernel_routes("10.244.1.0/24", RTPROT_KERNEL), 1); /* untouched */
	route_set_free(&s);
}

/* Routes of other protocols or other tables: never dumped, never deleted,
 * never overwritten. */
static void test_other_owners_untouched(void **state)
{
	struct route_set s;
	struct route r = R("10.244.50.0/24", "192.168.1.1", NULL);
	struct route_op add = { ROUTE_OP_ADD, &r };
	int result = 0;

	(void)state;
	route_set_init(&s);
	add_foreign_route("10.244.50.0/24", "192.168.1.1", TABLE, FOREIGN_PROTO, ROUTE_METRIC_LEARNED);
	add_foreign_route("fd00:10:244:50::/64", "fd00:1::1", TABLE, FOREIGN_PROTO,
			  ROUTE_METRIC_LEARNED);
	add_foreign_route("10.244.51.0/24", "192.168.1.1", 100, PROTO, ROUTE_METRIC_LEARNED);
	assert_null(dumped(&s, "10.244.50.0/24"));
	assert_null(dumped(&s, "fd00:10:244:50::/64"));
	assert_null(dumped(&s, "10.244.51.0/24"));
	/* Deleting "our" route there: the kernel finds none of our protocol. */
	assert_int_equal(kroute_delete(kr, &r), KROUTE_OK);
	struct route r6 = R("fd00:10:244:50::/64", "fd00:1::1", NULL);
	assert_int_equal(kroute_delete(kr, &r6), KROUTE_OK);
	struct route r51 = R("10.244.51.0/24", "192.168.1.1", NULL);
	assert_int_equal(kroute_delete(kr, &r51), KROUTE_OK);
	assert_int_equal(count_kernel_routes("10.244.50.0/24", FOREIGN_PROTO), 1);
	assert_int_equal(count_kernel_routes("fd00:10:244:50::/64", FOREIGN_PROTO), 1);
	assert_int_equal(count_kernel_routes("10.244.51.0/24", PROTO), 1); /* table 100 */
	/* Adding where another owner has the same destination and metric fails. */
	assert_int_equal(kroute_apply(kr, &add, 1, &result), 1);
	assert_int_equal(result, KROUTE_ERR_KERNEL);
	assert_int_equal(count_kernel_routes("10.244.50.0/24", FOREIGN_PROTO), 1);
	assert_int_equal(count_kernel_routes("10.244.50.0/24", PROTO), 0);
	route_set_free(&s);
}

static void test_delete_and_errors(void **state)
{
	struct route_set s;
	struct route bad_gw = R("10.244.9.0/24", "172.16.0.1", NULL); /* not on any link */
	struct route bad_if = R("10.244.10.0/24", "fe80::1%nosuchif", NULL);
	struct route ll_no_if = R("10.244.11.0/24", "fe80::1", NULL);
	struct route ok = R("10.244.12.0/24", "192.168.1.1", NULL);
	struct route_op ops[] = {
		{ ROUTE_OP_REPLACE, &bad_gw }, { ROUTE_OP_REPLACE, &bad_if },
		{ ROUTE_OP_REPLACE, &ll_no_if }, { ROUTE_OP_REPLACE, &ok },
	};
	int results[4];

	(void)state;
	route_set_init(&s);
	/* One batch: the failures are reported one by one, the good one is applied. */
	assert_int_equal(kroute_apply(kr, ops, 4, results), 3);
	assert_int_equal(results[0], KROUTE_ERR_KERNEL);
	assert_int_equal(results[1], KROUTE_ERR_ARG);
	assert_int_equal(results[2], KROUTE_ERR_ARG);
	assert_int_equal(results[3], KROUTE_OK);
	assert_non_null(dumped(&s, "10.244.12.0/24"));
	assert_null(dumped(&s, "10.244.9.0/24"));
	/* Delete everything we own. */
	assert_int_equal(kroute_dump(kr, &s), KROUTE_OK);
	assert_true(s.n > 0);
	struct route_op *del = calloc(s.n, sizeof(*del));
	for (size_t i = 0; i < s.n; i++)
		del[i] = (struct route_op){ ROUTE_OP_DELETE, &s.routes[i] };
	assert_int_equal(kroute_apply(kr, del, s.n, NULL), 0);
	free(del);
	assert_int_equal(kroute_dump(kr, &s), KROUTE_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(count_kernel_routes("10.244.50.0/24", FOREIGN_PROTO), 1);
	route_set_free(&s);
}

static void apply_ok(enum route_op_kind kind, const struct route *rs, size_t n)
{
	struct route_op ops[8];

	for (size_t i = 0; i < n; i++)
		ops[i] = (struct route_op){ kind, &rs[i] };
	assert_int_equal(kroute_apply(kr, ops, n, NULL), 0);
}

static const char *groups_status(struct kroute *k)
{
	static char buf[256];

	return kroute_nexthop_groups_status(k, buf, sizeof(buf));
}

/* Routes with the same next-hop set share one group; one next hop is a
 * member object of its own; the dump shows the next hops; a next hop going
 * away changes the group in place (the routes stay, on the same group) and
 * removes the route whose only next hop it was; a REPLACE asking for what
 * a route already has then sends nothing; unused objects are deleted. */
static void test_nexthop_groups(void **state)
{
	struct route rs[] = {
		R("10.244.60.0/24", "192.168.1.1", "192.168.2.1", NULL),
		R("10.244.61.0/24", "192.168.1.1", "192.168.2.1", NULL),
		R("10.244.62.0/24", "192.168.1.1", NULL),
		R("fd00:10:244:60::/64", "fd00:1::1", "fd00:2::1", NULL),
	};
	struct route after = R("10.244.60.0/24", "192.168.2.1", NULL);
	struct nexthop gone = { 0 };
	struct route_set s;
	uint32_t g;
	char err[64];
	const struct route *k;

	(void)state;
	route_set_init(&s);
	apply_ok(ROUTE_OP_REPLACE, rs, 4);
	g = route_nh_id("10.244.60.0/24");
	assert_true(g != 0);
	assert_int_equal(route_nh_id("10.244.61.0/24"), g);
	assert_true(route_nh_id("10.244.62.0/24") != 0);
	assert_true(route_nh_id("10.244.62.0/24") != g);
	assert_true(route_nh_id("fd00:10:244:60::/64") != 0);
	assert_int_equal(count_objects(PROTO, true), 2);  /* v4 pair, v6 pair */
	assert_int_equal(count_objects(PROTO, false), 4); /* their members */
	assert_string_equal(groups_status(kr), "in use (2 groups, 4 next hops)");
	k = dumped(&s, "10.244.60.0/24");
	assert_non_null(k);
	assert_true(route_equal(k, &rs[0]));
	/* 192.168.1.1 goes away: one request. */
	assert_int_equal(ip_addr_parse("192.168.1.1", &gone.gw, err, sizeof(err)), 0);
	assert_int_equal(kroute_nexthop_gone(kr, &gone), 1);
	assert_int_equal(route_nh_id("10.244.60.0/24"), g);
	assert_int_equal(route_nh_id("10.244.61.0/24"), g);
	assert_int_equal(count_kernel_routes("10.244.62.0/24", PROTO), 0);
	k = dumped(&s, "10.244.61.0/24");
	assert_non_null(k);
	assert_int_equal(k->n_nh, 1);
	after.dst = k->dst;
	assert_true(route_equal(k, &after));
	after.dst = rs[0].dst;
	apply_ok(ROUTE_OP_REPLACE, &after, 1);
	assert_int_equal(route_nh_id("10.244.60.0/24"), g); /* not rewritten */
	apply_ok(ROUTE_OP_DELETE, rs, 4);
	assert_int_equal(count_objects(PROTO, true), 0);
	assert_int_equal(count_objects(PROTO, false), 0);
	route_set_free(&s);
}

/* Every route of a group moving to one same set (a peer gone, then back):
 * the group changes in place, the routes stay on it. */
static void test_nexthop_group_moves_in_place(void **state)
{
	struct route both[] = {
		R("10.244.70.0/24", "192.168.1.1", "192.168.2.1", NULL),
		R("10.244.71.0/24", "192.168.1.1", "192.168.2.1", NULL),
	};
	struct route one[] = {
		R("10.244.70.0/24", "192.168.2.1", NULL),
		R("10.244.71.0/24", "192.168.2.1", NULL),
	};
	uint32_t g;

	(void)state;
	apply_ok(ROUTE_OP_REPLACE, both, 2);
	g = route_nh_id("10.244.70.0/24");
	apply_ok(ROUTE_OP_REPLACE, one, 2);
	assert_int_equal(route_nh_id("10.244.70.0/24"), g);
	assert_int_equal(route_nh_id("10.244.71.0/24"), g);
	assert_int_equal(count_objects(PROTO, true), 1);
	assert_int_equal(count_objects(PROTO, false), 1); /* 192.168.1.1 deleted */
	apply_ok(ROUTE_OP_REPLACE, both, 2);
	assert_int_equal(route_nh_id("10.244.71.0/24"), g);
	assert_int_equal(count_objects(PROTO, false), 2);
	/* Only one of them moving: that route moves, the group stays. */
	apply_ok(ROUTE_OP_REPLACE, one, 1);
	assert_true(route_nh_id("10.244.70.0/24") != g);
	assert_int_equal(route_nh_id("10.244.71.0/24"), g);
	apply_ok(ROUTE_OP_DELETE, both, 2);
	assert_int_equal(count_objects(PROTO, true) + count_objects(PROTO, false), 0);
}

/* A restarted agent reads the objects back: the same routes need no change,
 * and objects no route uses are deleted by its first apply. */
static void test_nexthop_groups_adopted(void **state)
{
	struct route rs[] = {
		R("10.244.63.0/24", "192.168.1.1", "192.168.2.1", NULL),
		R("10.244.64.0/24", "192.168.2.1", NULL),
	};
	struct route other = R("10.244.65.0/24", "192.168.1.1", NULL);
	struct kroute *again;
	struct route_set s;
	uint32_t g;

	(void)state;
	route_set_init(&s);
	apply_ok(ROUTE_OP_REPLACE, rs, 2);
	g = route_nh_id("10.244.63.0/24");
	assert_int_equal(kroute_open(&again, TABLE, PROTO), KROUTE_OK);
	assert_int_equal(kroute_dump(again, &s), KROUTE_OK);
	assert_non_null(route_set_find(&s, &rs[0].dst));
	assert_true(route_equal(route_set_find(&s, &rs[0].dst), &rs[0]));
	struct route_op rep = { ROUTE_OP_REPLACE, &rs[0] };
	assert_int_equal(kroute_apply(again, &rep, 1, NULL), 0);
	assert_int_equal(route_nh_id("10.244.63.0/24"), g); /* adopted, not rebuilt */
	/* The group loses its last route: deleted, its members stay in use. */
	struct route_op del = { ROUTE_OP_DELETE, &rs[0] }, add = { ROUTE_OP_ADD, &other };
	assert_int_equal(kroute_apply(again, &del, 1, NULL), 0);
	assert_int_equal(count_objects(PROTO, true), 0);
	assert_int_equal(count_objects(PROTO, false), 1); /* 192.168.2.1 of .64 */
	assert_int_equal(kroute_apply(again, &add, 1, NULL), 0);
	assert_int_equal(count_objects(PROTO, false), 2);
	struct route_op dels[] = { { ROUTE_OP_DELETE, &rs[1] }, { ROUTE_OP_DELETE, &other } };
	assert_int_equal(kroute_apply(again, dels, 2, NULL), 0);
	assert_int_equal(count_objects(PROTO, false), 0);
	kroute_close(again);
	assert_int_equal(kroute_dump(kr, &s), KROUTE_OK); /* kr re-reads what "again" changed */
	route_set_free(&s);
}

/* Another owner's objects, even with the ids we would pick, are never
 * changed or deleted; our own go elsewhere. */
static void test_nexthop_groups_foreign(void **state)
{
	struct route r = R("10.244.66.0/24", "192.168.1.1", "192.168.2.1", NULL);
	struct kroute *fresh;
	uint32_t g;

	(void)state;
	assert_int_equal(kroute_open(&fresh, TABLE, PROTO), KROUTE_OK); /* ids from 1 */
	add_foreign_nexthop(1, "192.168.1.1", "d0");
	add_foreign_nexthop(2, "192.168.2.1", "d1");
	struct route_op add = { ROUTE_OP_ADD, &r };
	assert_int_equal(kroute_apply(fresh, &add, 1, NULL), 0);
	g = route_nh_id("10.244.66.0/24");
	assert_true(g > 2);
	assert_int_equal(count_objects(FOREIGN_PROTO, false), 2);
	struct route_op del = { ROUTE_OP_DELETE, &r };
	assert_int_equal(kroute_apply(fresh, &del, 1, NULL), 0);
	assert_int_equal(count_objects(PROTO, false) + count_objects(PROTO, true), 0);
	assert_int_equal(count_objects(FOREIGN_PROTO, false), 2);
	kroute_close(fresh);
}

/* Groups refused (forced here the way the tests do, as on a kernel without
 * nexthop objects): next hops inline, status says why. */
static void test_nexthop_groups_refused(void **state)
{
	struct route r = R("10.244.67.0/24", "192.168.1.1", "192.168.2.1", NULL);
	struct kroute *off;
	struct route_set s;

	(void)state;
	route_set_init(&s);
	setenv("BGP_AGENT_NEXTHOP_GROUPS", "off", 1);
	assert_int_equal(kroute_open(&off, TABLE, PROTO), KROUTE_OK);
	setenv("BGP_AGENT_NEXTHOP_GROUPS", "on", 1);
	assert_string_equal(groups_status(off),
			    "refused: turned off by BGP_AGENT_NEXTHOP_GROUPS=off");
	struct route_op add = { ROUTE_OP_ADD, &r };
	assert_int_equal(kroute_apply(off, &add, 1, NULL), 0);
	assert_int_equal(route_nh_id("10.244.67.0/24"), 0);
	assert_int_equal(kroute_dump(off, &s), KROUTE_OK);
	assert_true(route_equal(route_set_find(&s, &r.dst), &r));
	struct route_op del = { ROUTE_OP_DELETE, &r };
	assert_int_equal(kroute_apply(off, &del, 1, NULL), 0);
	kroute_close(off);
	route_set_free(&s);
}

static bool wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 2000) == 1;
}

/* Reads what is pending (our own changes' events) and asserts it was no news. */
static void drain_quietly(struct kroute_monitor *m, const struct route_set *ours)
{
	bool routes = false, links = false;
	struct pollfd p = { .fd = kroute_monitor_fd(m), .events = POLLIN };

	while (poll(&p, 1, 100) == 1) {
		assert_int_equal(kroute_monitor_drain(m, ours, &routes, &links), KROUTE_OK);
		assert_false(routes);
	}
}

static void test_monitor(void **state)
{
	struct kroute_monitor *m;
	struct route mine = R("10.244.20.0/24", "192.168.1.1", NULL);
	struct route_set ours, theirs_set;
	bool routes = false, links = false;

	(void)state;
	route_set_init(&ours);
	route_set_init(&theirs_set);
	assert_int_equal(kroute_monitor_open(&m, TABLE, PROTO), KROUTE_OK);
	kroute_monitor_use(m, kr);
	assert_true(kroute_monitor_fd(m) >= 0);
	/* Our own additions (what the agent then has in its set) and foreign
	 * additions are not news. */
	assert_int_equal(kroute_replace(kr, &mine), KROUTE_OK);
	assert_int_equal(kroute_dump(kr, &ours), KROUTE_OK);
	add_foreign_route("10.244.21.0/24", "192.168.1.1", TABLE, FOREIGN_PROTO, 20);
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_false(routes);
	assert_false(links);
	/* Ours replaced by someone else under our protocol (another next hop,
	 * the same metric) is news, like a deletion (issue 7 item 8). */
	replace_route_as("10.244.20.0/24", "192.168.1.2", PROTO);
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_true(routes);
	routes = false;
	assert_int_equal(kroute_dump(kr, &theirs_set), KROUTE_OK); /* as the daemon does then */
	assert_int_equal(kroute_replace(kr, &mine), KROUTE_OK); /* repaired: not news */
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_false(routes);
	/* Its nexthop object deleted by someone else is news; what kroute
	 * itself creates and deletes is not. */
	drain_quietly(m, &ours);
	delete_nexthop(route_nh_id("10.244.20.0/24"));
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_true(routes);
	routes = false;
	assert_int_equal(kroute_dump(kr, &ours), KROUTE_OK);
	assert_int_equal(kroute_replace(kr, &mine), KROUTE_OK);
	assert_int_equal(kroute_dump(kr, &ours), KROUTE_OK);
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_false(routes);
	/* Our route deleted (as by an admin) is. */
	assert_int_equal(kroute_delete(kr, &mine), KROUTE_OK);
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_true(routes);
	/* A link going down is (d1's peer end: d1 loses carrier too, and keeps
	 * its addresses for the tests after this one). */
	routes = false;
	set_link_flags("d1p", false);
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_true(links);
	links = false;
	set_link_flags("d1p", true);
	assert_true(wait_readable(kroute_monitor_fd(m)));
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	assert_true(links);
	/* Nothing pending: drain returns at once. */
	assert_int_equal(kroute_monitor_drain(m, &ours, &routes, &links), KROUTE_OK);
	kroute_monitor_close(m);
	route_set_free(&ours);
	route_set_free(&theirs_set);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median time of one replace (moving one route to the other next hop and
 * back) while the other routes stay installed. */
static double one_change(void)
{
	double t[11];

	for (int i = 0; i < 11; i++) {
		struct route r = R("10.100.0.0/24", i % 2 ? "192.168.2.1" : "192.168.1.1", NULL);
		struct route_op op = { ROUTE_OP_REPLACE, &r };
		double t0;

		t0 = now_ms();
		assert_int_equal(kroute_apply(kr, &op, 1, NULL), 0);
		t[i] = now_ms() - t0;
	}
	qsort(t, 11, sizeof(t[0]), cmp_double);
	return t[5];
}

/* 10,000 routes in one kroute_apply(): all there, all gone again. */
static void test_ten_thousand(void **state)
{
	struct route *rs = calloc(10000, sizeof(*rs));
	struct route_op *ops = calloc(10000, sizeof(*ops));
	struct route_set s;
	char dst[32];
	double t0, t1, t2, t3, one_change_ms;

	(void)state;
	route_set_init(&s);
	for (int i = 0; i < 10000; i++) {
		snprintf(dst, sizeof(dst), "10.%d.%d.0/24", 100 + i / 256, i % 256);
		rs[i] = R(dst, i % 2 ? "192.168.1.1" : "192.168.2.1", NULL);
		ops[i] = (struct route_op){ ROUTE_OP_ADD, &rs[i] };
	}
	t0 = now_ms();
	assert_int_equal(kroute_apply(kr, ops, 10000, NULL), 0);
	t1 = now_ms();
	assert_int_equal(kroute_dump(kr, &s), KROUTE_OK);
	t2 = now_ms();
	assert_int_equal(s.n, 10000);
	one_change_ms = one_change();
	for (int i = 0; i < 10000; i++)
		ops[i].kind = ROUTE_OP_DELETE;
	assert_int_equal(kroute_apply(kr, ops, 10000, NULL), 0);
	t3 = now_ms();
	assert_int_equal(kroute_dump(kr, &s), KROUTE_OK);
	assert_int_equal(s.n, 0);
	fprintf(stderr, "# kroute: 10000 routes added in %.1f ms, dumped in %.1f ms, deleted in %.1f ms; "
		"one change with 10000 installed %.3f ms (median of 11)\n",
		t1 - t0, t2 - t1, t3 - t2, one_change_ms);
	route_set_free(&s);
	free(rs);
	free(ops);
}

/* 10,000 routes over two next hops; one next hop goes: by
 * kroute_nexthop_gone(), and by a sync REPLACEing every route (figures). */
static void test_ten_thousand_nexthop_gone(void **state)
{
	struct route *rs = calloc(10000, sizeof(*rs));
	struct route_op *ops = calloc(10000, sizeof(*ops));
	struct nexthop gone = { 0 };
	char dst[32], err[64];
	double t0, gone_ms, sync_ms;

	(void)state;
	for (int i = 0; i < 10000; i++) {
		snprintf(dst, sizeof(dst), "10.%d.%d.0/24", 100 + i / 256, i % 256);
		rs[i] = R(dst, "192.168.1.1", "192.168.2.1", NULL);
		ops[i] = (struct route_op){ ROUTE_OP_REPLACE, &rs[i] };
	}
	assert_int_equal(kroute_apply(kr, ops, 10000, NULL), 0);
	assert_int_equal(ip_addr_parse("192.168.1.1", &gone.gw, err, sizeof(err)), 0);
	t0 = now_ms();
	assert_int_equal(kroute_nexthop_gone(kr, &gone), 1);
	gone_ms = now_ms() - t0;
	assert_int_equal(count_objects(PROTO, false), 1);
	assert_int_equal(kroute_apply(kr, ops, 10000, NULL), 0); /* both again: in place */
	for (int i = 0; i < 10000; i++)
		rs[i].n_nh = 1, rs[i].nh[0] = rs[i].nh[1]; /* 192.168.2.1 only */
	t0 = now_ms();
	assert_int_equal(kroute_apply(kr, ops, 10000, NULL), 0);
	sync_ms = now_ms() - t0;
	assert_int_equal(count_objects(PROTO, true), 1);
	for (int i = 0; i < 10000; i++)
		ops[i].kind = ROUTE_OP_DELETE;
	assert_int_equal(kroute_apply(kr, ops, 10000, NULL), 0);
	fprintf(stderr, "# kroute: next hop of 10000 routes gone: kroute_nexthop_gone %.2f ms, "
		"a sync replacing all 10000 %.1f ms (one group change)\n", gone_ms, sync_ms);
	free(rs);
	free(ops);
}

static int group_setup(void **state)
{
	(void)state;
	if (enter_private_netns() < 0) {
		fprintf(stderr, "test_kroute_ns: cannot create a private network namespace (%s); "
				"run as root or allow unprivileged user namespaces\n", strerror(errno));
		return -1;
	}
	setup_lab();
	return kroute_open(&kr, TABLE, PROTO) == KROUTE_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	kroute_close(kr);
	nl_socket_free(helper_sk);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_ipv4_and_ecmp),
		cmocka_unit_test(test_replace_ipv6_and_ecmp),
		cmocka_unit_test(test_rfc5549),
		cmocka_unit_test(test_anchor),
		cmocka_unit_test(test_other_owners_untouched),
		cmocka_unit_test(test_delete_and_errors),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_nexthop_groups),
		cmocka_unit_test(test_nexthop_group_moves_in_place),
		cmocka_unit_test(test_nexthop_groups_adopted),
		cmocka_unit_test(test_nexthop_groups_foreign),
		cmocka_unit_test(test_nexthop_groups_refused),
		cmocka_unit_test(test_ten_thousand),
		cmocka_unit_test(test_ten_thousand_nexthop_gone),
	};

	/* Off by default (kroute_groups.c says why); these tests cover them. */
	setenv("BGP_AGENT_NEXTHOP_GROUPS", "on", 1);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
