/* Learning from bgpd's BMP feed (bmp_station.c): which prefixes changed,
 * which peers went down, when every peer sent End-of-RIB. BMP carries no
 * best-path decision, so the owner (the reconciler) asks bgpd for the
 * reported prefixes (frr_learn_query()); a peer going down is acted on at
 * once. Off when frr.bmp_port is 0; while bgpd is not connected (no BMP
 * module, bgpd away) learning works through the vty alone. */
#ifndef BGP_AGENT_BMP_LEARN_H
#define BGP_AGENT_BMP_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "event_loop.h"
#include "prefix.h"

struct bmp_learn_ops {
	/* The feed came (bgpd re-sends its whole table now) or went. */
	void (*session)(void *arg, bool up);
	/* Announcements or withdrawals of these prefixes (may repeat). */
	void (*changed)(void *arg, const struct prefix *v, size_t n);
	/* A peer's session went down: its routes are gone from bgpd. */
	void (*peer_down)(void *arg, const struct ip_addr *peer);
	/* Every configured peer is up in the feed and sent End-of-RIB for each
	 * family the cluster uses. */
	void (*all_eor)(void *arg);
};

struct bmp_learn_status {
	bool enabled;            /* frr.bmp_port set */
	bool connected;          /* bgpd's feed is up */
	uint64_t sessions, messages, parse_errors;
	uint64_t last_message_ms; /* monotonic; 0: none */
	char last_event[96];     /* "peer 192.168.1.1 down", ... */
	uint64_t last_event_ms;
};

#define BMP_LEARN_MAX_PEERS 64

struct bmp_learn;

/* NULL when frr.bmp_port is 0 (no error) or after logging (*failed set). */
struct bmp_learn *bmp_learn_open(struct event_loop *loop, const struct agent_config *cfg,
				 const struct bmp_learn_ops *ops, void *arg, bool *failed);
void bmp_learn_close(struct bmp_learn *b); /* safe with NULL */
bool bmp_learn_connected(const struct bmp_learn *b); /* false for NULL */
void bmp_learn_get_status(const struct bmp_learn *b, struct bmp_learn_status *out);

#endif
