/* Learning: BGP best paths from bgpd -> import policy -> kernel routes.
 *
 * Steady state costs one small vty request per poll (the table version of
 * each address family); the full table is fetched only when a version moved,
 * on the periodic resync or a config change. Requests to bgpd run
 * asynchronously (frr_vty.c) on the reconciler's own connection; kernel
 * repair (a route of ours deleted, a link changed) syncs at once from the
 * last table learned, so a slow or stopped bgpd never delays it. The kernel
 * side is a cache of our routes, re-dumped on resync, events and failures.
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
#include "config.h"
#include "event_loop.h"
#include "frr_vty.h"
#include "kroute.h"
#include "kroute_resolve.h"
#include "route_set.h"
#include "route_sync.h"

#define RECONCILE_POLL_MS 50      /* table-version poll; internal knob */
#define RECONCILE_DEBOUNCE_MS 50  /* netlink events -> reconcile after this */

enum learn_step { LEARN_VERSION, LEARN_PEERS, LEARN_RIB };

struct reconciler {
	const struct agent_config *cfg;
	struct event_loop *loop;
	struct kroute *kr;
	struct kroute_monitor *mon;
	struct kroute_resolve *nht;  /* resolves next hops that are not on-link */
	struct frr_vty vty;          /* learning's own connection to bgpd */
	struct frr_reply reply;      /* small answers */
	struct frr_reply big;        /* the full table, freed after parsing */
	enum learn_step step;        /* of the running request */
	int step_af;
	int learn_timeout_ms;
	struct route_set fetching;   /* the table being fetched */
	size_t fetch_no_best;
	uint64_t fetch_start_ms;
	uint64_t fetch_start_us;     /* latency_start(), for the feed histogram */
	time_t bgpd_silent_since;    /* a request to bgpd timed out then; 0: answering */
	int poll_fd, resync_fd, soon_fd;
	unsigned poll_ms;

	bool bgpd_up;
	uint64_t version[BGP_AF_COUNT];
	bool need_fetch;       /* fetch the RIB at the next poll */
	bool kernel_dirty;     /* re-dump the kernel before the next sync */
	bool have_rib;         /* learned holds a complete fetch */
	size_t no_best;        /* prefixes of the last fetch without a best path */

	struct route_set learned;   /* best paths from bgpd */
	struct route_set desired;   /* accepted + anchors */
	struct route_set actual;    /* our routes in the kernel (cache) */
	struct rejected_set rejected;
	struct bgp_peers peers;     /* last `show bgp neighbors` */

	/* Stale-route sweep gate: protects the routes adopted when it closed. */
	bool sweep_allowed;
	struct prefix *stale;       /* sorted prefixes of those routes */
	size_t n_stale;
	uint64_t grace_start_ms;
	uint64_t last_peers_ms;
	uint64_t eor_seen_ms;       /* when every peer's End-of-RIB was first seen */
	uint64_t version_changed_ms; /* last time a table version moved */
	char sweep_reason[128];

	/* For status and logs. */
	struct route_sync_counts last_counts;
	struct route_sync_counts total_counts; /* since the agent started */
	time_t last_sync;
	uint64_t last_sync_ms;      /* duration of the last sync */
	uint64_t last_fetch_ms;     /* duration of the last full-table fetch + parse */
	unsigned n_syncs, n_fetches;
	void (*bgpd_changed)(void *arg, bool up); /* bgpd appeared/vanished */
	void *bgpd_changed_arg;
};

/* Opens the kernel and monitor sockets, adopts the kernel's routes of our
 * protocol, arms the timers. 0, or -1 after logging. */
int reconcile_init(struct reconciler *r, struct event_loop *loop, const struct agent_config *cfg);
void reconcile_free(struct reconciler *r);
/* Config changed (policy, anchors, ECMP): fetch and reconcile soon. */
void reconcile_config_changed(struct reconciler *r);
/* Takes bgpd's answer to BGP_PEERS_CMD (asked by status too). 0 or -1. */
int reconcile_peers_update(struct reconciler *r, const struct frr_reply *reply);
/* The outcome (FRR_VTY_*) of a request to bgpd that waited waited_ms: a
 * timeout marks bgpd as not answering since then, an answer clears it. */
void reconcile_bgpd_outcome(struct reconciler *r, int rc, uint64_t waited_ms);
/* True when the family (BGP_AF_*) is used by the cluster's pod CIDRs. */
bool reconcile_af_in_use(const struct reconciler *r, int af);
/* The kernel handle, for node setup's anchors. */
struct kroute *reconcile_kroute(struct reconciler *r);

#endif
