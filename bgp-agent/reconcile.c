#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_rib.h"
#include "latency.h"
#include "log.h"

#define VTY_POLL_TIMEOUT_MS 2000
#define VTY_FETCH_TIMEOUT_MS 10000
#define PEERS_REFRESH_MS 500 /* while waiting for End-of-RIB */
#define EOR_QUIET_MS 5000

static const char *const rib_cmd[BGP_AF_COUNT] = { BGP_RIB_CMD_V4, BGP_RIB_CMD_V6 };
static const char *const version_cmd[BGP_AF_COUNT] = { BGP_RIB_VERSION_CMD_V4,
						       BGP_RIB_VERSION_CMD_V6 };
static const int af_family[BGP_AF_COUNT] = { AF_INET, AF_INET6 };

static void sync_kernel(struct reconciler *r);
static void update_sweep_gate(struct reconciler *r);

/* Only the families the cluster uses are polled: importing is limited to the
 * cluster pod CIDRs anyway. */
static bool af_in_use(const struct reconciler *r, enum bgp_af af)
{
	for (size_t i = 0; i < r->cfg->cluster.n_pod_cidrs; i++)
		if (r->cfg->cluster.pod_cidrs[i].addr.family == af_family[af])
			return true;
	return false;
}

static int prefix_cmp_void(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* The prefixes of our routes in the kernel when the gate closed: the only
 * ones the gate protects. A route this session installed and bgpd then
 * withdrew is not stale but withdrawn, and goes at once. */
static void snapshot_stale(struct reconciler *r)
{
	free(r->stale);
	r->stale = NULL;
	r->n_stale = 0;
	if (r->actual.n == 0)
		return;
	r->stale = calloc(r->actual.n, sizeof(*r->stale));
	if (r->stale == NULL) {
		log_errorx("routes: out of memory; stale routes are held by the gate alone");
		return;
	}
	for (size_t i = 0; i < r->actual.n; i++)
		r->stale[r->n_stale++] = r->actual.routes[i].dst;
	qsort(r->stale, r->n_stale, sizeof(*r->stale), prefix_cmp_void);
}

static bool is_stale(const struct reconciler *r, const struct prefix *p)
{
	return r->n_stale > 0 &&
	       bsearch(p, r->stale, r->n_stale, sizeof(*r->stale), prefix_cmp_void) != NULL;
}

static void restart_grace(struct reconciler *r, const char *why)
{
	snapshot_stale(r);
	r->sweep_allowed = false;
	r->have_rib = false;
	r->eor_seen_ms = 0;
	r->grace_start_ms = monotonic_ms();
	snprintf(r->sweep_reason, sizeof(r->sweep_reason),
		 "waiting for End-of-RIB from every peer (%s)", why);
}

static void set_bgpd_up(struct reconciler *r, bool up)
{
	if (r->bgpd_up == up)
		return;
	r->bgpd_up = up;
	if (up) {
		log_info("routes: connected to bgpd; stale routes are kept until every peer "
			 "sent End-of-RIB or %u s passed", r->cfg->kernel.grace_period);
		restart_grace(r, "bgpd (re)started");
		memset(r->version, 0, sizeof(r->version));
		r->need_fetch = true;
	} else {
		log_warnx("routes: lost bgpd; installed routes are kept as they are");
	}
	if (r->bgpd_changed != NULL)
		r->bgpd_changed(r->bgpd_changed_arg, up);
}

static bool has_unnumbered_peer(const struct agent_config *cfg)
{
	for (size_t i = 0; i < cfg->n_peers; i++)
		if (cfg->peers[i].interface[0] != '\0')
			return true;
	return false;
}

/* The first family in use from af on, or -1. */
static int next_af(const struct reconciler *r, int af)
{
	for (; af < BGP_AF_COUNT; af++)
		if (af_in_use(r, af))
			return af;
	return -1;
}

void reconcile_bgpd_outcome(struct reconciler *r, int rc, uint64_t waited_ms)
{
	if (rc == FRR_VTY_OK)
		r->bgpd_silent_since = 0;
	else if (rc == FRR_VTY_ERR_TIMEOUT && r->bgpd_silent_since == 0)
		r->bgpd_silent_since = time(NULL) - (time_t)(waited_ms / 1000);
}

static void on_learned(void *arg, int rc, struct frr_reply *reply);

static void learn_failed(struct reconciler *r, int rc)
{
	log_debug("routes: bgpd: %s", frr_vty_strerror(rc));
	reconcile_bgpd_outcome(r, rc, (uint64_t)r->learn_timeout_ms);
	route_set_free(&r->fetching);
	frr_reply_free(&r->big);
	set_bgpd_up(r, false);
}

/* One step of learning on the learning connection; the answer comes back in
 * on_learned. */
static void learn_send(struct reconciler *r, enum learn_step step, int af, const char *cmd,
		       int timeout_ms, struct frr_reply *reply)
{
	int rc;

	r->step = step;
	r->step_af = af;
	r->learn_timeout_ms = timeout_ms;
	rc = frr_vty_request(&r->vty, cmd, timeout_ms, reply, on_learned, r);
	if (rc != FRR_VTY_OK)
		learn_failed(r, rc);
}

static void send_version(struct reconciler *r, int af)
{
	learn_send(r, LEARN_VERSION, af, version_cmd[af], VTY_POLL_TIMEOUT_MS, &r->reply);
}

static void send_rib(struct reconciler *r, int af)
{
	learn_send(r, LEARN_RIB, af, rib_cmd[af], VTY_FETCH_TIMEOUT_MS, &r->big);
}

static void begin_fetch(struct reconciler *r)
{
	int af = next_af(r, 0);

	route_set_free(&r->fetching);
	route_set_init(&r->fetching);
	r->fetch_no_best = 0;
	r->fetch_start_ms = monotonic_ms();
	r->fetch_start_us = latency_start();
	if (af >= 0)
		send_rib(r, af);
}

/* The fetched table replaces the learned one; the kernel follows. */
static void finish_fetch(struct reconciler *r)
{
	route_set_sort(&r->fetching);
	/* bgpd's route JSON does not name the interface of a link-local next hop
	 * (BGP unnumbered); the peers' table (fetched just before) does. */
	if (has_unnumbered_peer(r->cfg))
		bgp_peers_resolve_ifnames(&r->peers, &r->fetching);
	route_set_free(&r->learned);
	r->learned = r->fetching;
	route_set_init(&r->fetching);
	r->have_rib = true;
	r->no_best = r->fetch_no_best;
	r->need_fetch = false;
	r->n_fetches++;
	r->last_fetch_ms = monotonic_ms() - r->fetch_start_ms;
	latency_observe_since(LATENCY_FEED, r->fetch_start_us);
	log_debug("routes: fetched %zu best paths in %llu ms", r->learned.n,
		  (unsigned long long)r->last_fetch_ms);
	sync_kernel(r);
}

/* Peers are asked for before the table when the gate waits for End-of-RIB
 * or unnumbered next hops need their interface names. */
static bool want_peers(const struct reconciler *r, uint64_t now)
{
	if (r->need_fetch && has_unnumbered_peer(r->cfg))
		return true;
	return !r->sweep_allowed && r->have_rib && r->eor_seen_ms == 0 &&
	       now - r->last_peers_ms >= PEERS_REFRESH_MS;
}

static void after_peers(struct reconciler *r)
{
	update_sweep_gate(r);
	if (r->need_fetch)
		begin_fetch(r);
}

static void after_versions(struct reconciler *r)
{
	if (want_peers(r, monotonic_ms()))
		learn_send(r, LEARN_PEERS, 0, BGP_PEERS_CMD, VTY_POLL_TIMEOUT_MS, &r->reply);
	else
		after_peers(r);
}

static void got_version(struct reconciler *r, const struct frr_reply *reply)
{
	char err[256];
	uint64_t v;
	int af;

	if (bgp_rib_parse_version(reply->out, reply->len, &v, err, sizeof(err)) != 0) {
		log_warnx("routes: bgpd table version: %s", err);
	} else {
		if (v != r->version[r->step_af]) {
			r->need_fetch = true;
			r->version_changed_ms = monotonic_ms();
		}
		r->version[r->step_af] = v;
	}
	af = next_af(r, r->step_af + 1);
	if (af >= 0)
		send_version(r, af);
	else
		after_versions(r);
}

static void got_rib(struct reconciler *r, struct frr_reply *reply)
{
	struct bgp_rib_stats st;
	char err[256];
	int rc = bgp_rib_parse(reply->out, reply->len, &r->fetching, &st, err, sizeof(err));
	int af;

	/* The full table (about 290 bytes a prefix) goes into its own buffer,
	 * freed right after parsing: keeping megabytes for the next change
	 * would double the agent's resident memory in steady state. */
	frr_reply_free(reply);
	if (rc != 0) {
		log_warnx("routes: \"%s\": %s", rib_cmd[r->step_af], err);
		route_set_free(&r->fetching);
		return;
	}
	r->fetch_no_best += st.no_best;
	af = next_af(r, r->step_af + 1);
	if (af >= 0)
		send_rib(r, af);
	else
		finish_fetch(r);
}

static void on_learned(void *arg, int rc, struct frr_reply *reply)
{
	struct reconciler *r = arg;

	if (rc != FRR_VTY_OK) {
		learn_failed(r, rc);
		return;
	}
	reconcile_bgpd_outcome(r, rc, 0);
	set_bgpd_up(r, true);
	switch (r->step) {
	case LEARN_VERSION:
		got_version(r, reply);
		break;
	case LEARN_PEERS:
		reconcile_peers_update(r, reply);
		after_peers(r);
		break;
	case LEARN_RIB:
		got_rib(r, reply);
		break;
	}
}

int reconcile_peers_update(struct reconciler *r, const struct frr_reply *reply)
{
	char err[256];

	if (bgp_peers_parse(reply->out, reply->len, &r->peers, err, sizeof(err)) != 0) {
		log_warnx("routes: \"%s\": %s", BGP_PEERS_CMD, err);
		return -1;
	}
	r->last_peers_ms = monotonic_ms();
	return 0;
}

/* True when every configured peer is established and sent End-of-RIB for
 * each family it carries. */
static bool all_peers_sent_eor(const struct reconciler *r)
{
	char id[PEER_ID_MAX];

	for (size_t i = 0; i < r->cfg->n_peers; i++) {
		const struct bgp_peer *p;

		config_peer_id(&r->cfg->peers[i], id, sizeof(id));
		p = bgp_peers_find(&r->peers, id);
		if (p == NULL || !p->established)
			return false;
		for (int af = 0; af < BGP_AF_COUNT; af++)
			if (p->af[af].active && !p->af[af].eor_received)
				return false;
	}
	return true;
}

/* End-of-RIB alone does not mean bgpd holds the peer's whole table. Measured
 * here after an FRR restart: the ToR (a graceful-restart helper deferring its
 * own best-path run) sent End-of-RIB 1.6-2.5 s BEFORE its routes, and paths
 * can stay without a best path until zebra resolved their next hops.
 * Sweeping then deletes routes that come back seconds later. So the sweep
 * also needs every prefix to have a best path and bgpd's table to have been
 * quiet (no version change) for EOR_QUIET_MS after End-of-RIB. Holding stale
 * routes a few seconds longer costs nothing; deleting live ones drops traffic. */
static bool eor_settled(struct reconciler *r, uint64_t now)
{
	uint64_t since;

	if (r->no_best > 0)
		return false;
	if (r->eor_seen_ms == 0) {
		/* Only peers read after the gate closed count (learning refreshes
		 * them every PEERS_REFRESH_MS meanwhile). */
		if (r->last_peers_ms < r->grace_start_ms || !all_peers_sent_eor(r))
			return false;
		r->eor_seen_ms = now;
	}
	since = r->version_changed_ms > r->eor_seen_ms ? r->version_changed_ms : r->eor_seen_ms;
	return now - since >= EOR_QUIET_MS;
}

static void update_sweep_gate(struct reconciler *r)
{
	uint64_t now = monotonic_ms();

	if (r->sweep_allowed || !r->have_rib)
		return;
	if (now - r->grace_start_ms >= (uint64_t)r->cfg->kernel.grace_period * 1000u)
		snprintf(r->sweep_reason, sizeof(r->sweep_reason), "grace period of %u s ran out",
			 r->cfg->kernel.grace_period);
	else if (eor_settled(r, now))
		snprintf(r->sweep_reason, sizeof(r->sweep_reason),
			 "every peer sent End-of-RIB after %llu ms, table quiet for %d s",
			 (unsigned long long)(r->eor_seen_ms - r->grace_start_ms),
			 EOR_QUIET_MS / 1000);
	else
		return;
	r->sweep_allowed = true;
	r->need_fetch = true; /* sweep against a table read after the gate opened */
	free(r->stale);
	r->stale = NULL;
	r->n_stale = 0;
	log_info("routes: stale routes may now be removed: %s", r->sweep_reason);
}

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
		 (unsigned long long)r->last_fetch_ms);
}

static bool pick_stale(const struct prefix *p, void *arg)
{
	return is_stale(arg, p);
}

/* While the gate is closed, adopted routes bgpd does not (yet) have are kept
 * by adding them to the desired set as they are; everything else is synced
 * normally, so withdrawals learned in this session apply at once. */
static size_t hold_stale(struct reconciler *r)
{
	long held;

	if (r->sweep_allowed && r->have_rib)
		return 0;
	held = route_set_add_missing(&r->desired, &r->actual, pick_stale, r);
	if (held < 0) {
		log_errorx("routes: out of memory holding stale routes");
		return 0;
	}
	return (size_t)held;
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
	if (route_sync_build_desired(r->cfg, &r->learned, true, &r->desired, &r->rejected) != 0) {
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
	r->last_sync = time(NULL);
	r->n_syncs++;
	if (rc != 0 || c.added + c.replaced + c.deleted + c.failed > 0)
		dump_kernel(r); /* the cache follows the kernel, off the critical path */
	route_set_free(&r->desired); /* rebuilt each time; not worth its memory */
	r->last_sync_ms = monotonic_ms() - start;
	latency_observe_since(LATENCY_KERNEL_SYNC, start_us);
	r->last_counts = c;
	r->total_counts.added += c.added;
	r->total_counts.replaced += c.replaced;
	r->total_counts.deleted += c.deleted;
	r->total_counts.failed += c.failed;
	log_counts(r, &c);
}

/* Learning runs on its own: one chain of requests at a time (versions, then
 * peers and the table when needed); a chain still waiting for bgpd makes the
 * poll skip, and the request's deadline ends the wait. */
static void on_poll(int fd, uint32_t events, void *arg)
{
	struct reconciler *r = arg;
	int af = next_af(r, 0);

	(void)events;
	timer_ack(fd);
	if (frr_vty_busy(&r->vty) || af < 0)
		return;
	send_version(r, af);
}

/* Kernel repair and resync use the last table learned: they never wait for
 * bgpd, which may be slow or stopped. A fresh table, when needed, comes with
 * the next poll and syncs again. */
static void on_resync(int fd, uint32_t events, void *arg)
{
	struct reconciler *r = arg;

	(void)events;
	timer_ack(fd);
	r->need_fetch = true;
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
	return event_loop_add(r->loop, kroute_monitor_fd(r->mon), on_monitor, r);
}

int reconcile_init(struct reconciler *r, struct event_loop *loop, const struct agent_config *cfg)
{
	uint64_t resync_ms = (uint64_t)(cfg->kernel.resync_interval ? cfg->kernel.resync_interval : 30) * 1000u;

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->loop = loop;
	/* Before anything can fail: reconcile_free() closes only fds >= 0. */
	r->poll_fd = r->resync_fd = r->soon_fd = -1;
	if (frr_vty_open_bgpd(&r->vty, loop, cfg) != 0)
		return -1;
	r->poll_ms = RECONCILE_POLL_MS;
	route_set_init(&r->learned);
	route_set_init(&r->fetching);
	route_set_init(&r->desired);
	route_set_init(&r->actual);
	rejected_set_init(&r->rejected);
	if (open_kernel(r) != 0 || dump_kernel(r) != 0)
		return -1;
	restart_grace(r, "agent started");
	log_info("routes: adopted %zu routes of protocol %u in table %u", r->actual.n,
		 cfg->kernel.protocol, cfg->kernel.table);
	if (add_timer(r, &r->poll_fd, 1, r->poll_ms, on_poll) != 0 ||
	    add_timer(r, &r->resync_fd, resync_ms, resync_ms, on_resync) != 0 ||
	    add_timer(r, &r->soon_fd, 0, 0, on_soon) != 0)
		return -1;
	return 0;
}

static void close_timer(struct reconciler *r, int fd)
{
	if (fd < 0)
		return;
	event_loop_del(r->loop, fd);
	close(fd);
}

void reconcile_free(struct reconciler *r)
{
	if (r->loop == NULL)
		return; /* never initialised */
	close_timer(r, r->poll_fd);
	close_timer(r, r->resync_fd);
	close_timer(r, r->soon_fd);
	if (r->mon != NULL) {
		event_loop_del(r->loop, kroute_monitor_fd(r->mon));
		kroute_monitor_close(r->mon);
	}
	if (r->kr != NULL)
		kroute_close(r->kr);
	kroute_resolve_close(r->nht);
	r->nht = NULL;
	frr_vty_free(&r->vty);
	frr_reply_free(&r->reply);
	frr_reply_free(&r->big);
	route_set_free(&r->fetching);
	route_set_free(&r->learned);
	route_set_free(&r->desired);
	route_set_free(&r->actual);
	rejected_set_free(&r->rejected);
	bgp_peers_free(&r->peers);
	free(r->stale);
	r->stale = NULL;
	r->kr = NULL;
	r->mon = NULL;
}

void reconcile_config_changed(struct reconciler *r)
{
	r->need_fetch = true;
	r->kernel_dirty = true;
	timer_arm(r->soon_fd, 1, 0);
}

bool reconcile_af_in_use(const struct reconciler *r, int af)
{
	return af_in_use(r, af);
}

struct kroute *reconcile_kroute(struct reconciler *r)
{
	return r->kr;
}
