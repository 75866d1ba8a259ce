/* One reconcile step: diff desired against actual, apply through ops. */
#include "route_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct op_list {
	struct route_op *v;
	size_t n;
};

static void push_ops(struct op_list *l, const struct route_set *s, enum route_op_kind kind)
{
	for (size_t i = 0; i < s->n; i++)
		l->v[l->n++] = (struct route_op){ kind, &s->routes[i] };
}

static void count_results(const struct op_list *l, const int *results,
			  struct route_sync_counts *c)
{
	for (size_t i = 0; i < l->n; i++) {
		if (results[i] != 0)
			c->failed++;
		else if (l->v[i].kind == ROUTE_OP_ADD)
			c->added++;
		else if (l->v[i].kind == ROUTE_OP_REPLACE)
			c->replaced++;
		else
			c->deleted++;
	}
}

/* Adds and replaces first, deletes last: a route whose metric changed is
 * never missing in between. */
static int apply_diff(const struct route_set *add, const struct route_set *rep,
		      const struct route_set *del, const struct route_sync_ops *ops,
		      struct route_sync_counts *c)
{
	struct op_list l = { NULL, 0 };
	size_t total = add->n + rep->n + del->n;
	int *results = NULL, rc = -1;

	if (total == 0)
		return 0;
	l.v = calloc(total, sizeof(*l.v));
	results = calloc(total, sizeof(*results));
	if (l.v == NULL || results == NULL)
		goto out;
	push_ops(&l, add, ROUTE_OP_ADD);
	push_ops(&l, rep, ROUTE_OP_REPLACE);
	push_ops(&l, del, ROUTE_OP_DELETE);
	if (ops->apply(ops->ctx, l.v, l.n, results) < 0) {
		c->failed += l.n;
		goto out;
	}
	count_results(&l, results, c);
	rc = c->failed ? 1 : 0;
out:
	free(l.v);
	free(results);
	return rc;
}

int route_sync_apply(const struct route_set *desired, const struct route_set *actual,
		     bool allow_delete, const struct route_sync_ops *ops,
		     struct route_sync_counts *counts)
{
	struct route_set add, rep, del, none;
	int rc = -1;

	memset(counts, 0, sizeof(*counts));
	route_set_init(&add);
	route_set_init(&rep);
	route_set_init(&del);
	route_set_init(&none);
	if (route_diff(desired, actual, &add, &rep, &del) < 0) {
		log_warnx("routes: out of memory computing the route difference");
		goto out;
	}
	counts->unchanged = desired->n - add.n - rep.n;
	counts->desired = desired->n;
	if (!allow_delete)
		counts->held = del.n;
	rc = apply_diff(&add, &rep, allow_delete ? &del : &none, ops, counts);
out:
	route_set_free(&add);
	route_set_free(&rep);
	route_set_free(&del);
	return rc;
}

/* --- desired set ----------------------------------------------------- */

void rejected_set_init(struct rejected_set *s)
{
	memset(s, 0, sizeof(*s));
}

void rejected_set_free(struct rejected_set *s)
{
	free(s->v);
	rejected_set_init(s);
}

int rejected_set_add(struct rejected_set *s, const struct route *r, const char *reason)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct rejected_route *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].route = *r;
	snprintf(s->v[s->n].reason, sizeof(s->v[s->n].reason), "%s", reason);
	s->n++;
	return 0;
}

/* Policy for one learned route; adds it to desired and/or rejected. */
static int admit_route(const struct agent_config *cfg, const struct route *learned,
		       struct route_set *desired, struct rejected_set *rejected)
{
	char reason[IMPORT_REASON_MAX];
	struct route r = *learned;
	enum import_verdict v = import_policy_apply(cfg, &r, reason, sizeof(reason));

	if (v != IMPORT_ACCEPT && rejected != NULL && rejected_set_add(rejected, learned, reason) < 0)
		return -1;
	if (v == IMPORT_REJECT)
		return 0;
	/* Without ECMP any one of the equal-cost paths will do; the first in
	 * canonical order keeps the choice stable across polls. */
	route_canonicalize(&r);
	if (!cfg->kernel.ecmp && r.n_nh > 1)
		r.n_nh = 1;
	return route_set_add(desired, &r);
}

int route_sync_build_desired(const struct agent_config *cfg, const struct route_set *learned,
			     bool with_anchors, const struct route_scope *scope,
			     struct route_set *desired, struct rejected_set *rejected)
{
	route_set_clear(desired);
	if (rejected != NULL)
		rejected->n = 0;
	for (size_t i = 0; i < learned->n; i++)
		if (admit_route(cfg, &learned->routes[i], desired, rejected) < 0)
			return -1;
	for (size_t i = 0; with_anchors && i < cfg->node.n_pod_cidrs; i++) {
		struct route anchor;

		if (scope != NULL && !route_scope_has(scope, &cfg->node.pod_cidrs[i]))
			continue;
		route_make_anchor(&cfg->node.pod_cidrs[i], &anchor);
		if (route_set_add(desired, &anchor) < 0)
			return -1;
	}
	route_set_sort(desired);
	return 0;
}

int rejected_set_splice(struct rejected_set *s, const struct route_scope *sc,
			const struct rejected_set *with)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++)
		if (!route_scope_has(sc, &s->v[i].route.dst))
			s->v[k++] = s->v[i];
	s->n = k;
	for (size_t i = 0; i < with->n; i++)
		if (rejected_set_add(s, &with->v[i].route, with->v[i].reason) < 0)
			return -1;
	return 0;
}
