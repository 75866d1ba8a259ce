/* Nexthop tracking against the kernel: the routes of other owners in the
 * agent's table (read-only), through which route_resolve.c resolves BGP next
 * hops that are not on-link. The table is re-read only when it may have
 * changed: a route event of another owner in our table (reported by the
 * route monitor), a link change, the periodic resync. Our own route churn
 * never causes a re-read. */
#ifndef BGP_KROUTE_RESOLVE_H
#define BGP_KROUTE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_resolve.h"
#include "route_set.h"
#include "route_sync.h"

struct kroute_resolve;

/* table: the agent's routing table; protocol: ours (never resolves). */
int kroute_resolve_open(struct kroute_resolve **out, uint32_t table, uint8_t protocol);
void kroute_resolve_close(struct kroute_resolve *kres);
/* The table must be read again before the next resolve (links changed,
 * resync), which must be over the whole desired set: the watched next hops
 * are forgotten (resolves of some prefixes only add to them). */
void kroute_resolve_invalidate(struct kroute_resolve *kres);
/* For kroute_monitor_watch_others(): a route of another owner for dst
 * changed. Marks the table for re-reading; true when dst contains a next hop
 * in use, i.e. the installed routes may have to follow. */
bool kroute_resolve_route_changed(void *kres, const struct prefix *dst);
/* route_resolve_set() over desired (all routes or some prefixes), re-reading the kernel first when needed
 * (a failed read keeps the last table, logged, and is retried next time).
 * 0, or -1 on ENOMEM (desired is then unusable). */
int kroute_resolve_apply(struct kroute_resolve *kres, struct route_set *desired,
			 struct rejected_set *rejected, size_t max_nh);

#endif
