/* Bookkeeping of kernel nexthop objects and of the routes that use them. */
#include "kroute_nhg.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_ID 1u

void nhg_table_init(struct nhg_table *t)
{
	memset(t, 0, sizeof(*t));
	t->next_id = FIRST_ID;
}

void nhg_table_free(struct nhg_table *t)
{
	free(t->objs);
	free(t->routes);
	nhg_table_init(t);
}

void nhg_table_clear(struct nhg_table *t)
{
	t->n_objs = 0;
	t->n_routes = 0;
	if (t->routes != NULL)
		memset(t->routes, 0, t->cap_routes * sizeof(*t->routes));
}

struct nhg_obj *nhg_find(struct nhg_table *t, uint32_t id)
{
	for (size_t i = 0; id != 0 && i < t->n_objs; i++)
		if (t->objs[i].id == id)
			return &t->objs[i];
	return NULL;
}

struct nhg_obj *nhg_add(struct nhg_table *t, const struct nhg_obj *o)
{
	if (t->n_objs == t->cap_objs) {
		size_t cap = t->cap_objs ? t->cap_objs * 2 : 16;
		struct nhg_obj *v = realloc(t->objs, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		t->objs = v;
		t->cap_objs = cap;
	}
	t->objs[t->n_objs] = *o;
	t->objs[t->n_objs].users = 0;
	return &t->objs[t->n_objs++];
}

static void drop_member(struct nhg_table *t, uint32_t id);

static void release(struct nhg_table *t, uint32_t id)
{
	struct nhg_obj *o = nhg_find(t, id);

	if (o != NULL && o->users > 0)
		o->users--;
}

void nhg_hold_members(struct nhg_table *t, const struct nhg_obj *group)
{
	for (size_t i = 0; i < group->n_members; i++) {
		struct nhg_obj *m = nhg_find(t, group->members[i]);

		if (m != NULL)
			m->users++;
	}
}

/* Groups holding a vanished member lose it, and an emptied group vanishes
 * too, as in the kernel. */
static void drop_member(struct nhg_table *t, uint32_t id)
{
	for (size_t i = 0; i < t->n_objs; i++) {
		struct nhg_obj *g = &t->objs[i];

		for (size_t j = 0; g->is_group && j < g->n_members; j++)
			if (g->members[j] == id) {
				memmove(&g->members[j], &g->members[j + 1],
					(g->n_members - j - 1) * sizeof(g->members[0]));
				g->n_members--;
				break;
			}
		if (g->is_group && g->n_members == 0 && g->id != 0) {
			nhg_remove(t, g->id);
			i = (size_t)-1; /* the array changed: again from the start */
		}
	}
}

void nhg_set_members(struct nhg_table *t, struct nhg_obj *group, const uint32_t *ids, size_t n)
{
	for (size_t i = 0; i < group->n_members; i++)
		release(t, group->members[i]);
	memcpy(group->members, ids, n * sizeof(ids[0]));
	group->n_members = n;
	nhg_hold_members(t, group);
}

void nhg_remove(struct nhg_table *t, uint32_t id)
{
	struct nhg_obj *o = nhg_find(t, id);
	struct nhg_obj gone;

	if (o == NULL)
		return;
	gone = *o;
	*o = t->objs[--t->n_objs];
	for (size_t i = 0; gone.is_group && i < gone.n_members; i++)
		release(t, gone.members[i]);
	if (!gone.is_group)
		drop_member(t, id);
}

static bool link_local(const struct ip_addr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->u.v6);
}

struct nhg_obj *nhg_find_member(struct nhg_table *t, const struct nexthop *nh)
{
	for (size_t i = 0; i < t->n_objs; i++) {
		struct nhg_obj *o = &t->objs[i];

		if (!o->ours || o->is_group || !ip_addr_equal(&o->nh.gw, &nh->gw))
			continue;
		if (!link_local(&nh->gw) || o->nh.ifindex == nh->ifindex)
			return o;
	}
	return NULL;
}

static bool same_set(const struct nhg_obj *o, const uint32_t *ids, size_t n)
{
	if (!o->is_group)
		return n == 1 && ids[0] == o->id;
	return o->n_members == n && memcmp(o->members, ids, n * sizeof(ids[0])) == 0;
}

bool nhg_is_set(struct nhg_table *t, uint32_t id, const uint32_t *ids, size_t n)
{
	struct nhg_obj *o = nhg_find(t, id);

	return o != NULL && o->ours && same_set(o, ids, n);
}

struct nhg_obj *nhg_find_set(struct nhg_table *t, const uint32_t *ids, size_t n)
{
	if (n == 1)
		return nhg_find(t, ids[0]);
	for (size_t i = 0; i < t->n_objs; i++) {
		struct nhg_obj *o = &t->objs[i];

		if (o->is_group && (o->ours || o->refused) && same_set(o, ids, n))
			return o;
	}
	return NULL;
}

uint32_t nhg_new_id(struct nhg_table *t)
{
	while (t->next_id == 0 || nhg_find(t, t->next_id) != NULL)
		t->next_id++;
	return t->next_id++;
}

/* --- routes ------------------------------------------------------------ */

static size_t route_hash(const struct prefix *dst, uint32_t metric)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	size_t len = ip_addr_len(dst->addr.family);

	for (size_t i = 0; i < len; i++)
		h = (h ^ dst->addr.u.bytes[i]) * 1099511628211ull;
	h = (h ^ dst->len) * 1099511628211ull;
	h = (h ^ (uint64_t)dst->addr.family) * 1099511628211ull;
	return (size_t)((h ^ metric) * 1099511628211ull);
}

static bool route_key_equal(const struct nhg_route *e, const struct prefix *dst, uint32_t metric)
{
	return e->metric == metric && prefix_equal(&e->dst, dst);
}

/* The slot holding (dst, metric), or the free slot where it would go. */
static struct nhg_route *route_slot(const struct nhg_table *t, const struct prefix *dst,
				    uint32_t metric)
{
	size_t mask = t->cap_routes - 1, i = route_hash(dst, metric) & mask;

	while (t->routes[i].id != 0 && !route_key_equal(&t->routes[i], dst, metric))
		i = (i + 1) & mask;
	return &t->routes[i];
}

uint32_t nhg_route_get(const struct nhg_table *t, const struct prefix *dst, uint32_t metric)
{
	return t->cap_routes ? route_slot(t, dst, metric)->id : 0;
}

static int routes_grow(struct nhg_table *t)
{
	struct nhg_route *old = t->routes;
	size_t old_cap = t->cap_routes, cap = old_cap ? old_cap * 2 : 1024;

	t->routes = calloc(cap, sizeof(*t->routes));
	if (t->routes == NULL) {
		t->routes = old;
		return -1;
	}
	t->cap_routes = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].id != 0)
			*route_slot(t, &old[i].dst, old[i].metric) = old[i];
	free(old);
	return 0;
}

/* Backward-shift deletion: later entries of the same probe run move up so
 * lookups never stop at a hole. */
static void route_erase(struct nhg_table *t, struct nhg_route *e)
{
	size_t mask = t->cap_routes - 1, i = (size_t)(e - t->routes), j = i;

	for (;;) {
		size_t home;

		t->routes[i].id = 0;
		do {
			j = (j + 1) & mask;
			if (t->routes[j].id == 0)
				return;
			home = route_hash(&t->routes[j].dst, t->routes[j].metric) & mask;
		} while (i <= j ? (i < home && home <= j) : (i < home || home <= j));
		t->routes[i] = t->routes[j];
		i = j;
	}
}

int nhg_route_set(struct nhg_table *t, const struct prefix *dst, uint32_t metric, uint32_t id)
{
	struct nhg_route *e;
	struct nhg_obj *o;

	if (id != 0 && (t->n_routes + 1) * 2 > t->cap_routes && routes_grow(t) < 0)
		return -1;
	if (t->cap_routes == 0)
		return 0;
	e = route_slot(t, dst, metric);
	if (e->id != 0)
		release(t, e->id);
	if (id == 0) {
		if (e->id != 0) {
			route_erase(t, e);
			t->n_routes--;
		}
		return 0;
	}
	if (e->id == 0)
		t->n_routes++;
	*e = (struct nhg_route){ *dst, metric, id };
	if ((o = nhg_find(t, id)) != NULL)
		o->users++;
	return 0;
}

void nhg_routes_prune(struct nhg_table *t)
{
	for (size_t i = 0; i < t->cap_routes; i++) {
		struct nhg_obj *o;

		while (t->routes[i].id != 0 &&
		       ((o = nhg_find(t, t->routes[i].id)) == NULL || (o->is_group && o->n_members == 0))) {
			route_erase(t, &t->routes[i]);
			t->n_routes--;
		}
	}
}

static void expand_member(const struct nhg_obj *m, struct nexthop *nh)
{
	memset(nh, 0, sizeof(*nh));
	nh->gw = m->nh.gw;
	if (link_local(&m->nh.gw)) {
		nh->ifindex = m->nh.ifindex;
		memcpy(nh->ifname, m->nh.ifname, sizeof(nh->ifname));
	}
}

int nhg_expand(struct nhg_table *t, uint32_t id, struct route *r)
{
	struct nhg_obj *o = nhg_find(t, id);

	r->n_nh = 0;
	if (o == NULL)
		return -1;
	if (!o->is_group) {
		expand_member(o, &r->nh[r->n_nh++]);
		return 0;
	}
	for (size_t i = 0; i < o->n_members && r->n_nh < ROUTE_MAX_NEXTHOPS; i++) {
		struct nhg_obj *m = nhg_find(t, o->members[i]);

		if (m == NULL)
			return -1;
		expand_member(m, &r->nh[r->n_nh++]);
	}
	return 0;
}
