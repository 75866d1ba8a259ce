/* Learning from bgpd through its vty (see frr_learn.h). */
#include "frr_learn.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_rib.h"
#include "latency.h"
#include "log.h"
#include "route_scope.h"

#define VTY_POLL_TIMEOUT_MS 2000
#define VTY_FETCH_TIMEOUT_MS 10000
#define PEERS_REFRESH_MS 500 /* while the owner waits for End-of-RIB */
#define QUERY_COALESCE_MS 1  /* a fetch asked for starts this soon */
/* BMP reports a route when bgpd receives it; bgpd decides its best paths from
 * a work queue held 50 ms (zebra's first route lands 52-62 ms after the
 * update, measured). A prefix is asked this long after its first report, and
 * once more QUERY_RECHECK_MS later in case bgpd was late. */
#define QUERY_SETTLE_MS 60
#define QUERY_RECHECK_MS 250
#define QUERY_BUSY_RETRY_MS 2
#define QUERY_FAILED_RETRY_MS 100
#define QUERY_BATCH_MAX 64   /* prefixes per request round */
/* More prefixes than this pending (a whole table re-announced): one full
 * fetch is cheaper than asking for each (10,000 answers cost bgpd about 2 s,
 * the full table about 0.1 s). */
#define QUERY_FULL_FETCH_OVER 1000
#define QUERY_CMD_MAX (sizeof(BGP_RIB_PREFIX_CMD_FMT) + PREFIX_STRLEN + 8)

/* Prefixes waiting to be asked. */
struct prefix_queue {
	struct prefix *v;
	size_t n, cap;
};

static int queue_push(struct prefix_queue *q, const struct prefix *v, size_t n)
{
	if (q->n + n > q->cap) {
		size_t cap = q->cap ? q->cap : 64;
		struct prefix *p;

		while (cap < q->n + n)
			cap *= 2;
		p = realloc(q->v, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		q->v = p;
		q->cap = cap;
	}
	memcpy(q->v + q->n, v, n * sizeof(*v));
	q->n += n;
	return 0;
}

/* Moves up to max of q's prefixes (sorted, unique) into out. */
static size_t queue_take(struct prefix_queue *q, struct prefix *out, size_t max)
{
	size_t n;

	q->n = route_scope_normalize(q->v, q->n);
	n = q->n < max ? q->n : max;
	memcpy(out, q->v, n * sizeof(*out));
	memmove(q->v, q->v + n, (q->n - n) * sizeof(*q->v));
	q->n -= n;
	return n;
}

enum learn_step { LEARN_VERSION, LEARN_PEERS, LEARN_RIB, LEARN_PREFIXES };

struct frr_learn {
	const struct agent_config *cfg;
	struct event_loop *loop;
	struct frr_learn_ops ops;
	void *arg;
	struct frr_vty vty;          /* learning's own connection to bgpd */
	struct frr_reply reply;      /* small answers */
	struct frr_reply big;        /* the full table, freed after parsing */
	enum learn_step step;        /* of the running request */
	int step_af;
	int timeout_ms;
	int poll_fd;
	struct route_set fetching;   /* the table being fetched */
	size_t fetch_no_best;
	uint64_t fetch_start_ms;
	uint64_t fetch_start_us;     /* latency_start(), for the feed histogram */
	uint64_t round_start_us;     /* the same for a round of per-prefix queries */
	bool bgpd_up;
	time_t bgpd_silent_since;    /* a request to bgpd timed out then; 0: answering */
	uint64_t version[BGP_AF_COUNT];
	bool need_fetch;             /* fetch the table in the next round */
	struct bgp_peers peers;      /* last `show bgp neighbors` */
	uint64_t last_peers_ms;
	unsigned n_fetches;
	uint64_t last_fetch_ms;
	/* Per-prefix queries. */
	int query_fd;
	bool query_armed;
	struct prefix_queue pending; /* reported changed, not asked yet */
	struct prefix_queue recheck; /* asked once, to be asked again */
	struct prefix_queue again;   /* due for the second time */
	int recheck_fd;
	bool recheck_armed;
	bool round_first;            /* the running round asks pending ones */
	struct prefix asked[QUERY_BATCH_MAX]; /* the running round */
	size_t n_asked;
	struct frr_reply answers;
	uint64_t n_asked_total, n_rounds;
	bool feed;           /* bgpd's feed reports changes: poll slowly */
	uint64_t last_report_ms; /* the feed's last report (monotonic; 0: none) */
};

static const char *const rib_cmd[BGP_AF_COUNT] = { BGP_RIB_CMD_V4, BGP_RIB_CMD_V6 };
static const char *const version_cmd[BGP_AF_COUNT] = { BGP_RIB_VERSION_CMD_V4,
						       BGP_RIB_VERSION_CMD_V6 };
static const int af_family[BGP_AF_COUNT] = { AF_INET, AF_INET6 };

bool frr_learn_af_in_use(const struct agent_config *cfg, int af)
{
	for (size_t i = 0; i < cfg->cluster.n_pod_cidrs; i++)
		if (cfg->cluster.pod_cidrs[i].addr.family == af_family[af])
			return true;
	return false;
}

/* The first family in use from af on, or -1. */
static int next_af(const struct frr_learn *l, int af)
{
	for (; af < BGP_AF_COUNT; af++)
		if (frr_learn_af_in_use(l->cfg, af))
			return af;
	return -1;
}

static bool has_unnumbered_peer(const struct agent_config *cfg)
{
	for (size_t i = 0; i < cfg->n_peers; i++)
		if (cfg->peers[i].interface[0] != '\0')
			return true;
	return false;
}

static void set_bgpd_up(struct frr_learn *l, bool up)
{
	if (l->bgpd_up == up)
		return;
	l->bgpd_up = up;
	if (up) {
		memset(l->version, 0, sizeof(l->version));
		l->need_fetch = true;
	}
	if (l->ops.bgpd != NULL)
		l->ops.bgpd(l->arg, up);
}

void frr_learn_bgpd_outcome(struct frr_learn *l, int rc, uint64_t waited_ms)
{
	if (rc == FRR_VTY_OK)
		l->bgpd_silent_since = 0;
	else if (rc == FRR_VTY_ERR_TIMEOUT && l->bgpd_silent_since == 0)
		l->bgpd_silent_since = time(NULL) - (time_t)(waited_ms / 1000);
}

static void on_answer(void *arg, int rc, struct frr_reply *reply);
static void kick_queries(struct frr_learn *l, uint64_t ms);

static bool queued(const struct frr_learn *l)
{
	return l->pending.n > 0 || l->again.n > 0;
}

/* Prefixes of a failed round are learned by the full fetch that follows
 * bgpd's return; pending ones are asked again. */
static void learn_failed(struct frr_learn *l, int rc)
{
	log_debug("routes: bgpd: %s", frr_vty_strerror(rc));
	frr_learn_bgpd_outcome(l, rc, (uint64_t)l->timeout_ms);
	route_set_free(&l->fetching);
	frr_reply_free(&l->big);
	l->n_asked = 0;
	set_bgpd_up(l, false);
	if (queued(l) || l->need_fetch)
		kick_queries(l, QUERY_FAILED_RETRY_MS);
}

/* One step of a chain; the answer comes back in on_answer. */
static void learn_send(struct frr_learn *l, enum learn_step step, int af, const char *cmd,
		       int timeout_ms, struct frr_reply *reply)
{
	int rc;

	l->step = step;
	l->step_af = af;
	l->timeout_ms = timeout_ms;
	rc = frr_vty_request(&l->vty, cmd, timeout_ms, reply, on_answer, l);
	if (rc != FRR_VTY_OK)
		learn_failed(l, rc);
}

static void send_version(struct frr_learn *l, int af)
{
	learn_send(l, LEARN_VERSION, af, version_cmd[af], VTY_POLL_TIMEOUT_MS, &l->reply);
}

static void send_rib(struct frr_learn *l, int af)
{
	learn_send(l, LEARN_RIB, af, rib_cmd[af], VTY_FETCH_TIMEOUT_MS, &l->big);
}

static void begin_fetch(struct frr_learn *l)
{
	int af = next_af(l, 0);

	route_set_free(&l->fetching);
	route_set_init(&l->fetching);
	l->fetch_no_best = 0;
	l->fetch_start_ms = monotonic_ms();
	l->fetch_start_us = latency_start();
	if (af >= 0)
		send_rib(l, af);
}

static void finish_fetch(struct frr_learn *l)
{
	route_set_sort(&l->fetching);
	/* bgpd's route JSON does not name the interface of a link-local next hop
	 * (BGP unnumbered); the peers' table (read just before) does. */
	if (has_unnumbered_peer(l->cfg))
		bgp_peers_resolve_ifnames(&l->peers, &l->fetching);
	l->need_fetch = false;
	l->n_fetches++;
	l->last_fetch_ms = monotonic_ms() - l->fetch_start_ms;
	latency_observe_since(LATENCY_FEED, l->fetch_start_us);
	log_debug("routes: fetched %zu best paths in %llu ms", l->fetching.n,
		  (unsigned long long)l->last_fetch_ms);
	l->ops.table(l->arg, &l->fetching, l->fetch_no_best);
	route_set_free(&l->fetching);
}

/* Peers are asked for before the table when the owner waits for End-of-RIB
 * or unnumbered next hops need their interface names. */
static bool want_peers(const struct frr_learn *l, uint64_t now)
{
	if (l->need_fetch && has_unnumbered_peer(l->cfg))
		return true;
	return l->ops.want_peers != NULL && l->ops.want_peers(l->arg) &&
	       now - l->last_peers_ms >= PEERS_REFRESH_MS;
}

static void after_peers(struct frr_learn *l)
{
	if (l->ops.round != NULL)
		l->ops.round(l->arg);
	if (l->need_fetch)
		begin_fetch(l);
}

static void after_versions(struct frr_learn *l)
{
	if (want_peers(l, monotonic_ms()))
		learn_send(l, LEARN_PEERS, 0, BGP_PEERS_CMD, VTY_POLL_TIMEOUT_MS, &l->reply);
	else
		after_peers(l);
}

/* A version moves up to bgpd's processing delay after the report that
 * announced the change, which may fall after the poll that followed it. */
static bool recently_reported(const struct frr_learn *l)
{
	return l->last_report_ms != 0 &&
	       monotonic_ms() - l->last_report_ms < FRR_LEARN_FEED_POLL_MS + QUERY_RECHECK_MS;
}

static void got_version(struct frr_learn *l, const struct frr_reply *reply)
{
	char err[256];
	uint64_t v;
	int af;

	if (bgp_rib_parse_version(reply->out, reply->len, &v, err, sizeof(err)) != 0) {
		log_warnx("routes: bgpd table version: %s", err);
	} else {
		/* With the feed, a version that moved without any report means a
		 * change BMP does not send (a path that became valid later). */
		if (v != l->version[l->step_af]) {
			if (!l->feed || !recently_reported(l))
				l->need_fetch = true;
			if (l->ops.moved != NULL)
				l->ops.moved(l->arg);
		}
		l->version[l->step_af] = v;
	}
	af = next_af(l, l->step_af + 1);
	if (af >= 0) {
		send_version(l, af);
	} else {
		after_versions(l);
	}
}

static void got_rib(struct frr_learn *l, struct frr_reply *reply)
{
	struct bgp_rib_stats st;
	char err[256];
	int rc = bgp_rib_parse(reply->out, reply->len, &l->fetching, &st, err, sizeof(err));
	int af;

	/* The full table (about 290 bytes a prefix) goes into its own buffer,
	 * freed right after parsing: keeping megabytes for the next change
	 * would double the agent's resident memory in steady state. */
	frr_reply_free(reply);
	if (rc != 0) {
		log_warnx("routes: \"%s\": %s", rib_cmd[l->step_af], err);
		route_set_free(&l->fetching);
		return;
	}
	l->fetch_no_best += st.no_best;
	af = next_af(l, l->step_af + 1);
	if (af >= 0)
		send_rib(l, af);
	else
		finish_fetch(l);
}

static void kick_queries(struct frr_learn *l, uint64_t ms)
{
	if (l->query_armed)
		return;
	/* 0 would disarm a timerfd. */
	l->query_armed = timer_arm(l->query_fd, ms > 0 ? ms : 1, 0) == 0;
}

/* The prefixes of the answers that parsed go to the owner with their routes;
 * one that did not is learned by a full fetch instead. */
static void got_prefixes(struct frr_learn *l, const struct frr_reply *reply)
{
	struct prefix ok[QUERY_BATCH_MAX];
	struct route_set found;
	const char *out;
	size_t pos = 0, len, n_ok = 0, i = 0;
	char err[256], buf[PREFIX_STRLEN];
	int status;

	latency_observe_since(LATENCY_FEED, l->round_start_us);
	route_set_init(&found);
	for (; i < l->n_asked && frr_reply_next(reply, &pos, &out, &len, &status); i++) {
		if (status == FRR_CMD_SUCCESS &&
		    bgp_rib_parse_prefix(out, len, &found, NULL, err, sizeof(err)) == 0) {
			ok[n_ok++] = l->asked[i];
			continue;
		}
		log_warnx("routes: bgpd's answer for %s: %s", prefix_format(&l->asked[i], buf, sizeof(buf)),
			  status == FRR_CMD_SUCCESS ? err : frr_cmd_status_str(status));
		l->need_fetch = true;
	}
	if (i < l->n_asked)
		l->need_fetch = true;
	route_set_sort(&found);
	if (has_unnumbered_peer(l->cfg))
		bgp_peers_resolve_ifnames(&l->peers, &found);
	l->n_asked = 0;
	if (l->ops.prefixes != NULL)
		l->ops.prefixes(l->arg, ok, n_ok, &found);
	route_set_free(&found);
	if (queued(l) || l->need_fetch)
		kick_queries(l, 0);
}

static void on_answer(void *arg, int rc, struct frr_reply *reply)
{
	struct frr_learn *l = arg;

	if (rc != FRR_VTY_OK) {
		learn_failed(l, rc);
		return;
	}
	frr_learn_bgpd_outcome(l, rc, 0);
	set_bgpd_up(l, true);
	switch (l->step) {
	case LEARN_VERSION:
		got_version(l, reply);
		break;
	case LEARN_PEERS:
		frr_learn_peers_update(l, reply);
		after_peers(l);
		break;
	case LEARN_RIB:
		got_rib(l, reply);
		break;
	case LEARN_PREFIXES:
		got_prefixes(l, reply);
		break;
	}
}

int frr_learn_peers_update(struct frr_learn *l, const struct frr_reply *reply)
{
	char err[256];

	if (bgp_peers_parse(reply->out, reply->len, &l->peers, err, sizeof(err)) != 0) {
		log_warnx("routes: \"%s\": %s", BGP_PEERS_CMD, err);
		return -1;
	}
	l->last_peers_ms = monotonic_ms();
	if (l->ops.peers != NULL)
		l->ops.peers(l->arg);
	return 0;
}

/* One chain of requests at a time (versions, then peers and the table when
 * needed); a chain still waiting for bgpd makes the poll skip, and the
 * request's deadline ends the wait. */
static void start_round(struct frr_learn *l)
{
	int af = next_af(l, 0);

	if (af >= 0)
		send_version(l, af);
}

static void on_poll(int fd, uint32_t events, void *arg)
{
	struct frr_learn *l = arg;
	int af = next_af(l, 0);

	(void)events;
	timer_ack(fd);
	if (frr_vty_busy(&l->vty) || af < 0)
		return;
	start_round(l);
}

/* Asked once: asked again after QUERY_RECHECK_MS (out of memory: not). */
static void schedule_recheck(struct frr_learn *l)
{
	if (queue_push(&l->recheck, l->asked, l->n_asked) != 0 || l->recheck_armed)
		return;
	l->recheck_armed = timer_arm(l->recheck_fd, QUERY_RECHECK_MS, 0) == 0;
}

/* One round of up to QUERY_BATCH_MAX prefixes, pipelined in one write:
 * first asks before second ones. */
static void send_prefixes(struct frr_learn *l)
{
	char cmds[QUERY_BATCH_MAX * QUERY_CMD_MAX], buf[PREFIX_STRLEN];
	size_t len = 0;
	int rc;

	l->round_first = l->pending.n > 0;
	l->n_asked = queue_take(l->round_first ? &l->pending : &l->again, l->asked, QUERY_BATCH_MAX);
	if (l->round_first)
		schedule_recheck(l);
	for (size_t i = 0; i < l->n_asked; i++) {
		int n = snprintf(cmds + len, sizeof(cmds) - len, BGP_RIB_PREFIX_CMD_FMT,
				 l->asked[i].addr.family == AF_INET6 ? "ipv6" : "ipv4",
				 prefix_format(&l->asked[i], buf, sizeof(buf)));

		len += (size_t)n + 1; /* the NUL ends the command */
	}
	l->step = LEARN_PREFIXES;
	l->timeout_ms = VTY_POLL_TIMEOUT_MS;
	l->round_start_us = latency_start();
	l->n_rounds++;
	l->n_asked_total += l->n_asked;
	rc = frr_vty_request_batch(&l->vty, cmds, len, l->n_asked, VTY_POLL_TIMEOUT_MS,
				   &l->answers, on_answer, l);
	if (rc != FRR_VTY_OK)
		learn_failed(l, rc);
}

/* A fetch asked for goes first (it answers the pending prefixes too, but
 * they are asked again after it: a change may come while it runs). */
static void on_query(int fd, uint32_t events, void *arg)
{
	struct frr_learn *l = arg;

	(void)events;
	timer_ack(fd);
	l->query_armed = false;
	if (frr_vty_busy(&l->vty)) {
		if (queued(l) || l->need_fetch)
			kick_queries(l, QUERY_BUSY_RETRY_MS);
		return;
	}
	if (l->need_fetch)
		start_round(l);
	else if (queued(l))
		send_prefixes(l);
}

static void on_recheck(int fd, uint32_t events, void *arg)
{
	struct frr_learn *l = arg;

	(void)events;
	timer_ack(fd);
	l->recheck_armed = false;
	if (queue_push(&l->again, l->recheck.v, l->recheck.n) == 0)
		kick_queries(l, 0);
	l->recheck.n = 0;
}

int frr_learn_query(struct frr_learn *l, const struct prefix *v, size_t n)
{
	l->last_report_ms = monotonic_ms();
	if (l->pending.n + n > QUERY_FULL_FETCH_OVER) {
		l->pending.n = 0;
		frr_learn_fetch_soon(l);
		return 0;
	}
	if (queue_push(&l->pending, v, n) != 0) {
		frr_learn_fetch_soon(l);
		return -1;
	}
	kick_queries(l, QUERY_SETTLE_MS);
	return 0;
}

void frr_learn_set_feed(struct frr_learn *l, bool on)
{
	uint64_t ms = on ? FRR_LEARN_FEED_POLL_MS : FRR_LEARN_POLL_MS;

	l->feed = on;
	timer_arm(l->poll_fd, ms, ms);
}

struct frr_learn *frr_learn_open(struct event_loop *loop, const struct agent_config *cfg,
				 const struct frr_learn_ops *ops, void *arg)
{
	struct frr_learn *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		log_errorx("routes: out of memory");
		return NULL;
	}
	l->cfg = cfg;
	l->loop = loop;
	l->ops = *ops;
	l->arg = arg;
	l->poll_fd = l->query_fd = l->recheck_fd = -1;
	route_set_init(&l->fetching);
	if (frr_vty_open_bgpd(&l->vty, loop, cfg) != 0) {
		free(l);
		return NULL;
	}
	l->poll_fd = timer_create_fd();
	l->query_fd = timer_create_fd();
	l->recheck_fd = timer_create_fd();
	if (l->poll_fd < 0 || timer_arm(l->poll_fd, 1, FRR_LEARN_POLL_MS) != 0 ||
	    event_loop_add(loop, l->poll_fd, on_poll, l) != 0 || l->query_fd < 0 ||
	    event_loop_add(loop, l->query_fd, on_query, l) != 0 || l->recheck_fd < 0 ||
	    event_loop_add(loop, l->recheck_fd, on_recheck, l) != 0) {
		log_errorx("routes: cannot arm the bgpd poll timer");
		frr_learn_close(l);
		return NULL;
	}
	return l;
}

void frr_learn_close(struct frr_learn *l)
{
	if (l == NULL)
		return;
	if (l->poll_fd >= 0) {
		event_loop_del(l->loop, l->poll_fd);
		close(l->poll_fd);
	}
	if (l->query_fd >= 0) {
		event_loop_del(l->loop, l->query_fd);
		close(l->query_fd);
	}
	if (l->recheck_fd >= 0) {
		event_loop_del(l->loop, l->recheck_fd);
		close(l->recheck_fd);
	}
	free(l->pending.v);
	free(l->recheck.v);
	free(l->again.v);
	frr_reply_free(&l->answers);
	frr_vty_free(&l->vty);
	frr_reply_free(&l->reply);
	frr_reply_free(&l->big);
	route_set_free(&l->fetching);
	bgp_peers_free(&l->peers);
	free(l);
}

/* Also when polling is off (the feed reports changes): the fetch starts by itself. */
void frr_learn_fetch_soon(struct frr_learn *l)
{
	l->need_fetch = true;
	kick_queries(l, QUERY_COALESCE_MS);
}

const struct bgp_peers *frr_learn_peers(const struct frr_learn *l)
{
	return &l->peers;
}

bool frr_learn_all_peers_eor(const struct frr_learn *l)
{
	char id[PEER_ID_MAX];

	for (size_t i = 0; i < l->cfg->n_peers; i++) {
		const struct bgp_peer *p;

		config_peer_id(&l->cfg->peers[i], id, sizeof(id));
		p = bgp_peers_find(&l->peers, id);
		if (p == NULL || !p->established)
			return false;
		for (int af = 0; af < BGP_AF_COUNT; af++)
			if (p->af[af].active && !p->af[af].eor_received)
				return false;
	}
	return true;
}

bool frr_learn_bgpd_up(const struct frr_learn *l)
{
	return l->bgpd_up;
}

time_t frr_learn_bgpd_silent_since(const struct frr_learn *l)
{
	return l->bgpd_silent_since;
}

unsigned frr_learn_fetches(const struct frr_learn *l)
{
	return l->n_fetches;
}

uint64_t frr_learn_last_fetch_ms(const struct frr_learn *l)
{
	return l->last_fetch_ms;
}

void frr_learn_query_counts(const struct frr_learn *l, uint64_t *prefixes, uint64_t *rounds)
{
	*prefixes = l->n_asked_total;
	*rounds = l->n_rounds;
}
