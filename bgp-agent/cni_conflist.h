/* The CNI network configuration list the agent writes for the bgp-bridge
 * plugin, so plugin and agent always agree on the node's pod CIDRs. */
#ifndef BGP_AGENT_CNI_CONFLIST_H
#define BGP_AGENT_CNI_CONFLIST_H

#include "config.h"

/* cniVersion of the rendered list: 1.0.0 is understood by every current
 * runtime (containerd, CRI-O) and by bgp-bridge. */
#define CNI_CONFLIST_VERSION "1.0.0"

/* Renders the conflist JSON (keys sorted, 2-space indent, trailing newline)
 * into *out (heap; caller frees). Returns 0, or -1 on allocation failure.
 * Same config, same bytes. */
int cni_conflist_render(const struct agent_config *cfg, char **out);

#endif
