/* Parses bgpd's `show bgp neighbors json` into one plain record per peer:
 * state, uptime, BFD state, last reset reason, prefix counters and
 * End-of-RIB per address family. Parsing
 * only (for status output and for deciding when stale routes may go). */
#ifndef BGP_PEERS_H
#define BGP_PEERS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "route_set.h"

#define BGP_PEERS_CMD "show bgp neighbors json"

enum bgp_af { BGP_AF_IPV4_UNICAST, BGP_AF_IPV6_UNICAST, BGP_AF_COUNT };

struct bgp_peer_af {
	bool active;       /* the address family is negotiated/configured for the peer */
	/* FRR 8.4's neighbors JSON has one counter, acceptedPrefixCounter (the
	 * same number as pfxRcd in the summary): both fields hold it. */
	uint32_t received;
	uint32_t accepted;
	/* End-of-RIB seen from the peer for this family. FRR 8.4 reports it in
	 * gracefulRestartInfo.endOfRibRecv, present because graceful-restart
	 * helper mode is FRR's default (do not render `bgp graceful-restart-disable`). */
	bool eor_received;
};

struct bgp_peer {
	char id[64];              /* the key FRR uses: address, or interface for unnumbered */
	bool has_addr;            /* addr holds the peer's address */
	struct ip_addr addr;
	char ifname[IF_NAMESIZE]; /* unnumbered peers: the interface */
	char hostname[64];        /* the peer's hostname capability, "" if unknown */
	uint32_t remote_as;
	char state[24];           /* "Established", "Active", "Connect", "Idle", ... */
	bool established;
	uint64_t uptime_ms;       /* time in Established; 0 otherwise */
	char bfd_status[16];      /* peerBfdInfo.status: "Up", "Down", "Unknown"; "" = no BFD */
	char last_reset[64];      /* lastResetDueTo: why the session last went down */
	struct bgp_peer_af af[BGP_AF_COUNT];
};

struct bgp_peers {
	struct bgp_peer *peers;
	size_t n;
};

/* Replaces out's contents. Returns 0, or -1 with a message in err. */
int bgp_peers_parse(const char *json, size_t len, struct bgp_peers *out, char *err,
		    size_t errlen);
void bgp_peers_free(struct bgp_peers *p);
/* The peer with this id ("192.168.1.1" or "eth0"), or NULL. */
const struct bgp_peer *bgp_peers_find(const struct bgp_peers *p, const char *id);
/* Fills ifname of IPv6 link-local next hops (from bgp_rib_parse()) with the
 * interface of the unnumbered peer that has that address. Returns how many
 * link-local next hops remain without an interface. */
size_t bgp_peers_resolve_ifnames(const struct bgp_peers *p, struct route_set *routes);

#endif
