/* Parses bgpd's `show bgp neighbors json` into one plain record per peer:
 * state, uptime, prefix counters and End-of-RIB per address family. Parsing
 * only (for status output and for deciding when stale routes may go). */
#ifndef BGP_PEERS_H
#define BGP_PEERS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define BGP_PEERS_CMD "show bgp neighbors json"

enum bgp_af { BGP_AF_IPV4_UNICAST, BGP_AF_IPV6_UNICAST, BGP_AF_COUNT };

struct bgp_peer_af {
	bool active;       /* the address family is negotiated/configured for the peer */
	uint32_t received; /* prefixes received (before import policy) */
	uint32_t accepted; /* prefixes accepted by bgpd's import policy */
	bool eor_received; /* End-of-RIB seen from the peer for this family */
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

#endif
