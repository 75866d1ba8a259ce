/* rtnetlink nexthop-object messages of kroute (internal to kroute*.c):
 * RTM_NEWNEXTHOP / RTM_DELNEXTHOP requests, parsing dumped objects, and the
 * nexthop id a route message carries. libnl 3.7 has no object for them. */
#ifndef BGP_KROUTE_NHG_MSG_H
#define BGP_KROUTE_NHG_MSG_H

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <stdint.h>

#include "kroute_nhg.h"

/* Create-only (an id another owner holds is refused, never overwritten). */
struct nl_msg *nhg_msg_create(const struct nhg_obj *o, uint8_t protocol);
/* Replaces an existing group's members (the routes on it follow at once). */
struct nl_msg *nhg_msg_replace(const struct nhg_obj *group, uint8_t protocol);
struct nl_msg *nhg_msg_delete(uint32_t id);
struct nl_msg *nhg_msg_dump_request(void);
/* A dumped or notified object; -1 for kinds we never make (blackhole, fdb,
 * encapsulation, resilient groups), which are still other owners' ids. */
int nhg_msg_parse(struct nlmsghdr *h, uint8_t protocol, struct nhg_obj *out);
/* The id of an RTM_NEWNEXTHOP/DELNEXTHOP message, 0 if none. */
uint32_t nhg_msg_id(struct nlmsghdr *h);
/* RTA_NH_ID of a route message; 0 when its next hops are inline. */
uint32_t nhg_msg_route_nh_id(struct nlmsghdr *h);
/* RTM_GETROUTE for one address (which interface reaches a gateway). */
struct nl_msg *nhg_msg_lookup_request(const struct ip_addr *gw);
/* RTA_OIF of the answer; 0 when none. */
int nhg_msg_lookup_oif(struct nlmsghdr *h);

#endif
