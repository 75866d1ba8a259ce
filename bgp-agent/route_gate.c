/* The restart gate (see route_gate.h): pure logic on events and times. */
#include "route_gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int prefix_cmp_void(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

static void drop_protected(struct route_gate *g)
{
	free(g->protected_v);
	g->protected_v = NULL;
	g->n_protected = 0;
}

void route_gate_init(struct route_gate *g, uint64_t grace_ms, uint64_t quiet_ms)
{
	memset(g, 0, sizeof(*g));
	g->grace_ms = grace_ms;
	g->quiet_ms = quiet_ms;
	snprintf(g->reason, sizeof(g->reason), "not started");
}

void route_gate_free(struct route_gate *g)
{
	drop_protected(g);
}

void route_gate_set_grace(struct route_gate *g, uint64_t grace_ms)
{
	g->grace_ms = grace_ms;
}

/* Only routes in the kernel when the gate closed are protected: a route this
 * session installed and bgpd then withdrew is not stale but withdrawn, and
 * goes at once. */
static int snapshot(struct route_gate *g, const struct route_set *installed)
{
	drop_protected(g);
	if (installed->n == 0)
		return 0;
	g->protected_v = calloc(installed->n, sizeof(*g->protected_v));
	if (g->protected_v == NULL) {
		log_errorx("routes: out of memory; stale routes are held by the gate alone");
		return -1;
	}
	for (size_t i = 0; i < installed->n; i++)
		g->protected_v[g->n_protected++] = installed->routes[i].dst;
	qsort(g->protected_v, g->n_protected, sizeof(*g->protected_v), prefix_cmp_void);
	return 0;
}

int route_gate_close(struct route_gate *g, uint64_t now, const char *why,
		     const struct route_set *installed)
{
	g->open = false;
	g->have_rib = false;
	g->no_best = 0;
	g->peers_eor = false;
	g->peers_ms = 0;
	g->eor_ms = 0;
	g->closed_ms = now;
	snprintf(g->reason, sizeof(g->reason), "waiting for End-of-RIB from every peer (%s)", why);
	return snapshot(g, installed);
}

void route_gate_table(struct route_gate *g, size_t no_best)
{
	g->have_rib = true;
	g->no_best = no_best;
}

void route_gate_moved(struct route_gate *g, uint64_t now)
{
	g->moved_ms = now;
}

void route_gate_peers(struct route_gate *g, uint64_t now, bool all_eor)
{
	g->peers_ms = now;
	g->peers_eor = all_eor;
}

/* Every peer sent End-of-RIB, every prefix has a best path (paths can stay
 * without one until their next hops are resolved) and the table has been
 * quiet for quiet_ms since then. */
static bool eor_settled(struct route_gate *g, uint64_t now)
{
	uint64_t since;

	if (g->no_best > 0)
		return false;
	if (g->eor_ms == 0) {
		if (g->peers_ms < g->closed_ms || g->peers_ms == 0 || !g->peers_eor)
			return false;
		g->eor_ms = now;
	}
	since = g->moved_ms > g->eor_ms ? g->moved_ms : g->eor_ms;
	return now - since >= g->quiet_ms;
}

bool route_gate_update(struct route_gate *g, uint64_t now)
{
	if (g->open || !g->have_rib)
		return false;
	if (now - g->closed_ms >= g->grace_ms)
		snprintf(g->reason, sizeof(g->reason), "grace period of %llu s ran out",
			 (unsigned long long)(g->grace_ms / 1000));
	else if (eor_settled(g, now))
		snprintf(g->reason, sizeof(g->reason),
			 "every peer sent End-of-RIB after %llu ms, table quiet for %llu s",
			 (unsigned long long)(g->eor_ms - g->closed_ms),
			 (unsigned long long)(g->quiet_ms / 1000));
	else
		return false;
	g->open = true;
	drop_protected(g);
	return true;
}

bool route_gate_is_open(const struct route_gate *g)
{
	return g->open;
}

const char *route_gate_reason(const struct route_gate *g)
{
	return g->reason;
}

bool route_gate_protects(const struct route_gate *g, const struct prefix *dst)
{
	return !g->open && g->n_protected > 0 &&
	       bsearch(dst, g->protected_v, g->n_protected, sizeof(*g->protected_v),
		       prefix_cmp_void) != NULL;
}

bool route_gate_waits_for_eor(const struct route_gate *g)
{
	return !g->open && g->have_rib && g->eor_ms == 0;
}

bool route_gate_needs_table(const struct route_gate *g)
{
	return !g->open && (!g->have_rib || g->no_best > 0);
}
