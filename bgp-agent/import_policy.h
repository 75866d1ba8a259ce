/* Defence in depth: the import check applied to every learned route before it
 * goes into the kernel, whatever FRR's own policy let through. Accepts only
 * prefixes inside a cluster pod CIDR with exactly the node mask of their
 * family, never a default route, never one overlapping the node's own pod
 * CIDRs; next hops must not be unspecified, multicast/loopback or the node's
 * own address. Pure logic over struct agent_config. */
#ifndef BGP_IMPORT_POLICY_H
#define BGP_IMPORT_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "route_set.h"

/* Enough for the longest reason with two quoted prefixes. */
#define IMPORT_REASON_MAX 160

enum import_verdict {
	IMPORT_ACCEPT,          /* install as is */
	IMPORT_ACCEPT_PARTIAL,  /* some next hops were dropped (reason says which), install the rest */
	IMPORT_REJECT,          /* never install; reason says why */
};

/* Only the destination: e.g. "10.245.1.0/24 is outside the cluster pod CIDRs". */
bool import_policy_prefix_ok(const struct agent_config *cfg, const struct prefix *dst,
			     char *reason, size_t len);
/* One next hop of a route to a destination of family dst_family. */
bool import_policy_nexthop_ok(const struct agent_config *cfg, int dst_family,
			      const struct nexthop *nh, char *reason, size_t len);
/* The whole route: checks the prefix, removes unacceptable next hops in place,
 * rejects the route if none remain. reason is "" on IMPORT_ACCEPT. */
enum import_verdict import_policy_apply(const struct agent_config *cfg, struct route *r,
					char *reason, size_t len);

#endif
