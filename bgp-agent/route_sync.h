/* One reconcile step, pure orchestration: desired routes (policy-accepted
 * best paths + anchors) against actual ones (kernel dump) -> operations,
 * applied through a small ops interface (kroute in the daemon, a recorder in
 * tests). Also builds the desired set from parsed BGP routes + import policy,
 * keeping the rejected routes and their reasons for `bgp-agent status`. */
#ifndef BGP_ROUTE_SYNC_H
#define BGP_ROUTE_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "import_policy.h"
#include "route_scope.h"
#include "route_set.h"

struct route_sync_ops {
	void *ctx;
	/* Applies n operations in order; results[i] = 0 or a negative error per
	 * operation. Returns the number that failed, or < 0 when nothing could be
	 * applied. kroute_apply() has this shape (with ctx = struct kroute *). */
	int (*apply)(void *ctx, const struct route_op *ops, size_t n, int *results);
};

struct route_sync_counts {
	size_t added, replaced, deleted; /* succeeded */
	size_t failed;                   /* operations the kernel refused */
	size_t held;                     /* stale routes kept because !allow_delete */
	size_t unchanged;                /* desired routes already correct */
	size_t desired;                  /* routes in desired */
};

/* Makes actual = desired (both sorted). With allow_delete false, routes in
 * actual but not desired are kept (counted in held) — used until the peers
 * sent End-of-RIB or the grace period ran out, so a restart never blackholes.
 * A route whose metric changed is added before its old copy is deleted.
 * Returns 0 when every operation succeeded, 1 when some failed (see counts),
 * -1 when the diff could not be computed or nothing could be applied. */
int route_sync_apply(const struct route_set *desired, const struct route_set *actual,
		     bool allow_delete, const struct route_sync_ops *ops,
		     struct route_sync_counts *counts);

/* A learned route the import policy refused, for status. */
struct rejected_route {
	struct route route; /* as learned, before next hops were removed */
	char reason[IMPORT_REASON_MAX];
};

struct rejected_set {
	struct rejected_route *v;
	size_t n, cap;
};

void rejected_set_init(struct rejected_set *s);
void rejected_set_free(struct rejected_set *s);
/* Appends r with its reason. -1 on ENOMEM. */
int rejected_set_add(struct rejected_set *s, const struct route *r, const char *reason);

/* desired = learned routes accepted by import_policy_apply() (next hops it
 * dropped are removed; when cfg->kernel.ecmp is false only the first
 * canonical next hop is kept) + one anchor per node pod CIDR (with_anchors).
 * The same for a full sync (scope NULL) and for the prefixes of one change
 * (learned then holds their routes, and only anchors in scope are added).
 * rejected (may be NULL) receives refused routes and partially accepted ones
 * with the reason. Both outputs are cleared first; desired comes back sorted.
 * Returns 0 or -1 (ENOMEM). */
int route_sync_build_desired(const struct agent_config *cfg, const struct route_set *learned,
			     bool with_anchors, const struct route_scope *scope,
			     struct route_set *desired, struct rejected_set *rejected);
/* The entries of s for prefixes in the scope are replaced by those of with.
 * -1 on ENOMEM. */
int rejected_set_splice(struct rejected_set *s, const struct route_scope *sc,
			const struct rejected_set *with);

#endif
