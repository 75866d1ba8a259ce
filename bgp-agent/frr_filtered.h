/* Parses bgpd's `show bgp ipv4|ipv6 unicast neighbors PEER filtered-routes
 * json`: the routes a peer sent that FRR's inbound policy (the rendered
 * prefix-lists/route-maps) refused. Available only with `soft-reconfiguration
 * inbound` (Adj-RIB-In); used by `bgp-agent status` to list them with a reason. */
#ifndef BGP_AGENT_FRR_FILTERED_H
#define BGP_AGENT_FRR_FILTERED_H

#include <stddef.h>

#include "route_set.h"

#define FRR_FILTERED_CMD_FMT "show bgp %s unicast neighbors %s filtered-routes json"

/* Appends one route per filtered prefix (next hop as sent). 0, or -1 with a
 * message in err (e.g. FRR answered with text because Adj-RIB-In is off). */
int frr_filtered_parse(const char *json, size_t len, struct route_set *out, char *err,
		       size_t errlen);

#endif
