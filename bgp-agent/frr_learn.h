/* Learning from bgpd through its vty, on a connection of its own: the table
 * version poll (one small request per family every FRR_LEARN_POLL_MS), the
 * peers (`show bgp neighbors json`: End-of-RIB, unnumbered interfaces) and
 * the full table, fetched only when a version moved or a fetch was asked for.
 * Requests run asynchronously (frr_vty.c), one chain at a time; each has a
 * deadline, so a slow or stopped bgpd costs nothing but the answer. What is
 * learned goes to the owner (the reconciler) through callbacks. */
#ifndef BGP_AGENT_FRR_LEARN_H
#define BGP_AGENT_FRR_LEARN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bgp_peers.h"
#include "config.h"
#include "event_loop.h"
#include "frr_vty.h"
#include "route_set.h"

#define FRR_LEARN_POLL_MS 50 /* table-version poll; internal knob */
#define FRR_LEARN_FEED_POLL_MS 1000 /* the same while bgpd's BMP feed is up */

struct frr_learn_ops {
	/* bgpd answered for the first time since it was lost, or stopped answering. */
	void (*bgpd)(void *arg, bool up);
	/* A table version moved: bgpd's best paths changed. */
	void (*moved)(void *arg);
	/* The peers were read (frr_learn_peers()). */
	void (*peers)(void *arg);
	/* A poll round has its versions and peers; the owner may ask for a
	 * fetch now (frr_learn_fetch_soon()), which this round then does. */
	void (*round)(void *arg);
	/* True while the owner needs fresh peers every round (End-of-RIB). */
	bool (*want_peers)(void *arg);
	/* A complete table (sorted, unnumbered next hops named): the owner
	 * takes its routes (may swap them out); no_best prefixes had no best path. */
	void (*table)(void *arg, struct route_set *table, size_t no_best);
	/* bgpd's answer for asked[0..n) (sorted, unique; frr_learn_query()):
	 * found holds the routes of those that have one (sorted); the others
	 * have none now. */
	void (*prefixes)(void *arg, const struct prefix *asked, size_t n, struct route_set *found);
};

struct frr_learn;

/* Arms the poll; nothing is asked before the first tick. NULL after logging. */
struct frr_learn *frr_learn_open(struct event_loop *loop, const struct agent_config *cfg,
				 const struct frr_learn_ops *ops, void *arg);
void frr_learn_close(struct frr_learn *l); /* safe with NULL */
/* Fetch the full table soon (at the next poll, or at once when not polling). */
void frr_learn_fetch_soon(struct frr_learn *l);
/* Asks bgpd for these prefixes (`show bgp ... PREFIX json`, its decision for
 * each): coalesced for about a millisecond, then batched on the learning
 * connection; the answers come through ops->prefixes. Very many at once
 * become one full fetch. 0, or -1 on ENOMEM (a full fetch is scheduled). */
int frr_learn_query(struct frr_learn *l, const struct prefix *v, size_t n);
/* While bgpd's BMP feed reports the changes (on), the poll slows down to
 * FRR_LEARN_FEED_POLL_MS and a moved version fetches the table only when the
 * feed reported nothing meanwhile (BMP is silent when a path becomes valid
 * later); it still reads the peers while the restart gate waits. */
void frr_learn_set_feed(struct frr_learn *l, bool on);
void frr_learn_query_counts(const struct frr_learn *l, uint64_t *prefixes, uint64_t *rounds);
/* Takes bgpd's answer to BGP_PEERS_CMD (asked by status too). 0 or -1. */
int frr_learn_peers_update(struct frr_learn *l, const struct frr_reply *reply);
/* The outcome (FRR_VTY_*) of a request to bgpd that waited waited_ms: a
 * timeout marks bgpd as not answering since then, an answer clears it. */
void frr_learn_bgpd_outcome(struct frr_learn *l, int rc, uint64_t waited_ms);

const struct bgp_peers *frr_learn_peers(const struct frr_learn *l);
/* True when every configured peer is established and sent End-of-RIB for
 * each family it carries, as last read. */
bool frr_learn_all_peers_eor(const struct frr_learn *l);
bool frr_learn_bgpd_up(const struct frr_learn *l);
/* When a request to bgpd last went unanswered; 0: it answers. */
time_t frr_learn_bgpd_silent_since(const struct frr_learn *l);
unsigned frr_learn_fetches(const struct frr_learn *l);
uint64_t frr_learn_last_fetch_ms(const struct frr_learn *l); /* fetch + parse */

/* True when the family (BGP_AF_*) is used by the cluster's pod CIDRs (the
 * only ones learned: importing is limited to them anyway). */
bool frr_learn_af_in_use(const struct agent_config *cfg, int af);

#endif
