/* Kernel nexthop objects as kroute knows them (internal to kroute*.c): the
 * member next hops and groups in the kernel, how many users each has, and
 * which object each route of ours points at. Pure bookkeeping: nothing here
 * talks to the kernel. Objects are few (one per distinct next hop and per
 * distinct next-hop set), so they are searched linearly; routes are many and
 * live in a hash keyed by (destination, metric). */
#ifndef BGP_KROUTE_NHG_H
#define BGP_KROUTE_NHG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_set.h"

struct nhg_obj {
	uint32_t id;
	bool ours;       /* our protocol; another owner's object is only read */
	bool is_group;
	struct nexthop nh; /* member: gateway and the kernel's interface (+ name) */
	uint32_t members[ROUTE_MAX_NEXTHOPS]; /* group: member ids, sorted */
	size_t n_members;
	size_t users;    /* routes pointing at it + groups holding it */
	bool refused;    /* id 0: a set the kernel would not make a group of */
};

struct nhg_route {
	struct prefix dst;
	uint32_t metric;
	uint32_t id; /* 0: free slot */
};

struct nhg_table {
	struct nhg_obj *objs;
	size_t n_objs, cap_objs;
	struct nhg_route *routes; /* open addressing, linear probing */
	size_t n_routes, cap_routes;
	uint32_t next_id;
};

void nhg_table_init(struct nhg_table *t);
void nhg_table_free(struct nhg_table *t);
void nhg_table_clear(struct nhg_table *t); /* forgets everything, keeps memory */

struct nhg_obj *nhg_find(struct nhg_table *t, uint32_t id);
/* Adds a copy (users recomputed by the caller's route/group links). NULL on ENOMEM. */
struct nhg_obj *nhg_add(struct nhg_table *t, const struct nhg_obj *o);
/* Forgets object id; a group releases its members. */
void nhg_remove(struct nhg_table *t, uint32_t id);
/* A group takes a reference on each of its members (call once per group). */
void nhg_hold_members(struct nhg_table *t, const struct nhg_obj *group);

/* A group's members become ids (sorted), moving their references. */
void nhg_set_members(struct nhg_table *t, struct nhg_obj *group, const uint32_t *ids, size_t n);
/* Our member for route next hop nh (same gateway; same link for a link-local one). */
struct nhg_obj *nhg_find_member(struct nhg_table *t, const struct nexthop *nh);
/* Our object whose next hops are exactly the members ids (sorted): the member
 * itself for one, a group for more (or the refused marker of that set). */
struct nhg_obj *nhg_find_set(struct nhg_table *t, const uint32_t *ids, size_t n);
bool nhg_is_set(struct nhg_table *t, uint32_t id, const uint32_t *ids, size_t n);
/* An id no object in the kernel has (as far as we know). */
uint32_t nhg_new_id(struct nhg_table *t);

/* The object our route (dst, metric) points at; 0: inline next hops or unknown. */
uint32_t nhg_route_get(const struct nhg_table *t, const struct prefix *dst, uint32_t metric);
/* Points the route at id (0: at none), moving the reference. -1 on ENOMEM. */
int nhg_route_set(struct nhg_table *t, const struct prefix *dst, uint32_t metric, uint32_t id);
/* Forgets every route pointing at objects that no longer exist. */
void nhg_routes_prune(struct nhg_table *t);

/* The next hops of object id into r (as a dump without objects shows them:
 * the interface only for a link-local gateway). -1 when id is unknown. */
int nhg_expand(struct nhg_table *t, uint32_t id, struct route *r);

#endif
