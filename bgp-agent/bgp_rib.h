/* Parses bgpd's JSON (received over the vty socket) into plain structs:
 * the best paths of `show bgp ipv4|ipv6 unicast json` as routes, and the
 * cheap change counter (table version) used to skip fetching the full table
 * in steady state. Parsing only: nothing here talks to FRR or the kernel. */
#ifndef BGP_RIB_H
#define BGP_RIB_H

#include <stddef.h>
#include <stdint.h>

#include "route_set.h"

/* The full tables (about 290 bytes per IPv4 prefix). */
#define BGP_RIB_CMD_V4 "show bgp ipv4 unicast json"
#define BGP_RIB_CMD_V6 "show bgp ipv6 unicast json"
/* Small answers holding the table version of one address family. */
#define BGP_RIB_VERSION_CMD_V4 "show bgp ipv4 unicast summary json"
#define BGP_RIB_VERSION_CMD_V6 "show bgp ipv6 unicast summary json"

struct bgp_rib_stats {
	size_t prefixes;  /* prefixes in the JSON */
	size_t routes;    /* routes appended (prefixes with a usable best path) */
	size_t no_best;   /* prefixes without a valid best path (skipped) */
	size_t bad_paths; /* paths whose next hop could not be used (logged) */
	size_t local;     /* prefixes whose best path is our own (skipped) */
	uint64_t table_version;
};

/* Appends one route per prefix with a best path: the best path's next hop and
 * those of every valid "multipath" path (ECMP), metric ROUTE_METRIC_LEARNED.
 * An IPv6 link-local next hop carries its interface name (BGP unnumbered,
 * RFC 5549, also for IPv4 prefixes) -- but FRR 8.4's JSON does not name it:
 * such next hops come back with ifname "" and must be completed with
 * bgp_peers_resolve_ifnames() (bgp_peers.h) from `show bgp neighbors json`;
 * the import policy refuses link-local next hops without an interface.
 * Locally originated paths (our own `network`s) are never routes.
 * Call route_set_sort() afterwards.
 * json need not be NUL-terminated. Returns 0, or -1 with a message in err
 * (e.g. "invalid JSON at byte 1234: expected ':'"); after a failure out may
 * hold some of the routes: discard it. stats may be NULL. */
int bgp_rib_parse(const char *json, size_t len, struct route_set *out,
		  struct bgp_rib_stats *stats, char *err, size_t errlen);

/* One prefix: `show bgp ipv4|ipv6 unicast PREFIX json` (exact match). */
#define BGP_RIB_PREFIX_CMD_FMT "show bgp %s unicast %s json" /* "ipv4"|"ipv6", prefix */

/* The same for the answer about one prefix (BGP_RIB_PREFIX_CMD_FMT), with the
 * same rules: appends at most one route. An unnumbered peer's link-local next
 * hop gets the interface bgpd names there. "{}" (bgpd holds no path for the
 * prefix) appends nothing and counts no prefix; a prefix without a best path
 * counts in stats->no_best. */
int bgp_rib_parse_prefix(const char *json, size_t len, struct route_set *out,
			 struct bgp_rib_stats *stats, char *err, size_t errlen);

/* Reads the table version from the answer of BGP_RIB_VERSION_CMD_V4/V6 (or of
 * the full table). It changes whenever bgpd's best paths of that family change
 * and stays the same in steady state. A missing BGP instance (no `router bgp`
 * yet: FRR answers "{}") gives 0 and *version = 0. */
int bgp_rib_parse_version(const char *json, size_t len, uint64_t *version,
			  char *err, size_t errlen);

#endif
