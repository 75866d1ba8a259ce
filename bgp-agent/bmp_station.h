/* The agent as BMP station (RFC 7854): bgpd (`bgpd -M bmp`, `bmp listener
 * 127.0.0.1 port P`) pushes its post-policy Adj-RIB-In for IPv4 and IPv6
 * unicast over the one connection the station opens to it; the station reports
 * what changed through callbacks. It is an event-loop citizen: non-blocking
 * connect and reads into a bounded buffer, every length bounded (bmp_msg.c), a
 * deadline for the connect, for Initiation and for a half-received message;
 * garbage closes the connection with a log line, and the station connects
 * again (every BMP_STATION_RETRY_MS, BMP_STATION_RETRY_SLOW_MS once bgpd has
 * been away for BMP_STATION_RETRY_FAST_FOR_MS).
 *
 * Why the agent connects (bgpd's `bmp listener`) rather than listening for
 * bgpd's `bmp connect`: measured here (FRR 8.4.4), the first BMP byte came
 * 114-226 ms after bgpd was started (bmp connect: 173-524 ms) and 0-3 ms after
 * the station was (bmp connect, min-retry 100 max-retry 1000: 61-846 ms, bgpd's
 * retry back-off).
 *
 * What FRR 8.4 sends on every (re)connection (captured here): Initiation, one
 * Peer Up (or, for a peer not established, a Peer Down) per configured peer,
 * the whole post-policy table, one Route Monitoring per (prefix, peer), then
 * End-of-RIB per established peer and address family. Only then: a peer that
 * comes up later streams its routes with no End-of-RIB in BMP. Afterwards each
 * change is one Route Monitoring per (prefix, peer): that peer's valid path
 * now, or a withdrawal. A path not yet valid when it arrives (next hop not yet
 * resolved) is sent as a withdrawal, and nothing is sent when it becomes valid
 * later. A peer going down is one Peer Down: no withdrawals for its routes.
 * BMP does not carry bgpd's best-path decision: the learner asks bgpd for the
 * prefixes reported. */
#ifndef BGP_AGENT_BMP_STATION_H
#define BGP_AGENT_BMP_STATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmp_msg.h" /* struct bmp_peer, struct bmp_route */
#include "event_loop.h"

/* Callbacks; any may be NULL. Called from the event loop, never re-entered;
 * a callback may not close the station. */
struct bmp_station_ops {
	/* bgpd's BMP connection came up (after its Initiation message) or went
	 * away (closed, garbage, deadline, Termination). After up, bgpd re-sends
	 * the whole post-policy table, then End-of-RIB per peer and family. */
	void (*session)(void *arg, bool up);
	void (*peer_up)(void *arg, const struct bmp_peer *peer);
	/* The peer's session went down; its routes are gone from bgpd. */
	void (*peer_down)(void *arg, const struct bmp_peer *peer);
	/* Post-policy announcements and withdrawals of these n prefixes (IPv4 and
	 * IPv6 unicast), in the order bgpd sent them; v is valid during the call.
	 * Consecutive Route Monitoring messages of one read are one call; the
	 * order with the other callbacks is kept (flushed before each of them). */
	void (*prefixes)(void *arg, const struct bmp_route *v, size_t n);
	/* End-of-RIB from peer for family (AF_INET or AF_INET6). */
	void (*end_of_rib)(void *arg, const struct bmp_peer *peer, int family);
};

struct bmp_station_config {
	struct ip_addr addr; /* bgpd's `bmp listener` address: 127.0.0.1 */
	uint16_t port;
	/* A message begun but not finished within this many ms closes the
	 * connection (0: BMP_STATION_DEADLINE_MS). */
	unsigned msg_deadline_ms;
	/* No BMP session this long after open (or after the last one closed) is
	 * logged once: "is bgpd started with -M bmp and a `bmp listener`?" (0:
	 * BMP_STATION_NO_BGPD_WARN_MS). */
	unsigned no_bgpd_warn_ms;
};

#define BMP_STATION_DEADLINE_MS 5000
#define BMP_STATION_NO_BGPD_WARN_MS 10000
#define BMP_STATION_RETRY_MS 50
#define BMP_STATION_RETRY_SLOW_MS 500
#define BMP_STATION_RETRY_FAST_FOR_MS 5000

struct bmp_station;

/* Starts connecting to cfg's address and port (and keeps doing so) from loop.
 * NULL after logging when out of resources (timerfd, memory). */
struct bmp_station *bmp_station_open(struct event_loop *loop,
				     const struct bmp_station_config *cfg,
				     const struct bmp_station_ops *ops, void *arg);
/* Closes the connection (no session-down callback). Safe with NULL. */
void bmp_station_close(struct bmp_station *st);

struct bmp_station_stats {
	bool connected;           /* connected to bgpd now */
	bool initiated;           /* ... and has sent its Initiation */
	uint64_t sessions;        /* connections made so far */
	uint64_t messages;        /* BMP messages parsed */
	uint64_t bytes;           /* bytes read */
	uint64_t parse_errors;    /* messages that closed a connection */
	uint64_t connect_failures; /* connects refused or timed out */
	uint64_t last_message_ms; /* monotonic_ms() of the last message; 0: none */
	uint64_t connected_ms;    /* monotonic_ms() the connection came; 0: none */
	char sysname[64];         /* bgpd's Initiation sysName ("" if none) */
};

bool bmp_station_connected(const struct bmp_station *st);
void bmp_station_stats(const struct bmp_station *st, struct bmp_station_stats *out);

#endif
