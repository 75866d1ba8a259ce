/* Routes and sorted route sets; the diff that drives reconciliation. */
#include "route_set.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void route_set_init(struct route_set *s)
{
	memset(s, 0, sizeof(*s));
	s->sorted = true;
}

void route_set_free(struct route_set *s)
{
	free(s->routes);
	route_set_init(s);
}

void route_set_clear(struct route_set *s)
{
	s->n = 0;
	s->sorted = true;
}

static int route_set_reserve(struct route_set *s, size_t want)
{
	struct route *r;
	size_t cap = s->cap ? s->cap : 64;

	if (want <= s->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	r = realloc(s->routes, cap * sizeof(*r));
	if (r == NULL)
		return -1;
	s->routes = r;
	s->cap = cap;
	return 0;
}


int route_set_add(struct route_set *s, const struct route *r)
{
	if (route_set_reserve(s, s->n + 1) < 0)
		return -1;
	if (s->n > 0 && route_key_cmp(&s->routes[s->n - 1], r) > 0)
		s->sorted = false;
	s->routes[s->n++] = *r;
	return 0;
}

int nexthop_cmp(const struct nexthop *a, const struct nexthop *b)
{
	int c;

	if (a->gw.family != b->gw.family)
		return a->gw.family < b->gw.family ? -1 : 1;
	if (a->gw.family != 0 && (c = ip_addr_cmp(&a->gw, &b->gw)) != 0)
		return c;
	/* A name identifies the link even before its index is resolved. */
	if ((c = strcmp(a->ifname, b->ifname)) != 0)
		return c;
	if (a->ifname[0] == '\0' && a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return 0;
}

static int nexthop_qsort_cmp(const void *a, const void *b)
{
	return nexthop_cmp(a, b);
}

void route_canonicalize(struct route *r)
{
	qsort(r->nh, r->n_nh, sizeof(r->nh[0]), nexthop_qsort_cmp);
}

int route_add_nexthop(struct route *r, const struct nexthop *nh)
{
	if (r->n_nh >= ROUTE_MAX_NEXTHOPS)
		return -1;
	for (size_t i = 0; i < r->n_nh; i++)
		if (nexthop_cmp(&r->nh[i], nh) == 0)
			return -1;
	r->nh[r->n_nh++] = *nh;
	return 0;
}

int route_key_cmp(const struct route *a, const struct route *b)
{
	int c = prefix_cmp(&a->dst, &b->dst);

	if (c != 0)
		return c;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return 0;
}

static int route_qsort_cmp(const void *a, const void *b)
{
	return route_key_cmp(a, b);
}

void route_set_sort(struct route_set *s)
{
	s->sorted = true;
	if (s->n == 0) /* routes may be NULL, which qsort must not see */
		return;
	for (size_t i = 0; i < s->n; i++)
		route_canonicalize(&s->routes[i]);
	qsort(s->routes, s->n, sizeof(s->routes[0]), route_qsort_cmp);
}

int route_set_merge(struct route_set *dst, const struct route_set *src)
{
	size_t old_n = dst->n;
	bool old_sorted = dst->sorted;

	for (size_t i = 0; i < src->n; i++)
		if (route_set_add(dst, &src->routes[i]) < 0) {
			dst->n = old_n;
			dst->sorted = old_sorted;
			return -1;
		}
	if (!dst->sorted)
		route_set_sort(dst);
	return 0;
}

const struct route *route_set_find(const struct route_set *s, const struct prefix *dst)
{
	size_t lo = 0, hi = s->n;

	assert(s->sorted);
	/* Lower bound, so that the first of several metrics is found. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_cmp(&s->routes[mid].dst, dst) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && prefix_equal(&s->routes[lo].dst, dst))
		return &s->routes[lo];
	return NULL;
}

long route_set_add_missing(struct route_set *dst, const struct route_set *src,
			   bool (*pick)(const struct prefix *, void *), void *arg)
{
	struct route_set missing;
	long n = -1;

	/* Collected apart and merged once: appending to dst while looking
	 * routes up in it would break its order mid-loop (a route sorting
	 * before one already there hid that one, which was then added twice). */
	route_set_init(&missing);
	for (size_t i = 0; i < src->n; i++) {
		const struct route *r = &src->routes[i];

		if ((pick != NULL && !pick(&r->dst, arg)) || route_set_find(dst, &r->dst) != NULL)
			continue;
		if (route_set_add(&missing, r) < 0)
			goto out;
	}
	if (route_set_merge(dst, &missing) == 0)
		n = (long)missing.n;
out:
	route_set_free(&missing);
	return n;
}

bool route_set_contains(const struct route_set *s, const struct route *r)
{
	const struct route *k = route_set_find(s, &r->dst);

	for (; k != NULL && k < s->routes + s->n && prefix_equal(&k->dst, &r->dst); k++)
		if (route_equal(k, r))
			return true;
	return false;
}

/* Both routes canonical (sorted next hops), as in a sorted set. */
bool route_equal(const struct route *a, const struct route *b)
{
	if (route_key_cmp(a, b) != 0 || a->type != b->type || a->n_nh != b->n_nh)
		return false;
	for (size_t i = 0; i < a->n_nh; i++)
		if (nexthop_cmp(&a->nh[i], &b->nh[i]) != 0)
			return false;
	return true;
}

static const char *const route_type_names[] = {
	[ROUTE_UNICAST] = "",
	[ROUTE_UNREACHABLE] = "unreachable ",
	[ROUTE_BLACKHOLE] = "blackhole ",
};

static size_t format_nexthop(const struct nexthop *nh, char *buf, size_t len)
{
	char gw[INET6_ADDRSTRLEN] = "";
	int n;

	if (nh->gw.family != 0)
		ip_addr_format(&nh->gw, gw, sizeof(gw));
	if (nh->ifname[0] != '\0')
		n = snprintf(buf, len, "%s%s%sdev %s", gw[0] ? "via " : "", gw, gw[0] ? " " : "",
			     nh->ifname);
	else if (nh->ifindex > 0)
		n = snprintf(buf, len, "%s%s%sifindex %d", gw[0] ? "via " : "", gw,
			     gw[0] ? " " : "", nh->ifindex);
	else
		n = snprintf(buf, len, "via %s", gw);
	return n < 0 ? 0 : (size_t)n;
}

const char *route_format(const struct route *r, char *buf, size_t len)
{
	char dst[PREFIX_STRLEN];
	size_t off;
	int n;

	n = snprintf(buf, len, "%s%s", route_type_names[r->type], prefix_format(&r->dst, dst, sizeof(dst)));
	off = n < 0 ? 0 : (size_t)n;
	for (size_t i = 0; i < r->n_nh && off < len; i++) {
		off += (size_t)snprintf(buf + off, len - off, "%s", i ? ", " : " ");
		if (off < len)
			off += format_nexthop(&r->nh[i], buf + off, len - off);
	}
	if (off < len)
		snprintf(buf + off, len - off, " metric %u", (unsigned)r->metric);
	return buf;
}

void route_make_anchor(const struct prefix *dst, struct route *out)
{
	memset(out, 0, sizeof(*out));
	out->dst = *dst;
	out->type = ROUTE_UNREACHABLE;
	out->metric = ROUTE_METRIC_ANCHOR;
}

/* --- diff ------------------------------------------------------------ */

struct diff_out {
	struct route_set *add, *replace, *del;
};

/* Index one past the last route with the same prefix as routes[i]. */
static size_t group_end(const struct route_set *s, size_t i)
{
	size_t j = i + 1;

	while (j < s->n && prefix_equal(&s->routes[j].dst, &s->routes[i].dst))
		j++;
	return j;
}

/* One prefix present on both sides: desired routes [di, de), actual [ai, ae),
 * each group sorted by metric. Equal metrics pair up; the rest are adds/deletes. */
static int diff_group(const struct route_set *d, size_t di, size_t de,
		      const struct route_set *a, size_t ai, size_t ae, struct diff_out *o)
{
	while (di < de || ai < ae) {
		const struct route *dr = di < de ? &d->routes[di] : NULL;
		const struct route *ar = ai < ae ? &a->routes[ai] : NULL;
		int c = !dr ? 1 : !ar ? -1 : route_key_cmp(dr, ar);
		int rc = 0;

		if (c < 0) {
			rc = route_set_add(o->add, dr);
			di++;
		} else if (c > 0) {
			rc = route_set_add(o->del, ar);
			ai++;
		} else {
			if (!route_equal(dr, ar))
				rc = route_set_add(o->replace, dr);
			di++;
			ai++;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int diff_step(const struct route_set *desired, size_t *di, const struct route_set *actual,
		     size_t *ai, struct diff_out *o)
{
	const struct route *dr = *di < desired->n ? &desired->routes[*di] : NULL;
	const struct route *ar = *ai < actual->n ? &actual->routes[*ai] : NULL;
	int c = !dr ? 1 : !ar ? -1 : prefix_cmp(&dr->dst, &ar->dst);
	size_t de = *di, ae = *ai;

	if (c <= 0)
		de = group_end(desired, *di);
	if (c >= 0)
		ae = group_end(actual, *ai);
	if (diff_group(desired, *di, de, actual, *ai, ae, o) < 0)
		return -1;
	*di = de;
	*ai = ae;
	return 0;
}

int route_diff(const struct route_set *desired, const struct route_set *actual,
	       struct route_set *add, struct route_set *replace, struct route_set *del)
{
	struct diff_out o = { add, replace, del };
	size_t di = 0, ai = 0;

	assert(desired->sorted && actual->sorted);
	route_set_clear(add);
	route_set_clear(replace);
	route_set_clear(del);
	while (di < desired->n || ai < actual->n)
		if (diff_step(desired, &di, actual, &ai, &o) < 0)
			return -1;
	return 0;
}
