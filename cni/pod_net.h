/* What ADD sets up around the pod, shared by ops_add.c and ops_check.c:
 * which address is the bridge's gateway, which routes the pod gets. */
#ifndef CNI_POD_NET_H
#define CNI_POD_NET_H

#include "netconf.h"
#include "result.h"

/* The gateway of an address: its "gateway", else the first address of its
 * subnet (what the bridge carries when isGateway is set). */
void pod_net_gateway(const struct cni_ip *ip, struct ip_addr *gw);
/* Routes for the pod: IPAM routes (a route without gw goes via the gateway
 * of its family) plus a default route per family when isDefaultGateway. */
int pod_net_routes(const struct netconf *nc, const struct cni_result *ipam,
		   struct cni_result *out, struct cni_err *err);

#endif
