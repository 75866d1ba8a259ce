/* The kernel routing table through libnl-3: the agent's only writer of routes.
 * Every read and write is restricted to one routing table AND one rtnetlink
 * protocol number (the agent's own), so routes of other owners (zebra, the
 * kernel, an admin) are never touched. Also a monitor socket the daemon polls
 * to learn that a route of ours or a link changed. */
#ifndef BGP_KROUTE_H
#define BGP_KROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_set.h"

struct kroute;
struct kroute_monitor;

/* Return codes (0 = success). */
enum kroute_err {
	KROUTE_OK = 0,
	KROUTE_ERR_SOCKET = -1, /* could not open/talk to rtnetlink */
	KROUTE_ERR_KERNEL = -2, /* the kernel refused (its message is logged) */
	KROUTE_ERR_NOMEM = -3,
	KROUTE_ERR_ARG = -4,    /* route cannot be expressed (e.g. unknown interface name) */
};

/* table: 1..2^32-1 (254 = main); protocol: our rtnetlink protocol number. */
int kroute_open(struct kroute **kr, uint32_t table, uint8_t protocol);
void kroute_close(struct kroute *kr);

/* Reads every IPv4 and IPv6 route of our table and protocol into out (cleared
 * first, sorted on return): gateways, interfaces, multipath next hops and
 * IPv6 next hops of IPv4 routes (RTA_VIA); a route through a nexthop object
 * shows the object's next hops. Also re-reads the nexthop objects (routes
 * that share a next-hop set point at one group of ours, see
 * kroute_nexthop_gone()); ours that no route uses are deleted by the next
 * kroute_apply(). */
int kroute_dump(struct kroute *kr, struct route_set *out);

/* Create-or-replace one route (all of its next hops as one multipath route).
 * Next hops with only an ifname get their ifindex resolved here. */
int kroute_replace(struct kroute *kr, const struct route *r);
/* Deletes our route for r->dst with r->metric; ENOENT/ESRCH count as success. */
int kroute_delete(struct kroute *kr, const struct route *r);

/* Applies n operations (ADD: create only, REPLACE: create or replace,
 * DELETE: ours only), streamed: many requests per sendmsg(), and only the
 * last of each asks for an acknowledgement (the kernel reports failures
 * anyway, matched to their operation by sequence number). The cost is that
 * of the n operations, whatever the size of the table.
 * results[i] (may be NULL) receives each operation's code; every failure is
 * logged with the route and the kernel's message. Returns the number of
 * failed operations, or a negative kroute_err if the socket itself failed. */
int kroute_apply(struct kroute *kr, const struct route_op *ops, size_t n, int *results);

/* A next hop went away (a BGP peer went down): every nexthop group holding
 * it loses it in place, one kernel request whatever the number of routes,
 * and the kernel removes the routes whose only next hop it was. nh->gw is
 * the gateway; ifindex/ifname (0 / "") narrow it to one link. Returns the
 * number of groups changed, or a negative kroute_err. The routes' next hops
 * as a kroute_dump() now shows them changed; a later kroute_apply()
 * REPLACE asking for what a route already has sends nothing. */
int kroute_nexthop_gone(struct kroute *kr, const struct nexthop *nh);
/* "in use (G groups, N next hops)" or "refused: reason" (routes then carry
 * their next hops inline), for status. */
const char *kroute_nexthop_groups_status(const struct kroute *kr, char *buf, size_t len);

/* The anchor for one of the node's own pod CIDRs (route_make_anchor()). */
int kroute_anchor_install(struct kroute *kr, const struct prefix *dst);
int kroute_anchor_remove(struct kroute *kr, const struct prefix *dst);

/* --- monitor --------------------------------------------------------- */
/* A separate socket subscribed to IPv4/IPv6 route and link events. */
int kroute_monitor_open(struct kroute_monitor **m, uint32_t table, uint8_t protocol);
/* Lets the monitor check events of nexthop objects, and of routes through
 * them, against what kr made (without it: every deletion of an object of
 * our protocol is news, and routes compare by their next hops). */
void kroute_monitor_use(struct kroute_monitor *m, struct kroute *kr);
/* Non-blocking fd to put in poll() for POLLIN. */
int kroute_monitor_fd(const struct kroute_monitor *m);
/* Reads every pending event. *routes_changed: a route of our table and
 * protocol was deleted (also by us), or added/replaced (by anyone) so that it
 * is not one of ours (the routes the agent installed, sorted; NULL: any
 * addition is news), or a route of another protocol replaced one in our
 * table, or a nexthop object of ours was deleted or changed; *links_changed: a link appeared, disappeared or changed its
 * up/running state. Also true after the socket overflowed (events lost:
 * resync). Both are only set, never cleared. Returns 0 or a kroute_err. */
int kroute_monitor_drain(struct kroute_monitor *m, const struct route_set *ours,
			 bool *routes_changed, bool *links_changed);
void kroute_monitor_close(struct kroute_monitor *m);
/* Also asks watch(arg, dst) about every route event of another owner in our
 * table (nexthop tracking: kroute_resolve_route_changed()); when it returns
 * true, *routes_changed is set. Our own routes never reach it. */
void kroute_monitor_watch_others(struct kroute_monitor *m,
				 bool (*watch)(void *arg, const struct prefix *dst), void *arg);

const char *kroute_strerror(int err);

#endif
