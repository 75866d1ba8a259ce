/* Kernel-independent routes: a route is a destination prefix plus its next
 * hops; a route_set is a set of routes sorted by prefix. route_diff() turns a
 * desired and an actual set into the operations that make actual = desired.
 * Pure logic: nothing here touches the system. */
#ifndef BGP_ROUTE_SET_H
#define BGP_ROUTE_SET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

/* Equal-cost paths kept per route. A node has a handful of uplinks (two ToRs
 * is typical); 8 covers that with room. Kept inline, so it sets the memory of
 * every route: 8 makes a route about 370 bytes, 3.7 MB per 10,000-route set
 * (16 doubled that and pushed the daemon past its 20 MB RSS target). */
#define ROUTE_MAX_NEXTHOPS 8

/* Metric (kernel priority) of routes learned from BGP. Explicit, because an
 * IPv6 route added without one gets 1024 from the kernel and would then never
 * compare equal to what we asked for. 20 is what zebra uses for eBGP. */
#define ROUTE_METRIC_LEARNED 20u
/* Metric of the anchor route for the node's own pod CIDR: far above the
 * connected route of the bridge (0 for IPv4, 256 for IPv6), so the bridge
 * wins as soon as it exists, and the anchor only answers while it does not. */
#define ROUTE_METRIC_ANCHOR 4278198272u

enum route_type {
	ROUTE_UNICAST,     /* forwarded through the next hops */
	ROUTE_UNREACHABLE, /* dropped with ICMP unreachable (the anchor) */
	ROUTE_BLACKHOLE,   /* dropped silently */
};

struct nexthop {
	struct ip_addr gw;        /* family 0: no gateway (directly on ifindex/ifname) */
	int ifindex;              /* 0: unknown; kroute resolves it from ifname */
	char ifname[IF_NAMESIZE]; /* "" unless known; needed for IPv6 link-local gw */
};

struct route {
	struct prefix dst;
	enum route_type type;
	uint32_t metric; /* kernel priority; part of the route's identity */
	struct nexthop nh[ROUTE_MAX_NEXTHOPS];
	size_t n_nh; /* 0 for unreachable/blackhole */
};

struct route_set {
	struct route *routes; /* sorted by prefix after route_set_sort() */
	size_t n;
	size_t cap;
	/* Keys (prefix, metric) in order: kept by route_set_add() while routes
	 * come in order, restored by route_set_sort(). Lookups and diffs assert
	 * it: a binary search over an unsorted set silently misses. */
	bool sorted;
};

/* What a reconcile does to one kernel route. REPLACE is create-or-replace of
 * a route we own; ADD is create-only (NLM_F_EXCL), so a route of another
 * owner with the same destination and metric is refused, never overwritten. */
enum route_op_kind { ROUTE_OP_ADD, ROUTE_OP_REPLACE, ROUTE_OP_DELETE };

struct route_op {
	enum route_op_kind kind;
	const struct route *route;
};

/* Large enough for "dst via gw dev ifname ..." with all next hops. */
#define ROUTE_STRLEN (PREFIX_STRLEN + 32 + ROUTE_MAX_NEXTHOPS * (INET6_ADDRSTRLEN + IF_NAMESIZE + 12))

void route_set_init(struct route_set *s);
void route_set_free(struct route_set *s);
void route_set_clear(struct route_set *s); /* n = 0, keeps the memory */
/* Appends a copy; call route_set_sort() before lookups/diffs unless routes
 * are added in order. -1 on ENOMEM. */
int route_set_add(struct route_set *s, const struct route *r);
/* The sort key of a set: prefix, then metric (the kernel's identity of a route). */
int route_key_cmp(const struct route *a, const struct route *b);
/* Sorts by (prefix, metric) and puts every route's next hops in canonical order. */
void route_set_sort(struct route_set *s);
/* Binary search in a sorted set: the first route for dst, or NULL. */
const struct route *route_set_find(const struct route_set *s, const struct prefix *dst);
/* True when the sorted set holds exactly r (canonical next hops). */
bool route_set_contains(const struct route_set *s, const struct route *r);
/* Adds every route of src to dst, keeping dst sorted. -1 on ENOMEM (dst unchanged). */
int route_set_merge(struct route_set *dst, const struct route_set *src);
/* Adds to the sorted set dst the routes of src whose prefix dst lacks and
 * that pick() accepts (NULL: all); dst stays sorted. Returns how many were
 * added, -1 on ENOMEM (dst unchanged). */
long route_set_add_missing(struct route_set *dst, const struct route_set *src,
			   bool (*pick)(const struct prefix *, void *), void *arg);

/* Appends a next hop; -1 when the route is full or the next hop is a duplicate. */
int route_add_nexthop(struct route *r, const struct nexthop *nh);
/* Sorts next hops (gateway, then interface) so ECMP order does not matter. */
void route_canonicalize(struct route *r);
int nexthop_cmp(const struct nexthop *a, const struct nexthop *b);
/* Same destination, metric, type and (canonical) next hops. */
bool route_equal(const struct route *a, const struct route *b);
/* "10.244.2.0/24 via 192.168.1.12 dev eth0, via ... metric 20" (for logs and status). */
const char *route_format(const struct route *r, char *buf, size_t len);

/* The anchor route for one of the node's own pod CIDRs: FRR's import-check
 * advertises a `network` only while a route for it exists (verified with FRR
 * 8.4 for IPv4 and IPv6: tests/integration/routing_frr_json.sh). Unreachable
 * rather than blackhole: until the bridge exists, a packet for a pod of this
 * node gets an immediate ICMP "host unreachable" instead of vanishing. */
void route_make_anchor(const struct prefix *dst, struct route *out);

/* Compares two sorted sets. add/replace receive copies of desired routes,
 * del copies of actual routes. A route whose metric changed appears in add
 * (new metric) and del (old one): the kernel keys routes by prefix AND metric.
 * Extra actual routes for the same prefix are deleted. Output sets are cleared
 * first and come back sorted. -1 on ENOMEM. */
int route_diff(const struct route_set *desired, const struct route_set *actual,
	       struct route_set *add, struct route_set *replace, struct route_set *del);

#endif
