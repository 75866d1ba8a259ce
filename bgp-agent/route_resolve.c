/* Recursive next hops: BGP next hops resolved through the kernel routes of
 * other owners. */
#include "route_resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void route_resolver_init(struct route_resolver *rs, uint8_t own_protocol)
{
	memset(rs, 0, sizeof(*rs));
	rs->own_protocol = own_protocol;
}

void route_resolver_free(struct route_resolver *rs)
{
	free(rs->table);
	free(rs->in_use);
	route_resolver_init(rs, rs->own_protocol);
}

void route_resolver_clear(struct route_resolver *rs)
{
	rs->n = 0;
}

/* Doubles the capacity of an array (*v, *cap elements of size bytes). */
static int grow(void **v, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *p = realloc(*v, n * size);

	if (p == NULL)
		return -1;
	*v = p;
	*cap = n;
	return 0;
}

int route_resolver_add(struct route_resolver *rs, const struct route *r, uint8_t protocol)
{
	if (protocol == rs->own_protocol)
		return 0;
	if (rs->n == rs->cap && grow((void **)&rs->table, &rs->cap, sizeof(*rs->table)) < 0)
		return -1;
	rs->table[rs->n].route = *r;
	rs->table[rs->n].protocol = protocol;
	rs->n++;
	return 0;
}

/* Longer prefix first; on the same prefix the lower metric (the kernel's). */
static bool better_match(const struct route *cand, const struct route *best)
{
	if (best == NULL || cand->dst.len != best->dst.len)
		return best == NULL || cand->dst.len > best->dst.len;
	return cand->metric < best->metric;
}

const struct route *route_resolver_lookup(const struct route_resolver *rs,
					  const struct ip_addr *a)
{
	const struct route *best = NULL;

	for (size_t i = 0; i < rs->n; i++) {
		const struct route *r = &rs->table[i].route;

		if (rs->table[i].protocol != rs->own_protocol &&
		    prefix_contains_addr(&r->dst, a) && better_match(r, best))
			best = r;
	}
	return best;
}

/* A next hop bound to an interface (BGP unnumbered, link-local) is on-link
 * by definition; only a bare gateway address is looked up. */
static bool needs_resolving(const struct nexthop *nh)
{
	return nh->gw.family != 0 && nh->ifindex == 0 && nh->ifname[0] == '\0';
}

/* Where a would go in the sorted in_use (its index when present). */
static size_t in_use_lower_bound(const struct route_resolver *rs, const struct ip_addr *a)
{
	size_t lo = 0, hi = rs->n_in_use;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ip_addr_cmp(&rs->in_use[mid], a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int in_use_insert(struct route_resolver *rs, const struct ip_addr *a)
{
	size_t at = in_use_lower_bound(rs, a);

	if (at < rs->n_in_use && ip_addr_equal(&rs->in_use[at], a))
		return 0;
	if (rs->n_in_use == rs->cap_in_use &&
	    grow((void **)&rs->in_use, &rs->cap_in_use, sizeof(*rs->in_use)) < 0)
		return -1;
	memmove(&rs->in_use[at + 1], &rs->in_use[at], (rs->n_in_use - at) * sizeof(*rs->in_use));
	rs->in_use[at] = *a;
	rs->n_in_use++;
	return 0;
}

/* Adds the distinct bare next hops of desired to in_use (sorted): each is
 * looked up once, however many routes share it (a cluster has as many as it
 * has nodes, so inserting in order costs less than sorting one per route). */
static int collect_in_use(struct route_resolver *rs, const struct route_set *desired)
{
	const struct ip_addr *last = NULL;

	for (size_t i = 0; i < desired->n; i++) {
		for (size_t k = 0; k < desired->routes[i].n_nh; k++) {
			const struct nexthop *nh = &desired->routes[i].nh[k];

			if (!needs_resolving(nh) || (last != NULL && ip_addr_equal(last, &nh->gw)))
				continue;
			if (in_use_insert(rs, &nh->gw) < 0)
				return -1;
			last = &nh->gw;
		}
	}
	return 0;
}

/* Where one distinct next hop leads. */
struct lookup {
	const struct route *via; /* NULL: nowhere */
	bool on_link;            /* via reaches it directly: the next hop stays */
};

static bool all_on_link(const struct route *via)
{
	if (via == NULL || via->type != ROUTE_UNICAST || via->n_nh == 0)
		return false;
	for (size_t k = 0; k < via->n_nh; k++)
		if (via->nh[k].gw.family != 0)
			return false;
	return true;
}

static const struct lookup *lookup_of(const struct route_resolver *rs, const struct lookup *lk,
				      const struct ip_addr *gw)
{
	return &lk[in_use_lower_bound(rs, gw)];
}

/* Appends where bgp_nh leads through via; NULL, or why it leads nowhere. A
 * gateway of via replaces the BGP next hop (exactly as the kernel reports it
 * back, so the installed route compares equal); an on-link next hop of via
 * (no gateway) keeps the BGP next hop itself. */
static const char *follow(const struct route *via, const struct nexthop *bgp_nh,
			  struct route *out, size_t max_nh)
{
	static const char *const dead[] = {
		[ROUTE_UNREACHABLE] = "unreachable", [ROUTE_BLACKHOLE] = "blackhole" };

	if (via == NULL)
		return "no route to it";
	if (via->type != ROUTE_UNICAST || via->n_nh == 0)
		return via->type != ROUTE_UNICAST ? dead[via->type] : "its route has no next hop";
	for (size_t k = 0; k < via->n_nh && out->n_nh < max_nh; k++)
		(void)route_add_nexthop(out, via->nh[k].gw.family != 0 ? &via->nh[k] : bgp_nh);
	return NULL;
}

static void note_unresolved(const struct route *via, const struct nexthop *nh, const char *why,
			    char *reason, size_t len)
{
	char gw[INET6_ADDRSTRLEN], dst[PREFIX_STRLEN];

	if (reason[0] != '\0')
		return; /* the first one tells the story */
	ip_addr_format(&nh->gw, gw, sizeof(gw));
	if (via != NULL)
		snprintf(reason, len, "next hop %s unresolved: its route %s is %s", gw,
			 prefix_format(&via->dst, dst, sizeof(dst)), why);
	else
		snprintf(reason, len, "next hop %s unresolved: %s", gw, why);
}

/* The common case, checked without copying: every next hop is on-link. */
static bool stays_as_is(const struct route_resolver *rs, const struct lookup *lk,
			const struct route *r)
{
	if (r->type != ROUTE_UNICAST)
		return true;
	for (size_t k = 0; k < r->n_nh; k++)
		if (needs_resolving(&r->nh[k]) && !lookup_of(rs, lk, &r->nh[k].gw)->on_link)
			return false;
	return true;
}

/* out = in with its next hops resolved. Returns how many next hops led
 * nowhere; reason names the first. */
static size_t resolve_route(const struct route_resolver *rs, const struct lookup *lk,
			    const struct route *in, struct route *out, size_t max_nh,
			    char *reason, size_t len)
{
	size_t lost = 0;

	*out = *in;
	out->n_nh = 0;
	reason[0] = '\0';
	for (size_t k = 0; k < in->n_nh; k++) {
		const struct route *via;
		const char *why;

		if (!needs_resolving(&in->nh[k])) {
			if (out->n_nh < max_nh)
				(void)route_add_nexthop(out, &in->nh[k]);
			continue;
		}
		via = lookup_of(rs, lk, &in->nh[k].gw)->via;
		if ((why = follow(via, &in->nh[k], out, max_nh)) != NULL) {
			note_unresolved(via, &in->nh[k], why, reason, len);
			lost++;
		}
	}
	route_canonicalize(out);
	return lost;
}

/* Keeps (at *kept) or drops desired->routes[i] after resolving it. */
static int resolve_one(const struct route_resolver *rs, const struct lookup *lk,
		       struct route_set *desired, size_t i, size_t *kept,
		       struct rejected_set *rejected, size_t max_nh)
{
	const struct route *r = &desired->routes[i];
	char reason[IMPORT_REASON_MAX], partial[IMPORT_REASON_MAX + 32];
	struct route out;
	size_t lost;

	if (stays_as_is(rs, lk, r)) {
		if (*kept != i)
			desired->routes[*kept] = *r;
		(*kept)++;
		return 0;
	}
	lost = resolve_route(rs, lk, r, &out, max_nh, reason, sizeof(reason));
	if (lost > 0 && out.n_nh > 0)
		snprintf(partial, sizeof(partial), "%zu next hop(s) dropped: %s", lost, reason);
	if (lost > 0 && rejected != NULL &&
	    rejected_set_add(rejected, r, out.n_nh > 0 ? partial : reason) < 0)
		return -1;
	if (out.n_nh > 0)
		desired->routes[(*kept)++] = out;
	return 0;
}

int route_resolve_set(struct route_resolver *rs, struct route_set *desired,
		      struct rejected_set *rejected, size_t max_nh)
{
	struct lookup *lk;
	size_t kept = 0;
	int rc = 0;

	if (collect_in_use(rs, desired) < 0)
		return -1;
	lk = calloc(rs->n_in_use ? rs->n_in_use : 1, sizeof(*lk));
	if (lk == NULL)
		return -1;
	for (size_t i = 0; i < rs->n_in_use; i++) {
		lk[i].via = route_resolver_lookup(rs, &rs->in_use[i]);
		lk[i].on_link = all_on_link(lk[i].via);
	}
	for (size_t i = 0; i < desired->n && rc == 0; i++)
		rc = resolve_one(rs, lk, desired, i, &kept, rejected, max_nh);
	if (rc == 0)
		desired->n = kept;
	free(lk);
	return rc;
}

void route_resolver_forget(struct route_resolver *rs)
{
	rs->n_in_use = 0;
}

bool route_resolver_covers(const struct route_resolver *rs, const struct prefix *p)
{
	for (size_t i = 0; i < rs->n_in_use; i++)
		if (prefix_contains_addr(p, &rs->in_use[i]))
			return true;
	return false;
}
