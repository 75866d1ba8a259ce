/* The prefixes one incremental step is about (the ones bgpd's feed reported
 * changed), and the set operations restricted to them: take the routes of
 * those prefixes out of a set, or replace them. Pure logic. */
#ifndef BGP_AGENT_ROUTE_SCOPE_H
#define BGP_AGENT_ROUTE_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "route_set.h"

struct route_scope {
	const struct prefix *v; /* sorted, unique (route_scope_normalize) */
	size_t n;
};

/* Sorts v[0..n) and drops duplicates in place; returns the new count. */
size_t route_scope_normalize(struct prefix *v, size_t n);
bool route_scope_has(const struct route_scope *sc, const struct prefix *p);
/* Appends to out (kept sorted) the routes of the sorted set src whose prefix
 * is in the scope, every metric. -1 on ENOMEM. */
int route_set_select(const struct route_set *src, const struct route_scope *sc,
		     struct route_set *out);
/* The routes of the sorted set s whose prefix is in the scope are replaced by
 * those of with (sorted; routes outside the scope are added as well). One
 * pass, whatever the size of the scope. -1 on ENOMEM (s unchanged). */
int route_set_splice(struct route_set *s, const struct route_scope *sc,
		     const struct route_set *with);

#endif
