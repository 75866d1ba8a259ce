/* What the node needs besides routes, done at start-up and after a config
 * reload: forwarding sysctls (in the agent's own network namespace), the
 * protocol name for `ip route show proto bgp-agent`, the CNI conflist for
 * bgp-bridge, and the anchor route of each node pod CIDR so FRR's
 * import-check advertises only what the node can deliver. */
#ifndef BGP_AGENT_NODE_SETUP_H
#define BGP_AGENT_NODE_SETUP_H

#include "config.h"
#include "kroute.h"

#define RT_PROTOS_FILE "/etc/iproute2/rt_protos.d/bgp-agent.conf"

/* Each returns 0, or -1 after logging what failed (the daemon carries on). */
int node_setup_sysctls(const struct agent_config *cfg);
int node_setup_protocol_name(const struct agent_config *cfg);
int node_setup_conflist(const struct agent_config *cfg);
/* Installs the anchors missing from present (our routes in the kernel): an
 * existing one is not rewritten, so a restart sends no route change. */
int node_setup_anchors(const struct agent_config *cfg, struct kroute *kr,
		       const struct route_set *present);
/* All of the above. */
int node_setup_all(const struct agent_config *cfg, struct kroute *kr,
		   const struct route_set *present);

#endif
