/* The reconciler: BGP best paths learned from bgpd (frr_learn.c) -> import
 * policy -> kernel routes (kroute.c), with the restart gate (route_gate.c)
 * deciding when stale routes may go. Its state is private; the daemon and
 * status call the functions below.
 *
 * Kernel repair (a route of ours deleted, a link changed) syncs at once from
 * the last table learned, so a slow or stopped bgpd never delays it. The
 * kernel side is a cache of our routes, re-dumped on resync, events and
 * failures.
 *
 * Restart safety: at start-up (and whenever bgpd restarts) the routes already
 * in the kernel are adopted and stale ones are NOT deleted until every
 * configured peer sent End-of-RIB, every prefix has a best path and the table
 * stayed quiet for a few seconds — or kernel.grace_period ran out. */
#ifndef BGP_AGENT_RECONCILE_H
#define BGP_AGENT_RECONCILE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bgp_peers.h"
#include "bmp_learn.h"
#include "config.h"
#include "event_loop.h"
#include "frr_vty.h"
#include "kroute.h"
#include "route_set.h"
#include "route_sync.h"

#define RECONCILE_DEBOUNCE_MS 50  /* netlink events -> reconcile after this */

struct reconciler;

/* What status shows of the reconciler. */
struct reconcile_status {
	bool bgpd_up;
	time_t bgpd_silent_since;   /* a request to bgpd went unanswered then; 0: answering */
	bool sweep_allowed;
	const char *sweep_reason;   /* valid until the next event */
	struct route_sync_counts last_counts;
	struct route_sync_counts total_counts; /* since the agent started */
	time_t last_sync;
	uint64_t last_sync_ms;      /* duration of the last sync */
	uint64_t last_fetch_ms;     /* duration of the last full-table fetch + parse */
	unsigned n_syncs, n_fetches;
	uint64_t n_checks;          /* full fetches compared with what the feed made learn */
	uint64_t n_disagreements;   /* routes where they differed, in all */
	uint64_t queried, query_rounds; /* prefixes asked one by one, and request rounds */
	struct bmp_learn_status feed;
};

/* Opens the kernel and monitor sockets, adopts the kernel's routes of our
 * protocol, starts learning. bgpd_changed (may be NULL) hears when bgpd
 * appears or vanishes. NULL after logging. */
struct reconciler *reconcile_open(struct event_loop *loop, const struct agent_config *cfg,
				  void (*bgpd_changed)(void *arg, bool up), void *arg);
void reconcile_close(struct reconciler *r); /* safe with NULL */
/* Config changed (policy, anchors, ECMP): fetch and reconcile soon. */
void reconcile_config_changed(struct reconciler *r);
/* Someone else (node setup's anchors) changed our routes in the kernel. */
void reconcile_kernel_changed(struct reconciler *r);
/* Takes bgpd's answer to BGP_PEERS_CMD (asked by status too). 0 or -1. */
int reconcile_peers_update(struct reconciler *r, const struct frr_reply *reply);
/* The outcome (FRR_VTY_*) of a request to bgpd that waited waited_ms: a
 * timeout marks bgpd as not answering since then, an answer clears it. */
void reconcile_bgpd_outcome(struct reconciler *r, int rc, uint64_t waited_ms);

/* When a request to bgpd last went unanswered; 0: it answers. */
time_t reconcile_bgpd_silent_since(const struct reconciler *r);
/* The kernel handle, for node setup's anchors. */
struct kroute *reconcile_kroute(struct reconciler *r);
const struct route_set *reconcile_learned(const struct reconciler *r);
const struct route_set *reconcile_installed(const struct reconciler *r);
const struct rejected_set *reconcile_rejected(const struct reconciler *r);
const struct bgp_peers *reconcile_peers(const struct reconciler *r);
void reconcile_get_status(const struct reconciler *r, struct reconcile_status *out);

#endif
