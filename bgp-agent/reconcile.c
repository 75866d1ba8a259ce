#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmp_learn.h"
#include "frr_learn.h"
#include "kroute_resolve.h"
#include "latency.h"
#include "log.h"
#include "route_gate.h"
#include "route_scope.h"

struct reconciler {
	const struct agent_config *cfg;
	struct event_loop *loop;
	struct kroute *kr;
	struct kroute_monitor *mon;
	struct kroute_resolve *nht;  /* resolves next hops that are not on-link */
	struct frr_learn *learn;
	struct bmp_learn *feed;     /* NULL: frr.bmp_port is 0 */
	struct route_gate gate;
	int resync_fd, soon_fd;

	bool kernel_dirty;          /* re-dump the kernel before the next sync */
	struct route_set learned;   /* best paths from bgpd */
	struct route_set desired;   /* accepted + anchors */
	struct route_set actual;    /* our routes in the kernel (cache) */
	struct rejected_set rejected;

	/* For status and logs. */
	struct route_sync_counts last_counts;
	struct route_sync_counts total_counts;
	time_t last_sync;
	uint64_t last_sync_ms;
	unsigned n_syncs;
	size_t n_desired;           /* routes in the desired set after the last sync */
	bool incremental;
	bool feed_synced;           /* a full table was read since the feed came */           /* the feed drives learning (per-prefix queries) */
	uint64_t n_checks, n_disagreements; /* full fetches while incremental */
	void (*bgpd_changed)(void *arg, bool up);
	void *bgpd_changed_arg;
};

static void sync_kernel(struct reconciler *r);
static void sync_prefixes(struct reconciler *r, const struct route_scope *sc,
			  const struct route_set *learned);

static uint64_t grace_ms(const struct agent_config *cfg)
{
	return (uint64_t)cfg->kernel.grace_period * 1000u;
}

/* --- what learning reports ------------------------------------------ */

/* The full fetch while the feed drives learning is a consistency check: the
 * prefixes where it differs from what was learned per prefix are counted
 * and logged (a missed or misread feed message would show here). */
static void count_disagreements(struct reconciler *r, const struct route_set *before)
{
	struct route_set add, rep, del;
	size_t n;

	route_set_init(&add);
	route_set_init(&rep);
	route_set_init(&del);
	if (route_diff(&r->learned, before, &add, &rep, &del) == 0) {
		n = add.n + rep.n + del.n;
		r->n_disagreements += n;
		r->n_checks++;
		if (n > 0)
			log_warnx("routes: consistency check: the full table differs from what was "
				  "learned per prefix in %zu routes (%zu missing, %zu different, %zu extra)",
				  n, add.n, rep.n, del.n);
	}
	route_set_free(&add);
	route_set_free(&rep);
	route_set_free(&del);
}

static void on_bgpd(void *arg, bool up)
{
	struct reconciler *r = arg;

	if (up) {
		log_info("routes: connected to bgpd; stale routes are kept until every peer "
			 "sent End-of-RIB or %u s passed", r->cfg->kernel.grace_period);
		route_gate_close(&r->gate, monotonic_ms(), "bgpd (re)started", &r->actual);
	} else {
		log_warnx("routes: lost bgpd; installed routes are kept as they are");
	}
	if (r->bgpd_changed != NULL)
		r->bgpd_changed(r->bgpd_changed_arg, up);
}

static void on_moved(void *arg)
{
	struct reconciler *r = arg;

	route_gate_moved(&r->gate, monotonic_ms());
}

static void on_peers(void *arg)
{
	struct reconciler *r = arg;

	route_gate_peers(&r->gate, monotonic_ms(), frr_learn_all_peers_eor(r->learn));
}

static bool on_want_peers(void *arg)
{
	struct reconciler *r = arg;

	return route_gate_waits_for_eor(&r->gate);
}

/* When the gate opens, the sweep runs against a table read after that. */
static void on_round(void *arg)
{
	struct reconciler *r = arg;

	/* While the feed drives learning no full table comes by itself. */
	if (r->incremental && route_gate_needs_table(&r->gate))
		frr_learn_fetch_soon(r->learn);
	if (!route_gate_update(&r->gate, monotonic_ms()))
		return;
	log_info("routes: stale routes may now be removed: %s", route_gate_reason(&r->gate));
	frr_learn_fetch_soon(r->learn);
}

/* The fetched table replaces the learned one; the kernel follows. */
static void on_table(void *arg, struct route_set *table, size_t no_best)
{
	struct reconciler *r = arg;
	struct route_set old = r->learned;

	r->learned = *table;
	*table = old;
	route_gate_table(&r->gate, no_best);
	/* The first table after the feed came compares with what the poll
	 * learned: only later ones check what the feed taught. */
	if (r->incremental && r->feed_synced)
		count_disagreements(r, &old);
	r->feed_synced = r->incremental;
	sync_kernel(r);
}

/* bgpd's decision for the prefixes the feed reported: only they are learned
 * again, built into desired routes, diffed and written. */
static void on_prefixes(void *arg, const struct prefix *asked, size_t n, struct route_set *found)
{
	struct reconciler *r = arg;
	struct route_scope sc = { asked, n };

	if (n == 0)
		return;
	route_gate_moved(&r->gate, monotonic_ms());
	if (route_set_splice(&r->learned, &sc, found) != 0) {
		log_errorx("routes: out of memory learning %zu prefixes; fetching the table", n);
		frr_learn_fetch_soon(r->learn);
		return;
	}
	sync_prefixes(r, &sc, found);
}

/* --- what bgpd's BMP feed reports ------------------------------------ */

static void on_feed_session(void *arg, bool up)
{
	struct reconciler *r = arg;

	r->incremental = up;
	r->feed_synced = false;
	frr_learn_set_feed(r->learn, up);
	/* The feed can reach a restarted bgpd before the vty poll notices the
	 * restart: its first table (still empty) must not sweep our routes. */
	if (up) {
		route_gate_close(&r->gate, monotonic_ms(), "bgpd's BMP feed (re)connected",
				 &r->actual);
		frr_learn_fetch_soon(r->learn); /* the consistency check at (re)connect */
	}
}

static void on_feed_changed(void *arg, const struct prefix *v, size_t n)
{
	struct reconciler *r = arg;

	route_gate_moved(&r->gate, monotonic_ms());
	frr_learn_query(r->learn, v, n);
}

static void on_feed_all_eor(void *arg)
{
	struct reconciler *r = arg;

	route_gate_peers(&r->gate, monotonic_ms(), true);
}

/* Takes the next hop gw out of every learned route; the routes left without
 * one go. Returns the prefixes touched (sorted: learned is), or NULL with
 * *n = 0 (none, or out of memory: then the re-query alone repairs). */
static struct prefix *drop_nexthop(struct route_set *learned, const struct ip_addr *gw, size_t *n)
{
	struct prefix *touched = NULL;
	size_t k = 0, cap = 0;

	*n = 0;
	for (size_t i = 0; i < learned->n; i++) {
		struct route *rt = &learned->routes[i];
		size_t m = 0;

		for (size_t j = 0; j < rt->n_nh; j++)
			if (!ip_addr_equal(&rt->nh[j].gw, gw))
				rt->nh[m++] = rt->nh[j];
		if (m != rt->n_nh) {
			if (*n == cap) {
				struct prefix *t = realloc(touched, (cap = cap ? cap * 2 : 64) * sizeof(*t));

				if (t == NULL)
					break;
				touched = t;
			}
			touched[(*n)++] = rt->dst;
			rt->n_nh = m;
		}
		if (rt->n_nh > 0 || rt->type != ROUTE_UNICAST)
			learned->routes[k++] = *rt;
	}
	learned->n = k;
	return touched;
}

/* A peer went down (a ToR going away): its next hops leave the kernel at
 * once, before bgpd is even asked; then bgpd's decision for those prefixes
 * is asked for (it may have other paths), and is authoritative. */
static void on_feed_peer_down(void *arg, const struct ip_addr *peer)
{
	struct reconciler *r = arg;
	struct route_set now;
	struct route_scope sc;
	struct nexthop gone = { 0 };
	size_t n;
	struct prefix *touched = drop_nexthop(&r->learned, peer, &n);

	route_gate_moved(&r->gate, monotonic_ms());
	if (n == 0)
		return;
	/* One request per nexthop group holding it, whatever the number of
	 * routes; the sync below then finds those routes as wanted. */
	gone.gw = *peer;
	if (kroute_nexthop_gone(r->kr, &gone) < 0)
		r->kernel_dirty = true;
	sc = (struct route_scope){ touched, n };
	route_set_init(&now);
	if (route_set_select(&r->learned, &sc, &now) == 0)
		sync_prefixes(r, &sc, &now);
	route_set_free(&now);
	frr_learn_query(r->learn, touched, n);
	free(touched);
}

static const struct bmp_learn_ops feed_ops = {
	.session = on_feed_session,
	.changed = on_feed_changed,
	.peer_down = on_feed_peer_down,
	.all_eor = on_feed_all_eor,
};

/* --- kernel sync ------------------------------------------------------ */

static int apply_ops(void *ctx, const struct route_op *ops, size_t n, int *results)
{
	return kroute_apply(ctx, ops, n, results);
}

static int dump_kernel(struct reconciler *r)
{
	int rc = kroute_dump(r->kr, &r->actual);

	if (rc != KROUTE_OK) {
		log_warnx("routes: reading the kernel's routes: %s", kroute_strerror(rc));
		return -1;
	}
	r->kernel_dirty = false;
	return 0;
}

static void log_counts(const struct reconciler *r, const struct route_sync_counts *c)
{
	if (c->added + c->replaced + c->deleted + c->failed == 0)
		return;
	log_info("routes: %zu added, %zu replaced, %zu deleted, %zu failed, %zu stale held "
		 "(%zu installed) in %llu ms (table fetched in %llu ms)", c->added, c->replaced,
		 c->deleted, c->failed, c->held, r->actual.n, (unsigned long long)r->last_sync_ms,
		 (unsigned long long)frr_learn_last_fetch_ms(r->learn));
}

static bool pick_protected(const struct prefix *p, void *arg)
{
	const struct reconciler *r = arg;

	return route_gate_protects(&r->gate, p);
}

/* While the gate is closed, adopted routes bgpd does not (yet) have are kept
 * by adding them to the desired set as they are; everything else is synced
 * normally, so withdrawals learned in this session apply at once. */
static size_t hold_stale(struct reconciler *r)
{
	long held;

	if (route_gate_is_open(&r->gate))
		return 0;
	held = route_set_add_missing(&r->desired, &r->actual, pick_protected, r);
	if (held < 0) {
		log_errorx("routes: out of memory holding stale routes");
		return 0;
	}
	return (size_t)held;
}

static void count_sync(struct reconciler *r, const struct route_sync_counts *c)
{
	r->last_sync = time(NULL);
	r->n_syncs++;
	r->last_counts = *c;
	r->total_counts.added += c->added;
	r->total_counts.replaced += c->replaced;
	r->total_counts.deleted += c->deleted;
	r->total_counts.failed += c->failed;
}

static void sync_kernel(struct reconciler *r)
{
	const struct route_sync_ops ops = { .ctx = r->kr, .apply = apply_ops };
	struct route_sync_counts c = { 0 };
	uint64_t start = monotonic_ms(), start_us = latency_start();
	size_t held;
	int rc;

	if (r->kernel_dirty && dump_kernel(r) != 0)
		return;
	if (route_sync_build_desired(r->cfg, &r->learned, true, NULL, &r->desired, &r->rejected) != 0) {
		log_errorx("routes: out of memory building the desired routes");
		return;
	}
	if (kroute_resolve_apply(r->nht, &r->desired, &r->rejected,
				 r->cfg->kernel.ecmp ? ROUTE_MAX_NEXTHOPS : 1) != 0) {
		log_errorx("routes: out of memory resolving next hops");
		return;
	}
	held = hold_stale(r);
	rc = route_sync_apply(&r->desired, &r->actual, true, &ops, &c);
	c.held = held;
	r->n_desired = c.desired;
	if (rc != 0 || c.added + c.replaced + c.deleted + c.failed > 0)
		dump_kernel(r); /* the cache follows the kernel, off the critical path */
	route_set_free(&r->desired); /* rebuilt each time; not worth its memory */
	r->last_sync_ms = monotonic_ms() - start;
	latency_observe_since(LATENCY_KERNEL_SYNC, start_us);
	count_sync(r, &c);
	log_counts(r, &c);
}

/* Desired routes for the prefixes in scope only, against our kernel routes
 * for them; the caches follow without a kernel dump when all went well. */
static void sync_prefixes(struct reconciler *r, const struct route_scope *sc,
			  const struct route_set *learned)
{
	const struct route_sync_ops ops = { .ctx = r->kr, .apply = apply_ops };
	struct route_sync_counts c = { 0 };
	struct route_set desired, actual;
	struct rejected_set rejected;
	uint64_t start = monotonic_ms(), start_us = latency_start();
	long held;
	int rc = -1;

	route_set_init(&desired);
	route_set_init(&actual);
	rejected_set_init(&rejected);
	if (r->kernel_dirty && dump_kernel(r) != 0)
		goto out;
	if (route_sync_build_desired(r->cfg, learned, true, sc, &desired, &rejected) != 0 ||
	    kroute_resolve_apply(r->nht, &desired, &rejected,
				 r->cfg->kernel.ecmp ? ROUTE_MAX_NEXTHOPS : 1) != 0 ||
	    route_set_select(&r->actual, sc, &actual) != 0 ||
	    rejected_set_splice(&r->rejected, sc, &rejected) != 0) {
		log_errorx("routes: out of memory building the desired routes");
		goto out;
	}
	held = route_gate_is_open(&r->gate) ? 0 : route_set_add_missing(&desired, &actual, pick_protected, r);
	rc = route_sync_apply(&desired, &actual, true, &ops, &c);
	c.held = held > 0 ? (size_t)held : 0;
	/* The whole desired set's size, for metrics: it changed by this scope's. */
	r->n_desired = r->n_desired + desired.n > actual.n ? r->n_desired + desired.n - actual.n : 0;
	c.desired = r->n_desired;
	if (rc != 0 || route_set_splice(&r->actual, sc, &desired) != 0)
		dump_kernel(r);
	r->last_sync_ms = monotonic_ms() - start;
	latency_observe_since(LATENCY_KERNEL_SYNC, start_us);
	count_sync(r, &c);
	log_counts(r, &c);
out:
	if (rc < 0)
		r->kernel_dirty = true;
	route_set_free(&desired);
	route_set_free(&actual);
	rejected_set_free(&rejected);
}

/* --- timers and kernel events ----------------------------------------- */

/* Kernel repair and resync use the last table learned: they never wait for
 * bgpd, which may be slow or stopped. A fresh table, when needed, comes with
 * the next poll and syncs again. */
static void on_resync(int fd, uint32_t events, void *arg)
{
	struct reconciler *r = arg;

	(void)events;
	timer_ack(fd);
	frr_learn_fetch_soon(r->learn);
	r->kernel_dirty = true;
	kroute_resolve_invalidate(r->nht);
	sync_kernel(r);
}

static void on_soon(int fd, uint32_t events, void *arg)
{
	struct reconciler *r = arg;

	(void)events;
	timer_ack(fd);
	sync_kernel(r);
}

/* Netlink: someone deleted or changed one of our routes, or a link changed. Debounced,
 * because a link going down deletes many routes at once. */
static void on_monitor(int fd, uint32_t events, void *arg)
{
	struct reconciler *r = arg;
	bool routes = false, links = false;
	int rc;

	(void)fd;
	(void)events;
	/* The kernel's routes after our last sync: what we installed. */
	rc = kroute_monitor_drain(r->mon, &r->actual, &routes, &links);
	if (rc != KROUTE_OK)
		log_warnx("routes: netlink monitor: %s", kroute_strerror(rc));
	if (!routes && !links && rc == KROUTE_OK)
		return;
	log_debug("routes: kernel event (%s%s); resync in %d ms", routes ? "routes " : "",
		  links ? "links" : "", RECONCILE_DEBOUNCE_MS);
	r->kernel_dirty = true;
	if (links)
		kroute_resolve_invalidate(r->nht); /* connected routes may have gone */
	timer_arm(r->soon_fd, RECONCILE_DEBOUNCE_MS, 0);
}

static int add_timer(struct reconciler *r, int *fd, uint64_t first, uint64_t period, event_cb cb)
{
	*fd = timer_create_fd();
	if (*fd < 0)
		return -1;
	if (timer_arm(*fd, first, period) != 0 || event_loop_add(r->loop, *fd, cb, r) != 0)
		return -1;
	return 0;
}

static int open_kernel(struct reconciler *r)
{
	int rc = kroute_open(&r->kr, r->cfg->kernel.table, r->cfg->kernel.protocol);

	if (rc == KROUTE_OK)
		rc = kroute_monitor_open(&r->mon, r->cfg->kernel.table, r->cfg->kernel.protocol);
	if (rc == KROUTE_OK)
		rc = kroute_resolve_open(&r->nht, r->cfg->kernel.table, r->cfg->kernel.protocol);
	if (rc != KROUTE_OK) {
		log_errorx("routes: rtnetlink: %s", kroute_strerror(rc));
		return -1;
	}
	kroute_monitor_watch_others(r->mon, kroute_resolve_route_changed, r->nht);
	kroute_monitor_use(r->mon, r->kr);
	return event_loop_add(r->loop, kroute_monitor_fd(r->mon), on_monitor, r);
}

static const struct frr_learn_ops learn_ops = {
	.bgpd = on_bgpd,
	.moved = on_moved,
	.peers = on_peers,
	.round = on_round,
	.want_peers = on_want_peers,
	.table = on_table,
	.prefixes = on_prefixes,
};

static int start(struct reconciler *r)
{
	bool feed_failed = false;
	uint64_t resync_ms = (uint64_t)(r->cfg->kernel.resync_interval ? r->cfg->kernel.resync_interval : 30) * 1000u;

	if (open_kernel(r) != 0 || dump_kernel(r) != 0)
		return -1;
	route_gate_close(&r->gate, monotonic_ms(), "agent started", &r->actual);
	log_info("routes: adopted %zu routes of protocol %u in table %u", r->actual.n,
		 r->cfg->kernel.protocol, r->cfg->kernel.table);
	r->learn = frr_learn_open(r->loop, r->cfg, &learn_ops, r);
	if (r->learn != NULL)
		r->feed = bmp_learn_open(r->loop, r->cfg, &feed_ops, r, &feed_failed);
	if (r->learn == NULL || feed_failed ||
	    add_timer(r, &r->resync_fd, resync_ms, resync_ms, on_resync) != 0 ||
	    add_timer(r, &r->soon_fd, 0, 0, on_soon) != 0)
		return -1;
	return 0;
}

struct reconciler *reconcile_open(struct event_loop *loop, const struct agent_config *cfg,
				  void (*bgpd_changed)(void *arg, bool up), void *arg)
{
	struct reconciler *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		log_errorx("routes: out of memory");
		return NULL;
	}
	r->cfg = cfg;
	r->loop = loop;
	r->bgpd_changed = bgpd_changed;
	r->bgpd_changed_arg = arg;
	/* Before anything can fail: reconcile_close() closes only fds >= 0. */
	r->resync_fd = r->soon_fd = -1;
	route_set_init(&r->learned);
	route_set_init(&r->desired);
	route_set_init(&r->actual);
	rejected_set_init(&r->rejected);
	route_gate_init(&r->gate, grace_ms(cfg), ROUTE_GATE_QUIET_MS);
	if (start(r) != 0) {
		reconcile_close(r);
		return NULL;
	}
	return r;
}

static void close_timer(struct reconciler *r, int fd)
{
	if (fd < 0)
		return;
	event_loop_del(r->loop, fd);
	close(fd);
}

void reconcile_close(struct reconciler *r)
{
	if (r == NULL)
		return;
	bmp_learn_close(r->feed);
	frr_learn_close(r->learn);
	close_timer(r, r->resync_fd);
	close_timer(r, r->soon_fd);
	if (r->mon != NULL) {
		event_loop_del(r->loop, kroute_monitor_fd(r->mon));
		kroute_monitor_close(r->mon);
	}
	if (r->kr != NULL)
		kroute_close(r->kr);
	kroute_resolve_close(r->nht);
	route_set_free(&r->learned);
	route_set_free(&r->desired);
	route_set_free(&r->actual);
	rejected_set_free(&r->rejected);
	route_gate_free(&r->gate);
	free(r);
}

/* --- the daemon's and status's calls ----------------------------------- */

void reconcile_config_changed(struct reconciler *r)
{
	route_gate_set_grace(&r->gate, grace_ms(r->cfg));
	frr_learn_fetch_soon(r->learn);
	r->kernel_dirty = true;
	timer_arm(r->soon_fd, 1, 0);
}

void reconcile_kernel_changed(struct reconciler *r)
{
	r->kernel_dirty = true;
}

int reconcile_peers_update(struct reconciler *r, const struct frr_reply *reply)
{
	return frr_learn_peers_update(r->learn, reply);
}

void reconcile_bgpd_outcome(struct reconciler *r, int rc, uint64_t waited_ms)
{
	frr_learn_bgpd_outcome(r->learn, rc, waited_ms);
}

time_t reconcile_bgpd_silent_since(const struct reconciler *r)
{
	return frr_learn_bgpd_silent_since(r->learn);
}

struct kroute *reconcile_kroute(struct reconciler *r)
{
	return r->kr;
}

const struct route_set *reconcile_learned(const struct reconciler *r)
{
	return &r->learned;
}

const struct route_set *reconcile_installed(const struct reconciler *r)
{
	return &r->actual;
}

const struct rejected_set *reconcile_rejected(const struct reconciler *r)
{
	return &r->rejected;
}

const struct bgp_peers *reconcile_peers(const struct reconciler *r)
{
	return frr_learn_peers(r->learn);
}

void reconcile_get_status(const struct reconciler *r, struct reconcile_status *out)
{
	memset(out, 0, sizeof(*out));
	out->bgpd_up = frr_learn_bgpd_up(r->learn);
	out->bgpd_silent_since = frr_learn_bgpd_silent_since(r->learn);
	out->sweep_allowed = route_gate_is_open(&r->gate);
	out->sweep_reason = route_gate_reason(&r->gate);
	out->last_counts = r->last_counts;
	out->total_counts = r->total_counts;
	out->last_sync = r->last_sync;
	out->last_sync_ms = r->last_sync_ms;
	out->last_fetch_ms = frr_learn_last_fetch_ms(r->learn);
	out->n_syncs = r->n_syncs;
	out->n_fetches = frr_learn_fetches(r->learn);
	out->n_checks = r->n_checks;
	out->n_disagreements = r->n_disagreements;
	frr_learn_query_counts(r->learn, &out->queried, &out->query_rounds);
	bmp_learn_get_status(r->feed, &out->feed);
}
