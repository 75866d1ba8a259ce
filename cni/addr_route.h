/* Addresses and routes on a link (libnl-3), in the socket's namespace. */
#ifndef CNI_ADDR_ROUTE_H
#define CNI_ADDR_ROUTE_H

#include <netlink/netlink.h>
#include <stdbool.h>

#include "cni_error.h"
#include "prefix.h"

#define ADDR_NODAD 1       /* IPv6: no duplicate address detection */
#define ADDR_TOLERATE_EXIST 2 /* a concurrent ADD may have added it */

/* 0 added, 1 already present (with ADDR_TOLERATE_EXIST), -1 error. */
int addr_add(struct nl_sock *sk, int ifindex, const struct ip_addr *a, unsigned plen,
	     int flags, struct cni_err *err);
int addr_del(struct nl_sock *sk, int ifindex, const struct ip_addr *a, unsigned plen,
	     struct cni_err *err);
/* Global addresses of family on ifindex: up to max into out; count or -1. */
int addr_list(struct nl_sock *sk, int ifindex, int family, struct prefix *out, int max,
	      struct cni_err *err);
/* Route dst via gw (gw NULL: on-link) out of ifindex; EEXIST tolerated. */
int route_add(struct nl_sock *sk, int ifindex, const struct prefix *dst,
	      const struct ip_addr *gw, struct cni_err *err);
/* 1 when a main-table route to dst via gw (if given) exists, 0 if not, -1. */
int route_exists(struct nl_sock *sk, const struct prefix *dst, const struct ip_addr *gw,
		 struct cni_err *err);

#endif
