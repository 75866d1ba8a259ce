/* bgpd's `show bgp <afi> unicast json` and `show bgp <afi> unicast PREFIX
 * json` -> routes (best + multipath next hops). Both answers list the same
 * paths in two shapes (see on_path_member); one set of rules reads both.
 *
 * Walked with json_scan, reading only the fields used (about 5 of the 15 per
 * path): no tree is built, so 10,000 prefixes cost no memory beyond the
 * routes themselves and parse several times faster than decoding them. */
#include "bgp_rib.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "json_scan.h"
#include "log.h"

/* What one path says, as far as routes are concerned. */
struct path_info {
	bool valid, best, multipath;
	char peer[INET6_ADDRSTRLEN + 16]; /* peerId; "(unspec)" = our own */
	char peer_if[IF_NAMESIZE];        /* the unnumbered peer's interface, if named */
	struct nexthop nh;
	int nh_rank; /* -1: no usable next hop */
};

/* One prefix: its best path and the next hops of its multipath ones. */
struct prefix_acc {
	bool have_best, best_local, best_usable;
	struct nexthop best;
	struct nexthop multi[ROUTE_MAX_NEXTHOPS];
	size_t n_multi;
	size_t bad;      /* paths whose next hop was unusable */
	size_t overflow; /* multipath next hops beyond ROUTE_MAX_NEXTHOPS */
};

struct rib_parse {
	struct route_set *out;
	struct bgp_rib_stats *st;
	struct prefix_acc acc;
	struct path_info path;
};

static bool key_is(const char *key, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(key, want, len) == 0;
}

static bool addr_is_unspecified(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->u.bytes, zero, ip_addr_len(a->family)) == 0;
}

/* --- one entry of a path's "nexthops" ---------------------------------- */

struct nh_entry {
	char ip[INET6_ADDRSTRLEN + 8];
	bool used;
};

static int on_nh_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct nh_entry *e = arg;

	if (key_is(key, keylen, "ip"))
		return json_scan_string(s, e->ip, sizeof(e->ip));
	if (key_is(key, keylen, "used"))
		return json_scan_bool(s, &e->used);
	return json_scan_skip(s);
}

/* A global address beats a link-local one (it needs no interface), and
 * bgpd's "used" one wins a tie; unparsable and unspecified ones never win. */
static int nexthop_rank(const struct nh_entry *e, struct ip_addr *addr)
{
	char err[96];

	if (ip_addr_parse(e->ip, addr, err, sizeof(err)) < 0 || addr_is_unspecified(addr))
		return -1;
	if (addr->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&addr->u.v6))
		return e->used ? 1 : 0;
	return e->used ? 3 : 2;
}

static int on_nexthop(void *arg, struct json_scan *s)
{
	struct path_info *p = arg;
	struct nh_entry e = { "", false };
	struct ip_addr addr;
	int rank;

	if (json_scan_object(s, on_nh_member, &e) < 0)
		return -1;
	rank = nexthop_rank(&e, &addr);
	if (rank > p->nh_rank) {
		p->nh_rank = rank;
		memset(&p->nh, 0, sizeof(p->nh));
		p->nh.gw = addr;
	}
	return 0;
}

/* --- one path ------------------------------------------------------------ */

/* Per prefix, "bestpath" is an object: "overall" marks the best path (a
 * multipath-relax path carries only "bestpathFromAs"). */
static int on_bestpath_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	if (key_is(key, keylen, "overall"))
		return json_scan_bool(s, arg);
	return json_scan_skip(s);
}

/* Per prefix, the peer is an object; it names an unnumbered peer's interface. */
static int on_peer_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct path_info *p = arg;

	if (key_is(key, keylen, "peerId"))
		return json_scan_string(s, p->peer, sizeof(p->peer));
	if (key_is(key, keylen, "interface"))
		return json_scan_string(s, p->peer_if, sizeof(p->peer_if));
	return json_scan_skip(s);
}

/* The full table has "bestpath": true and "peerId" in the path; the answer
 * for one prefix has "bestpath": {"overall": true} and "peer": {"peerId"}. */
static int on_path_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct path_info *p = arg;

	if (key_is(key, keylen, "valid"))
		return json_scan_bool(s, &p->valid);
	if (key_is(key, keylen, "bestpath"))
		return json_scan_at_object(s) ? json_scan_object(s, on_bestpath_member, &p->best)
					      : json_scan_bool(s, &p->best);
	if (key_is(key, keylen, "peer"))
		return json_scan_object(s, on_peer_member, p);
	if (key_is(key, keylen, "multipath"))
		return json_scan_bool(s, &p->multipath);
	if (key_is(key, keylen, "peerId"))
		return json_scan_string(s, p->peer, sizeof(p->peer));
	if (key_is(key, keylen, "nexthops"))
		return json_scan_array(s, on_nexthop, p);
	return json_scan_skip(s);
}

/* Our own `network` statements are best paths too; they are not learned.
 * The full table names their peer "(unspec)", the answer per prefix 0.0.0.0. */
static bool path_is_local(const struct path_info *p)
{
	struct ip_addr a;
	char err[96];

	if (p->peer[0] == '\0' || strcmp(p->peer, "(unspec)") == 0)
		return true;
	return ip_addr_parse(p->peer, &a, err, sizeof(err)) == 0 && addr_is_unspecified(&a);
}

static void note_multipath(struct prefix_acc *a, const struct path_info *p)
{
	if (a->n_multi < ROUTE_MAX_NEXTHOPS)
		a->multi[a->n_multi++] = p->nh;
	else
		a->overflow++;
}

static int on_path(void *arg, struct json_scan *s)
{
	struct rib_parse *rp = arg;
	struct path_info *p = &rp->path;
	struct prefix_acc *a = &rp->acc;

	memset(p, 0, sizeof(*p));
	p->nh_rank = -1;
	if (json_scan_object(s, on_path_member, p) < 0)
		return -1;
	if (p->nh.ifname[0] == '\0' && p->nh.gw.family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL(&p->nh.gw.u.v6))
		snprintf(p->nh.ifname, sizeof(p->nh.ifname), "%s", p->peer_if);
	if (!p->valid || !(p->best || p->multipath))
		return 0;
	if (p->best) {
		a->have_best = true;
		a->best_local = path_is_local(p);
		a->best_usable = p->nh_rank >= 0;
		a->best = p->nh;
	} else if (!path_is_local(p) && p->nh_rank >= 0) {
		note_multipath(a, p);
	}
	if (p->nh_rank < 0 && !path_is_local(p)) {
		a->bad++;
		log_debug("bgp rib: a path from %s has no usable next hop", p->peer);
	}
	return 0;
}

/* --- one prefix ---------------------------------------------------------- */

/* Best path first, so it is the one kept if there are too many. */
static void build_route(const struct prefix_acc *a, struct route *r)
{
	r->type = ROUTE_UNICAST;
	r->metric = ROUTE_METRIC_LEARNED;
	if (a->best_usable)
		route_add_nexthop(r, &a->best);
	/* Two paths through the same next hop are one kernel next hop. */
	for (size_t i = 0; i < a->n_multi; i++)
		(void)route_add_nexthop(r, &a->multi[i]);
}

static int finish_prefix(struct rib_parse *rp, const char *dst)
{
	struct prefix_acc *a = &rp->acc;
	struct route r;
	char err[96];

	rp->st->bad_paths += a->bad;
	if (a->overflow > 0)
		log_warnx("bgp rib: %s: more than %d equal-cost paths, %zu ignored", dst,
			  ROUTE_MAX_NEXTHOPS, a->overflow);
	memset(&r, 0, sizeof(r));
	if (prefix_parse(dst, &r.dst, PREFIX_STRICT, err, sizeof(err)) < 0) {
		log_warnx("bgp rib: skipping a route: %s", err);
		rp->st->bad_paths++;
		return 0;
	}
	if (!a->have_best) {
		rp->st->no_best++;
		return 0;
	}
	if (a->best_local) {
		rp->st->local++;
		return 0;
	}
	build_route(a, &r);
	if (r.n_nh == 0)
		return 0;
	rp->st->routes++;
	return route_set_add(rp->out, &r);
}

static int on_route(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct rib_parse *rp = arg;
	char dst[PREFIX_STRLEN + 8];

	memset(&rp->acc, 0, sizeof(rp->acc));
	if (json_scan_array(s, on_path, rp) < 0)
		return -1;
	rp->st->prefixes++;
	snprintf(dst, sizeof(dst), "%.*s", (int)(keylen < sizeof(dst) ? keylen : sizeof(dst) - 1), key);
	if (finish_prefix(rp, dst) < 0) {
		snprintf(s->err, s->errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int on_top_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct rib_parse *rp = arg;

	if (key_is(key, keylen, "routes"))
		return json_scan_object(s, on_route, rp);
	if (key_is(key, keylen, "tableVersion"))
		return json_scan_uint(s, &rp->st->table_version);
	return json_scan_skip(s);
}

int bgp_rib_parse(const char *json, size_t len, struct route_set *out,
		  struct bgp_rib_stats *stats, char *err, size_t errlen)
{
	struct bgp_rib_stats local_stats;
	struct rib_parse rp;
	struct json_scan s;

	memset(&rp, 0, sizeof(rp));
	rp.out = out;
	rp.st = stats ? stats : &local_stats;
	memset(rp.st, 0, sizeof(*rp.st));
	json_scan_init(&s, json, len, err, errlen);
	if (json_scan_object(&s, on_top_member, &rp) < 0 || json_scan_end(&s) < 0)
		return -1;
	return 0;
}

/* --- one prefix's answer ------------------------------------------------ */

struct one_prefix {
	struct rib_parse rp;
	char dst[PREFIX_STRLEN + 8];
	bool have_paths;
};

static int on_prefix_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct one_prefix *op = arg;

	if (key_is(key, keylen, "prefix"))
		return json_scan_string(s, op->dst, sizeof(op->dst));
	if (key_is(key, keylen, "paths")) {
		op->have_paths = true;
		return json_scan_array(s, on_path, &op->rp);
	}
	return json_scan_skip(s);
}

int bgp_rib_parse_prefix(const char *json, size_t len, struct route_set *out,
			 struct bgp_rib_stats *stats, char *err, size_t errlen)
{
	struct bgp_rib_stats local_stats;
	struct one_prefix op;
	struct json_scan s;

	memset(&op, 0, sizeof(op));
	op.rp.out = out;
	op.rp.st = stats ? stats : &local_stats;
	memset(op.rp.st, 0, sizeof(*op.rp.st));
	json_scan_init(&s, json, len, err, errlen);
	if (json_scan_object(&s, on_prefix_member, &op) < 0 || json_scan_end(&s) < 0)
		return -1;
	if (!op.have_paths)
		return 0; /* "{}": bgpd has no path for it */
	op.rp.st->prefixes++;
	if (finish_prefix(&op.rp, op.dst) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int on_version_member(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	if (key_is(key, keylen, "tableVersion"))
		return json_scan_uint(s, arg);
	return json_scan_skip(s);
}

int bgp_rib_parse_version(const char *json, size_t len, uint64_t *version,
			  char *err, size_t errlen)
{
	struct json_scan s;

	*version = 0;
	json_scan_init(&s, json, len, err, errlen);
	if (json_scan_object(&s, on_version_member, version) < 0 || json_scan_end(&s) < 0)
		return -1;
	return 0;
}
