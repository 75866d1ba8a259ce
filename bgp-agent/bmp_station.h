/* The agent as BMP station (RFC 7854): bgpd (`bgpd -M bmp`, `bmp connect` to
 * the agent's loopback listener) pushes its post-policy Adj-RIB-In for IPv4 and
 * IPv6 unicast; the station reports what changed through callbacks. It is an
 * event-loop citizen: non-blocking reads into a bounded buffer, every length
 * bounded (bmp_msg.c), one bgpd connection at a time (a second one is refused
 * with a log line), a deadline for a half-received message.
 *
 * What FRR 8.4 sends on every (re)connection: Initiation, one Peer Up (or Peer
 * Down, for a peer not established) per configured peer, then the whole
 * post-policy table, one Route Monitoring per (prefix, peer), then End-of-RIB
 * per peer and address family. Afterwards each change is one Route Monitoring
 * per (prefix, peer): that peer's path now, or a withdrawal. A peer going down
 * is one Peer Down: bgpd sends no withdrawals for its routes. BMP does not carry
 * bgpd's best-path decision: the learner asks bgpd for the prefixes reported. */
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
	struct ip_addr listen_addr; /* loopback: 127.0.0.1 */
	uint16_t port;
	/* A message begun but not finished within this many ms closes the
	 * connection (0: BMP_STATION_DEADLINE_MS). */
	unsigned msg_deadline_ms;
	/* No connection from bgpd this long after open (or after the last one
	 * closed) is logged once as "is bgpd started with -M bmp?" (0:
	 * BMP_STATION_NO_BGPD_WARN_MS). */
	unsigned no_bgpd_warn_ms;
};

#define BMP_STATION_DEADLINE_MS 5000
#define BMP_STATION_NO_BGPD_WARN_MS 10000

struct bmp_station;

/* Listens on cfg's address and port (SO_REUSEADDR) and registers with loop.
 * NULL after logging when the socket cannot be opened. */
struct bmp_station *bmp_station_open(struct event_loop *loop,
				     const struct bmp_station_config *cfg,
				     const struct bmp_station_ops *ops, void *arg);
/* Closes the connection (no session-down callback) and the listener.
 * Safe with NULL. */
void bmp_station_close(struct bmp_station *st);

struct bmp_station_stats {
	bool connected;           /* a bgpd is connected now */
	bool initiated;           /* ... and has sent its Initiation */
	uint64_t sessions;        /* connections accepted so far */
	uint64_t messages;        /* BMP messages parsed */
	uint64_t bytes;           /* bytes read */
	uint64_t parse_errors;    /* messages that closed a connection */
	uint64_t refused;         /* second connections turned away */
	uint64_t last_message_ms; /* monotonic_ms() of the last message; 0: none */
	uint64_t connected_ms;    /* monotonic_ms() the connection came; 0: none */
	char sysname[64];         /* bgpd's Initiation sysName ("" if none) */
};

bool bmp_station_connected(const struct bmp_station *st);
void bmp_station_stats(const struct bmp_station *st, struct bmp_station_stats *out);
/* The port actually listened on (cfg->port 0 picks a free one: tests). */
uint16_t bmp_station_port(const struct bmp_station *st);

#endif
