/* route_count: the benchmark's own kernel observer. It runs in a network
 * namespace, keeps a copy of the kernel's routes and nexthop objects from
 * rtnetlink events (a dump at start, again after an overflow) and prints the
 * CLOCK_REALTIME moment a condition on them first holds. It does nothing but
 * count, so it keeps up with a burst that `ip monitor` (which formats every
 * line) lags by hundreds of milliseconds.
 *
 * usage: route_count [-p PROTO] [-t TABLE] [-r PREFIX/LEN] [-T SECONDS] COND
 *   atleast N            N or more matching routes
 *   atmost N             N or fewer matching routes (atmost 0: all gone)
 *   change GONE NEW      prefix GONE absent and prefix NEW present ("-": either)
 *   nexthop-gone ADDR    no matching route forwards via ADDR (inline next hop,
 *                        nexthop object or a group holding one)
 *   nexthop-all ADDR N   N or more matching routes forward via ADDR
 * Routes flushed with a link that goes down are seen through a new dump.
 * Matching: route type unicast in TABLE (254), protocol PROTO (any) with a
 * destination inside PREFIX/LEN (any). Prints "ready COUNT" once the first
 * dump is in, then the moment as seconds.microseconds ("nan" and exit 1 on
 * timeout, 60 s by default). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_GW 16
#define MAX_NH 8192

struct addr {
	uint8_t family;
	uint8_t len;
	uint8_t bytes[16];
};

struct route {
	bool used;
	bool counted;	/* matches the filter */
	bool via_watch; /* forwards via the watched next hop */
	struct addr dst;
	uint32_t table;
	uint32_t nhid;
	int n_gw;
	struct addr gw[MAX_GW];
};

struct nexthop {
	uint32_t id;
	bool has_gw;
	struct addr gw;
	int n_member;
	uint32_t member[MAX_GW];
};

enum cond { ATLEAST, ATMOST, CHANGE, NH_GONE, NH_ALL };

static struct {
	int proto; /* -1: any */
	uint32_t table;
	bool have_range;
	struct addr range;
	enum cond cond;
	long n;
	struct addr gone, fresh, watch;
	bool have_gone, have_fresh;
} opt = { .proto = -1, .table = RT_TABLE_MAIN };

static struct route *routes;
static size_t cap, used;
static long n_counted, n_via_watch;
static struct nexthop nhs[MAX_NH];
static int n_nhs;

static void die(const char *what)
{
	fprintf(stderr, "route_count: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "usage: route_count [-p PROTO] [-t TABLE] [-r PREFIX/LEN] [-T SECONDS]\n"
			"  atleast N | atmost N | change GONE NEW | nexthop-gone ADDR | nexthop-all ADDR N\n");
	exit(2);
}

static bool parse_addr(const char *s, struct addr *a)
{
	char buf[64];
	char *slash;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return false;
	memset(a, 0, sizeof(*a));
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	a->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, buf, a->bytes) != 1)
		return false;
	a->len = a->family == AF_INET ? 32 : 128;
	if (slash)
		a->len = (uint8_t)atoi(slash + 1);
	return true;
}

static size_t addr_size(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static bool addr_eq(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->bytes, b->bytes, addr_size(a->family));
}

static bool in_range(const struct addr *a)
{
	int full = opt.range.len / 8, rest = opt.range.len % 8;

	if (!opt.have_range)
		return true;
	if (a->family != opt.range.family || a->len < opt.range.len)
		return false;
	if (memcmp(a->bytes, opt.range.bytes, (size_t)full))
		return false;
	return !rest || !((a->bytes[full] ^ opt.range.bytes[full]) & (0xff00 >> rest));
}

/* --- the route table: open addressing, linear probing ------------------- */

static size_t slot_hash(const struct addr *dst, uint32_t table)
{
	uint64_t h = 1469598103934665603ull ^ table ^ ((uint64_t)dst->len << 40);
	size_t i;

	for (i = 0; i < addr_size(dst->family); i++)
		h = (h ^ dst->bytes[i]) * 1099511628211ull;
	return (size_t)(h & (cap - 1));
}

static struct route *slot_of(const struct addr *dst, uint32_t table)
{
	size_t i = slot_hash(dst, table);

	while (routes[i].used && !(routes[i].table == table && addr_eq(&routes[i].dst, dst)))
		i = (i + 1) & (cap - 1);
	return &routes[i];
}

static void table_grow(void)
{
	struct route *old = routes;
	size_t i, old_cap = cap;

	cap = cap ? cap * 2 : 1 << 16;
	routes = calloc(cap, sizeof(*routes));
	if (!routes)
		die("calloc");
	for (i = 0; i < old_cap; i++)
		if (old[i].used)
			*slot_of(&old[i].dst, old[i].table) = old[i];
	free(old);
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void table_remove(struct route *r)
{
	size_t hole = (size_t)(r - routes), i = hole, home;

	r->used = false;
	for (;;) {
		i = (i + 1) & (cap - 1);
		if (!routes[i].used)
			return;
		home = slot_hash(&routes[i].dst, routes[i].table);
		if (((i - home) & (cap - 1)) >= ((i - hole) & (cap - 1))) {
			routes[hole] = routes[i];
			routes[i].used = false;
			hole = i;
		}
	}
}

/* --- next hops -------------------------------------------------------------- */

static struct nexthop *nh_find(uint32_t id)
{
	int i;

	for (i = 0; i < n_nhs; i++)
		if (nhs[i].id == id)
			return &nhs[i];
	return NULL;
}

static bool nh_via(uint32_t id, int depth)
{
	struct nexthop *nh = nh_find(id);
	int i;

	if (!nh || depth > 2)
		return false;
	if (nh->has_gw && addr_eq(&nh->gw, &opt.watch))
		return true;
	for (i = 0; i < nh->n_member; i++)
		if (nh_via(nh->member[i], depth + 1))
			return true;
	return false;
}

static bool route_via_watch(const struct route *r)
{
	int i;

	if (opt.cond != NH_GONE && opt.cond != NH_ALL)
		return false;
	if (r->nhid)
		return nh_via(r->nhid, 0);
	for (i = 0; i < r->n_gw; i++)
		if (addr_eq(&r->gw[i], &opt.watch))
			return true;
	return false;
}

static void account(struct route *r, int sign)
{
	n_counted += sign * r->counted;
	n_via_watch += sign * (r->counted && r->via_watch);
}

static void recount_via_watch(void)
{
	size_t i;

	n_via_watch = 0;
	for (i = 0; i < cap; i++) {
		if (!routes[i].used)
			continue;
		routes[i].via_watch = route_via_watch(&routes[i]);
		n_via_watch += routes[i].counted && routes[i].via_watch;
	}
}

/* --- rtnetlink messages ------------------------------------------------------ */

static void read_gateway(struct rtattr *a, uint8_t family, struct addr *gw)
{
	memset(gw, 0, sizeof(*gw));
	if (a->rta_type == RTA_VIA) {
		struct rtvia *via = RTA_DATA(a);

		family = (uint8_t)via->rtvia_family;
		memcpy(gw->bytes, via->rtvia_addr, addr_size(family));
	} else {
		memcpy(gw->bytes, RTA_DATA(a), addr_size(family));
	}
	gw->family = family;
	gw->len = family == AF_INET ? 32 : 128;
}

static void read_multipath(struct route *r, struct rtattr *mp, uint8_t family)
{
	struct rtnexthop *nh = RTA_DATA(mp);
	int left = (int)RTA_PAYLOAD(mp);

	while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) && nh->rtnh_len <= left) {
		struct rtattr *a = RTNH_DATA(nh);
		int alen = nh->rtnh_len - (int)sizeof(*nh);

		for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
			if ((a->rta_type == RTA_GATEWAY || a->rta_type == RTA_VIA) && r->n_gw < MAX_GW)
				read_gateway(a, family, &r->gw[r->n_gw++]);
		left -= RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
}

static void on_route(struct nlmsghdr *h)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	struct rtattr *a;
	struct route r = { .used = true, .table = rtm->rtm_table };
	struct route *slot;

	r.dst.family = rtm->rtm_family;
	r.dst.len = rtm->rtm_dst_len;
	for (a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_DST)
			memcpy(r.dst.bytes, RTA_DATA(a), addr_size(rtm->rtm_family));
		else if (a->rta_type == RTA_TABLE)
			r.table = *(uint32_t *)RTA_DATA(a);
		else if (a->rta_type == RTA_NH_ID)
			r.nhid = *(uint32_t *)RTA_DATA(a);
		else if ((a->rta_type == RTA_GATEWAY || a->rta_type == RTA_VIA) && r.n_gw < MAX_GW)
			read_gateway(a, rtm->rtm_family, &r.gw[r.n_gw++]);
		else if (a->rta_type == RTA_MULTIPATH)
			read_multipath(&r, a, rtm->rtm_family);
	}
	if (rtm->rtm_type != RTN_UNICAST || r.table != opt.table)
		return;
	if ((used + 1) * 2 > cap)
		table_grow();
	slot = slot_of(&r.dst, r.table);
	if (slot->used) {
		account(slot, -1);
		if (h->nlmsg_type == RTM_DELROUTE) {
			table_remove(slot);
			used--;
			return;
		}
	} else if (h->nlmsg_type == RTM_DELROUTE) {
		return;
	} else {
		used++;
	}
	r.counted = (opt.proto < 0 || rtm->rtm_protocol == opt.proto) && in_range(&r.dst);
	r.via_watch = route_via_watch(&r);
	*slot = r;
	account(slot, 1);
}

/* The kernel removes the IPv4 routes that use a deleted nexthop object
 * without a route notification for each. */
static void drop_routes_via(uint32_t id)
{
	bool again = true;
	size_t i;

	/* a removal shifts later routes back, even across the wrap: pass again */
	while (again) {
		again = false;
		for (i = 0; i < cap; i++) {
			if (routes[i].used && routes[i].nhid == id) {
				account(&routes[i], -1);
				table_remove(&routes[i]);
				used--;
				again = true;
			}
		}
	}
}

static void on_nexthop(struct nlmsghdr *h)
{
	struct nhmsg *nhm = NLMSG_DATA(h);
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*nhm)));
	struct rtattr *a = (struct rtattr *)((char *)nhm + NLMSG_ALIGN(sizeof(*nhm)));
	struct nexthop nh = { 0 }, *slot;

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NHA_ID) {
			nh.id = *(uint32_t *)RTA_DATA(a);
		} else if (a->rta_type == NHA_GATEWAY) {
			read_gateway(a, nhm->nh_family, &nh.gw);
			nh.has_gw = true;
		} else if (a->rta_type == NHA_GROUP) {
			struct nexthop_grp *g = RTA_DATA(a);
			size_t i, n = RTA_PAYLOAD(a) / sizeof(*g);

			for (i = 0; i < n && nh.n_member < MAX_GW; i++)
				nh.member[nh.n_member++] = g[i].id;
		}
	}
	slot = nh_find(nh.id);
	if (h->nlmsg_type == RTM_DELNEXTHOP) {
		if (slot)
			*slot = nhs[--n_nhs];
		drop_routes_via(nh.id);
	} else if (slot) {
		*slot = nh;
	} else if (n_nhs < MAX_NH) {
		nhs[n_nhs++] = nh;
	}
	recount_via_watch();
}

/* --- the socket -------------------------------------------------------------- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int groups[] = { RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEXTHOP, RTNLGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int rcvbuf = 64 << 20, one = 1;
	size_t i;

	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(groups[i])) < 0)
			die("NETLINK_ADD_MEMBERSHIP");
	return fd;
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool present(const struct addr *p)
{
	struct route *r = slot_of(p, opt.table);

	return r->used && r->counted;
}

static bool holds(void)
{
	switch (opt.cond) {
	case ATLEAST: return n_counted >= opt.n;
	case ATMOST: return n_counted <= opt.n;
	case CHANGE:
		return (!opt.have_gone || !present(&opt.gone)) && (!opt.have_fresh || present(&opt.fresh));
	case NH_GONE: return n_via_watch == 0;
	case NH_ALL: return n_via_watch >= opt.n;
	}
	return false;
}

/* The kernel flushes IPv4 routes and nexthop objects of a link that goes
 * down without a notification for each: a link event means dump again. */
static bool link_changed;

/* Handles one datagram; true when a dump it belongs to is complete. */
static bool on_datagram(char *buf, ssize_t n)
{
	struct nlmsghdr *h;
	int left = (int)n;
	bool done = false;

	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
			done = true;
		else if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE)
			on_route(h);
		else if (h->nlmsg_type == RTM_NEWNEXTHOP || h->nlmsg_type == RTM_DELNEXTHOP)
			on_nexthop(h);
		else if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
			link_changed = true;
	}
	return done;
}

static char rxbuf[1 << 20];

/* Dumps nexthop objects then routes into a fresh copy (events that arrive
 * meanwhile are applied in order with the dump). */
static void dump_one(int fd, uint16_t type, uint32_t seq)
{
	/* rtmsg is the larger header; a nexthop dump takes only its nhmsg part */
	struct {
		struct nlmsghdr h;
		struct rtmsg m;
	} req = { .h = { .nlmsg_type = type, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			 .nlmsg_seq = seq } };
	ssize_t n;

	req.h.nlmsg_len = NLMSG_LENGTH(type == RTM_GETNEXTHOP ? sizeof(struct nhmsg) : sizeof(struct rtmsg));
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
		die("send dump");
	do {
		n = recv(fd, rxbuf, sizeof(rxbuf), 0);
		if (n < 0 && errno != EINTR && errno != ENOBUFS)
			die("recv dump");
	} while (n <= 0 || !on_datagram(rxbuf, n));
}

/* Dumps nexthop objects then routes into a fresh copy (events that arrive
 * meanwhile are applied in order with the dump). */
static void dump_all(int fd)
{
	memset(routes, 0, cap * sizeof(*routes));
	used = 0;
	n_counted = n_via_watch = 0;
	n_nhs = 0;
	dump_one(fd, RTM_GETNEXTHOP, 1);
	dump_one(fd, RTM_GETROUTE, 2);
	recount_via_watch();
}

static void parse_cond(int argc, char **argv)
{
	const char *c = argv[0];

	if (!strcmp(c, "atleast") && argc == 2) {
		opt.cond = ATLEAST;
		opt.n = atol(argv[1]);
	} else if (!strcmp(c, "atmost") && argc == 2) {
		opt.cond = ATMOST;
		opt.n = atol(argv[1]);
	} else if (!strcmp(c, "change") && argc == 3) {
		opt.cond = CHANGE;
		opt.have_gone = strcmp(argv[1], "-") && parse_addr(argv[1], &opt.gone);
		opt.have_fresh = strcmp(argv[2], "-") && parse_addr(argv[2], &opt.fresh);
	} else if (!strcmp(c, "nexthop-gone") && argc == 2 && parse_addr(argv[1], &opt.watch)) {
		opt.cond = NH_GONE;
	} else if (!strcmp(c, "nexthop-all") && argc == 3 && parse_addr(argv[1], &opt.watch)) {
		opt.cond = NH_ALL;
		opt.n = atol(argv[2]);
	} else {
		usage();
	}
}

int main(int argc, char **argv)
{
	double deadline, t;
	int c, fd, timeout_s = 60, overflows = 0;

	while ((c = getopt(argc, argv, "p:t:r:T:")) != -1) {
		if (c == 'p')
			opt.proto = atoi(optarg);
		else if (c == 't')
			opt.table = (uint32_t)atol(optarg);
		else if (c == 'r' && parse_addr(optarg, &opt.range))
			opt.have_range = true;
		else if (c == 'T')
			timeout_s = atoi(optarg);
		else
			usage();
	}
	if (optind >= argc)
		usage();
	parse_cond(argc - optind, argv + optind);
	table_grow();
	fd = nl_open();
	dump_all(fd);
	printf("ready %ld\n", n_counted);
	fflush(stdout);
	t = now_real();
	deadline = t + timeout_s;
	while (!holds()) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (t >= deadline) {
			printf("nan\n");
			return 1;
		}
		n = poll(&p, 1, (int)((deadline - t) * 1000) + 1) > 0 ? recv(fd, rxbuf, sizeof(rxbuf), MSG_DONTWAIT) : 0;
		t = now_real();
		if (n < 0 && errno == ENOBUFS) {
			overflows++;
			dump_all(fd);
		} else if (n > 0) {
			on_datagram(rxbuf, n);
		}
		if (link_changed) {
			link_changed = false;
			dump_all(fd);
		}
	}
	printf("%.6f\n", t);
	if (overflows)
		fprintf(stderr, "route_count: %d event overflow(s), state re-dumped\n", overflows);
	return 0;
}
