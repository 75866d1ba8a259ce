/* The restart gate: when stale routes of ours may be swept from the kernel.
 *
 * At start-up and whenever bgpd restarts, the routes already in the kernel
 * are adopted and kept ("protected") until every configured peer sent
 * End-of-RIB, every prefix has a best path and the table stayed quiet for a
 * while after that — or the grace period ran out. Holding stale routes a few
 * seconds longer costs nothing; deleting live ones drops traffic.
 *
 * A pure state machine: fed with events and the time they happened (ms on
 * any monotonic clock); it never reads a clock or talks to anything. */
#ifndef BGP_AGENT_ROUTE_GATE_H
#define BGP_AGENT_ROUTE_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_set.h"

/* End-of-RIB alone does not mean bgpd holds the peer's whole table: measured
 * after an FRR restart, the ToR (a graceful-restart helper deferring its own
 * best-path run) sent End-of-RIB 1.6-2.5 s BEFORE its routes. */
#define ROUTE_GATE_QUIET_MS 5000

struct route_gate {
	bool open;          /* stale routes may be deleted */
	bool have_rib;      /* a complete table was learned since closing */
	size_t no_best;     /* prefixes of that table without a best path */
	bool peers_eor;     /* every peer had sent End-of-RIB when last read */
	uint64_t closed_ms; /* when the gate closed (grace starts) */
	uint64_t peers_ms;  /* when peers were last read; 0: not since closing */
	uint64_t eor_ms;    /* when every peer's End-of-RIB was first seen; 0: not yet */
	uint64_t moved_ms;  /* last change of bgpd's table */
	uint64_t grace_ms;
	uint64_t quiet_ms;
	struct prefix *protected_v; /* sorted: the routes adopted when it closed */
	size_t n_protected;
	char reason[128];   /* why it is open, or what it waits for */
};

void route_gate_init(struct route_gate *g, uint64_t grace_ms, uint64_t quiet_ms);
void route_gate_free(struct route_gate *g);
/* The grace period may change with a config reload. */
void route_gate_set_grace(struct route_gate *g, uint64_t grace_ms);

/* Closes the gate at now (agent start, bgpd restarted): the prefixes of
 * installed (our routes in the kernel now) are protected until it opens.
 * Out of memory protects nothing beyond the closed gate itself: logged, -1. */
int route_gate_close(struct route_gate *g, uint64_t now, const char *why,
		     const struct route_set *installed);
/* A complete table was learned; no_best of its prefixes lack a best path. */
void route_gate_table(struct route_gate *g, size_t no_best);
/* bgpd's table changed at now (a version moved, the feed reported prefixes). */
void route_gate_moved(struct route_gate *g, uint64_t now);
/* The peers as read at now: all_eor when every configured peer is
 * established and sent End-of-RIB for each family it carries. */
void route_gate_peers(struct route_gate *g, uint64_t now, bool all_eor);
/* Opens the gate when its conditions hold at now. True only on the call that
 * opened it (the caller then syncs against a fresh table). */
bool route_gate_update(struct route_gate *g, uint64_t now);

bool route_gate_is_open(const struct route_gate *g);
const char *route_gate_reason(const struct route_gate *g);
/* True while the gate is closed and dst was one of the adopted routes. */
bool route_gate_protects(const struct route_gate *g, const struct prefix *dst);
/* True while the gate is closed and lacks a complete table with a best path
 * for every prefix (learning per prefix does not tell it). */
bool route_gate_needs_table(const struct route_gate *g);
/* True while the gate still waits for the peers' End-of-RIB (so learning
 * should keep reading them). */
bool route_gate_waits_for_eor(const struct route_gate *g);

#endif
