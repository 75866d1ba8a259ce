/* Recursive next hops, as zebra's nexthop tracking does for it: a BGP next
 * hop that is not on-link (iBGP through route reflectors to a node in another
 * rack) is installed via the route that reaches it. The resolver holds the
 * kernel routes of other owners in the agent's table (connected, static,
 * default); each BGP next hop is looked up there (longest prefix, then lowest
 * metric) and replaced by that route's gateways, all of them when it is
 * multipath. A next hop covered by an on-link route (no gateway) stays as it
 * is. Routes of our own protocol (other BGP routes, the anchors) never
 * resolve anything: they are pod CIDRs, where no node address lives, and
 * resolving through them would make routes depend on each other's order.
 * Pure logic: kroute_resolve.c fills the table from the kernel. */
#ifndef BGP_ROUTE_RESOLVE_H
#define BGP_ROUTE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_set.h"
#include "route_sync.h"

struct resolve_route {
	struct route route;
	uint8_t protocol; /* rtnetlink protocol of its owner */
};

struct route_resolver {
	uint8_t own_protocol;
	struct resolve_route *table; /* routes of other owners, in no order */
	size_t n, cap;
	struct ip_addr *in_use; /* distinct BGP next hops watched since the last forget, sorted */
	size_t n_in_use, cap_in_use;
};

void route_resolver_init(struct route_resolver *rs, uint8_t own_protocol);
void route_resolver_free(struct route_resolver *rs);
/* Empties the table (before re-reading it); keeps the memory. */
void route_resolver_clear(struct route_resolver *rs);
/* Adds one kernel route of the table; routes of own_protocol are ignored.
 * -1 on ENOMEM. */
int route_resolver_add(struct route_resolver *rs, const struct route *r, uint8_t protocol);
/* The route the kernel would use for a (longest prefix, lowest metric, own
 * protocol skipped), or NULL. A blackhole or unreachable route is returned
 * as such: a next hop behind it is not reachable. */
const struct route *route_resolver_lookup(const struct route_resolver *rs,
					  const struct ip_addr *a);
/* Resolves every unicast route of desired (the whole set or some prefixes of
 * it) in place (anchors and routes whose
 * next hops name an interface are left as they are): next hops are replaced
 * by those of the resolving routes, at most max_nh per route. A route with no
 * resolvable next hop is removed and added to rejected (may be NULL) with
 * the reason; one that lost some of its next hops is kept and also listed.
 * desired stays sorted. Adds its distinct next hops to those watched by
 * route_resolver_covers(). 0, or -1 on ENOMEM (desired is then unusable). */
int route_resolve_set(struct route_resolver *rs, struct route_set *desired,
		      struct rejected_set *rejected, size_t max_nh);
/* Forgets the watched next hops (of routes that may be gone): the next
 * resolve must be over the whole desired set. */
void route_resolver_forget(struct route_resolver *rs);
/* True when p contains a BGP next hop watched since the last forget: a change of a
 * route for p may change where that next hop leads. */
bool route_resolver_covers(const struct route_resolver *rs, const struct prefix *p);

#endif
