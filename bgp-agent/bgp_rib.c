/* bgpd's `show bgp <afi> unicast json` -> routes (best + multipath next hops). */
#include "bgp_rib.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "json_scan.h"
#include "log.h"

struct rib_parse {
	struct route_set *out;
	struct bgp_rib_stats *st;
};

static bool key_is(const char *key, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(key, want, len) == 0;
}

static bool path_flag(json_t *path, const char *name)
{
	return json_is_true(json_object_get(path, name));
}

static bool addr_is_link_local(const struct ip_addr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->u.v6);
}

static bool addr_is_unspecified(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->u.bytes, zero, ip_addr_len(a->family)) == 0;
}

/* Rank of one entry of a path's "nexthops": a global address beats a
 * link-local one (it needs no interface), and bgpd's "used" one wins a tie. */
static int nexthop_rank(json_t *nh, struct ip_addr *addr)
{
	const char *ip = json_string_value(json_object_get(nh, "ip"));
	char err[96];

	if (ip == NULL || ip_addr_parse(ip, addr, err, sizeof(err)) < 0 || addr_is_unspecified(addr))
		return -1;
	return (addr_is_link_local(addr) ? 0 : 2) + (path_flag(nh, "used") ? 1 : 0);
}

/* The next hop of one path; -1 when it has none we can use. */
static int path_nexthop(json_t *path, struct nexthop *out)
{
	json_t *nhs = json_object_get(path, "nexthops"), *nh;
	struct ip_addr addr;
	int best = -1, rank;
	size_t i;

	memset(out, 0, sizeof(*out));
	json_array_foreach(nhs, i, nh) {
		rank = nexthop_rank(nh, &addr);
		if (rank > best) {
			best = rank;
			out->gw = addr;
		}
	}
	return best < 0 ? -1 : 0;
}

/* Our own `network` statements are best paths too; they are not learned. */
static bool path_is_local(json_t *path)
{
	const char *peer = json_string_value(json_object_get(path, "peerId"));

	return peer == NULL || strcmp(peer, "(unspec)") == 0;
}

static json_t *best_path(json_t *paths)
{
	json_t *p;
	size_t i;

	json_array_foreach(paths, i, p)
		if (path_flag(p, "bestpath") && path_flag(p, "valid"))
			return p;
	return NULL;
}

static void add_path(struct route *r, json_t *path, struct bgp_rib_stats *st, const char *dst)
{
	struct nexthop nh;

	if (path_nexthop(path, &nh) < 0) {
		st->bad_paths++;
		log_debug("bgp rib: %s: a path from %s has no usable next hop", dst,
			  json_string_value(json_object_get(path, "peerId")));
		return;
	}
	/* Two paths through the same next hop are one kernel next hop. */
	if (route_add_nexthop(r, &nh) < 0 && r->n_nh >= ROUTE_MAX_NEXTHOPS) {
		st->bad_paths++;
		log_warnx("bgp rib: %s: more than %d equal-cost paths, extra ones ignored", dst,
			  ROUTE_MAX_NEXTHOPS);
	}
}

static int add_prefix(struct rib_parse *rp, const char *dst, json_t *paths)
{
	json_t *best = best_path(paths), *p;
	struct route r;
	char err[96];
	size_t i;

	memset(&r, 0, sizeof(r));
	if (prefix_parse(dst, &r.dst, PREFIX_STRICT, err, sizeof(err)) < 0) {
		log_warnx("bgp rib: skipping a route: %s", err);
		rp->st->bad_paths++;
		return 0;
	}
	if (best == NULL) {
		rp->st->no_best++;
		return 0;
	}
	if (path_is_local(best)) {
		rp->st->local++;
		return 0;
	}
	r.type = ROUTE_UNICAST;
	r.metric = ROUTE_METRIC_LEARNED;
	add_path(&r, best, rp->st, dst);
	json_array_foreach(paths, i, p)
		if (p != best && path_flag(p, "multipath") && path_flag(p, "valid") && !path_is_local(p))
			add_path(&r, p, rp->st, dst);
	if (r.n_nh == 0)
		return 0;
	rp->st->routes++;
	return route_set_add(rp->out, &r) < 0 ? -1 : 0;
}

static int on_route(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct rib_parse *rp = arg;
	char dst[PREFIX_STRLEN + 8];
	json_t *paths;
	int rc;

	if (json_scan_decode(s, &paths) < 0)
		return -1;
	rp->st->prefixes++;
	snprintf(dst, sizeof(dst), "%.*s", (int)(keylen < sizeof(dst) ? keylen : sizeof(dst) - 1), key);
	rc = json_is_array(paths) ? add_prefix(rp, dst, paths) : 0;
	json_decref(paths);
	if (rc < 0)
		snprintf(s->err, s->errlen, "out of memory");
	return rc;
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
	struct rib_parse rp = { out, stats ? stats : &local_stats };
	struct json_scan s;

	memset(rp.st, 0, sizeof(*rp.st));
	json_scan_init(&s, json, len, err, errlen);
	if (json_scan_object(&s, on_top_member, &rp) < 0 || json_scan_end(&s) < 0)
		return -1;
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
