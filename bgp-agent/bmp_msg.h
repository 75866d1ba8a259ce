/* BMP (RFC 7854) messages as bgpd's BMP module sends them, parsed without I/O:
 * framing of the common header, the per-peer header, Initiation/Termination,
 * Peer Up/Down and Route Monitoring, whose BGP UPDATE bmp_update_parse()
 * reads. No length field is trusted: every field is bounded by the bytes that
 * hold it, and a message longer than BMP_MSG_MAX is refused before it is read.
 *
 * Add-Path: FRR 8.4 encodes Route Monitoring UPDATEs without path ids even when
 * the peer negotiated Add-Path (bmp_update() passes addpath off), so the NLRI
 * here never carries them. A sender that did add them would make the prefixes
 * misparse: most such UPDATEs fail the length checks (a parse error, which
 * closes the connection), the rest would report wrong prefixes. */
#ifndef BGP_AGENT_BMP_MSG_H
#define BGP_AGENT_BMP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define BMP_VERSION 3
#define BMP_COMMON_HDR_LEN 6
#define BMP_PER_PEER_HDR_LEN 42
/* The largest message accepted: a Peer Up carries two OPENs, each up to 65535
 * bytes with RFC 8654 extended messages, plus headers and TLVs. */
#define BMP_MSG_MAX (1u << 18)

enum bmp_msg_type {
	BMP_ROUTE_MONITORING = 0,
	BMP_STATISTICS_REPORT = 1,
	BMP_PEER_DOWN = 2,
	BMP_PEER_UP = 3,
	BMP_INITIATION = 4,
	BMP_TERMINATION = 5,
	BMP_ROUTE_MIRRORING = 6,
};

/* The BGP peer a message is about, from BMP's per-peer header. An unnumbered
 * peer's address is its IPv6 link-local address (no interface in BMP); bgp_id
 * (the peer's router id) tells apart two peers with the same address. */
struct bmp_peer {
	struct ip_addr addr;
	uint32_t asn;
	uint32_t bgp_id; /* network byte order, as on the wire */
};

/* One prefix that changed. The prefix comes first, so a learner that only
 * re-asks bgpd may read the array's prefixes and ignore the rest. */
struct bmp_route {
	struct prefix prefix;
	bool withdrawn;
	/* For announcements, when the UPDATE carried one: NEXT_HOP or the
	 * MP_REACH_NLRI next hop. family 0 when absent (FRR 8.4 sends no next hop
	 * for IPv4 routes of an extended-next-hop (RFC 5549) peer). An IPv4
	 * prefix may have an IPv6 next hop (RFC 5549). */
	struct ip_addr nexthop;
	/* The link-local half of a 32-byte IPv6 next hop; family 0 when absent. */
	struct ip_addr nexthop_ll;
	struct bmp_peer peer;
};

struct bmp_msg {
	uint8_t type; /* enum bmp_msg_type; other values are parsed as opaque */
	/* Route Monitoring, Statistics, Peer Up/Down: the per-peer header. */
	bool has_peer;
	struct bmp_peer peer;
	uint8_t peer_type;  /* 0 global, 1 RD, 2 local, 3 Loc-RIB (RFC 9069) */
	bool post_policy;   /* L flag */
	/* Initiation: the sysName and sysDescr TLVs, cut to fit, NUL-terminated. */
	char sysname[64];
	char sysdescr[128];
	/* Peer Down: the reason code (1..5). */
	uint8_t down_reason;
	/* Termination: the reason TLV (0 when absent). */
	uint16_t term_reason;
	/* Route Monitoring: the BGP UPDATE message (19-byte header included),
	 * pointing into the buffer given to bmp_msg_parse(). */
	const uint8_t *update;
	size_t update_len;
};

/* The framing of the message at buf[0..len): 1 with *msg_len set when the
 * whole message is there, 0 when more bytes are needed (also for fewer than
 * BMP_COMMON_HDR_LEN), -1 with a message in err when the header is bad (not
 * version 3, a length below the header's or above BMP_MSG_MAX): the stream
 * cannot be resynchronised. */
int bmp_frame(const uint8_t *buf, size_t len, size_t *msg_len, char *err, size_t errlen);

/* Parses one whole message (as framed by bmp_frame). 0, or -1 with a message
 * in err. Unknown types and Route Mirroring parse as their type alone. */
int bmp_msg_parse(const uint8_t *buf, size_t len, struct bmp_msg *out, char *err,
		  size_t errlen);

/* What one BGP UPDATE said. */
struct bmp_update {
	struct bmp_route *routes; /* heap; the caller frees (bmp_update_clear) */
	size_t n_routes, cap_routes;
	int eor_family; /* End-of-RIB: AF_INET or AF_INET6; 0 when not one */
};

/* Appends the IPv4/IPv6 unicast announcements and withdrawals of the BGP
 * UPDATE message upd[0..len) (from a Route Monitoring) to out->routes, each
 * tagged with peer, and sets out->eor_family. Other address families are
 * skipped. 0, or -1 with a message in err (out->routes then holds no route of
 * this UPDATE). */
int bmp_update_parse(const uint8_t *upd, size_t len, const struct bmp_peer *peer,
		     struct bmp_update *out, char *err, size_t errlen);
/* Frees the routes; out may be reused afterwards. */
void bmp_update_clear(struct bmp_update *out);

#endif
