/* rtnetlink messages of kroute (internal to kroute.c / kroute_monitor.c):
 * building route requests, converting dumped routes, reading acknowledgements. */
#ifndef BGP_KROUTE_MSG_H
#define BGP_KROUTE_MSG_H

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <stdint.h>

#include "route_set.h"

/* Receive buffer size, extended acks, capped acks, strict dump checking. */
void kroute_sock_tune(struct nl_sock *sk);
/* RTM_GETROUTE dump of one family, filtered by table and protocol. */
struct nl_msg *kroute_msg_dump_request(int family, uint32_t table, uint8_t protocol);
/* The request for one operation (with NLM_F_ACK); nh_id != 0: the route
 * points at that nexthop object instead of carrying its next hops. Returns
 * a kroute_err. */
int kroute_msg_build(const struct route_op *op, uint32_t table, uint8_t protocol,
		     uint32_t nh_id, struct nl_msg **out);
/* The interface of a next hop (resolving its name). A kroute_err. */
int kroute_msg_nexthop_ifindex(const struct nexthop *nh, int *ifindex);
/* Destination and metric of a route message (its identity). 0 or -1. */
int kroute_msg_route_key(struct nlmsghdr *h, struct prefix *dst, uint32_t *metric);
/* The kernel's explanation in an error message (extended ack), or NULL. */
const char *kroute_msg_ext_ack(const struct nlmsghdr *h);
/* A dumped route as ours; -1 for kinds we never install (skipped). */
int kroute_msg_to_route(struct rtnl_route *rt, struct route *out);
/* The errno (negative) of an NLMSG_ERROR acknowledgement; 0 = success. */
int kroute_msg_ack_error(const struct nlmsghdr *h);
/* Logs a failed operation: the route, the error and the kernel's own message
 * (extended ack) when ack carries one. err: negative errno, or a kroute_err
 * when ack is NULL. */
void kroute_msg_log_failure(const struct route_op *op, int err, const struct nlmsghdr *ack);

#endif
