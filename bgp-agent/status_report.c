/* Builds the `status` answer as one JSON document from the live state. The
 * client prints it either as tables or as JSON (status_print.c): one code path
 * for the data, two printers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent_state.h"
#include "frr_filtered.h"
#include "import_policy.h"
#include "log.h"
#include "tcp_md5_stats.h"

static const char *const route_type_names[] = {
	[ROUTE_UNICAST] = "unicast",
	[ROUTE_UNREACHABLE] = "unreachable",
	[ROUTE_BLACKHOLE] = "blackhole",
};

static json_t *nexthop_json(const struct nexthop *nh)
{
	char gw[INET6_ADDRSTRLEN] = "";
	json_t *o = json_object();

	if (nh->gw.family != 0)
		json_object_set_new(o, "via", json_string(ip_addr_format(&nh->gw, gw, sizeof(gw))));
	if (nh->ifname[0] != '\0')
		json_object_set_new(o, "dev", json_string(nh->ifname));
	else if (nh->ifindex != 0)
		json_object_set_new(o, "ifindex", json_integer(nh->ifindex));
	return o;
}

static json_t *route_json(const struct route *r)
{
	char dst[PREFIX_STRLEN];
	json_t *nhs = json_array();

	for (size_t i = 0; i < r->n_nh; i++)
		json_array_append_new(nhs, nexthop_json(&r->nh[i]));
	return json_pack("{s:s, s:s, s:I, s:o}", "prefix", prefix_format(&r->dst, dst, sizeof(dst)),
			 "type", route_type_names[r->type], "metric", (json_int_t)r->metric,
			 "nexthops", nhs);
}

static json_t *route_set_json(const struct route_set *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, route_json(&s->routes[i]));
	return a;
}

/* Routes FRR's own inbound policy refused (needs Adj-RIB-In: soft-
 * reconfiguration inbound), explained with the agent's policy, which applies
 * the same rules. Without Adj-RIB-In FRR answers with text: nothing to add. */
void status_report_add_filtered(struct agent *a, const char *peer_name,
				const struct frr_reply *reply, json_t *arr)
{
	struct route_set routes;
	char err[IMPORT_REASON_MAX];

	route_set_init(&routes);
	if (frr_filtered_parse(reply->out, reply->len, &routes, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < routes.n; i++) {
			json_t *r = route_json(&routes.routes[i]);

			if (import_policy_prefix_ok(&a->cfg, &routes.routes[i].dst, err, sizeof(err)))
				snprintf(err, sizeof(err), "refused by FRR's inbound route-map");
			json_object_set_new(r, "reason", json_string(err));
			json_object_set_new(r, "by", json_string("frr"));
			json_object_set_new(r, "peer", json_string(peer_name));
			json_array_append_new(arr, r);
		}
	}
	route_set_free(&routes);
}

static json_t *rejected_json(struct agent *a)
{
	const struct rejected_set *s = reconcile_rejected(a->rec);
	json_t *arr = json_array(), *r;
	size_t i;

	for (i = 0; i < s->n; i++) {
		r = route_json(&s->v[i].route);
		json_object_set_new(r, "reason", json_string(s->v[i].reason));
		json_object_set_new(r, "by", json_string("agent"));
		json_array_append_new(arr, r);
	}
	/* From status's last complete round of questions to bgpd. */
	json_array_foreach(a->status.last_filtered, i, r)
		json_array_append_new(arr, json_deep_copy(r));
	return arr;
}

/* "off" when the peer has no bfd = true; otherwise bfdd's state as bgpd
 * reports it ("up", "down", "unknown" before the first packet or without
 * bfdd), so a BFD session down while BGP is up shows. */
static const char *peer_bfd_state(const struct peer_config *pc, const struct bgp_peer *bp)
{
	if (!pc->bfd)
		return "off";
	if (bp == NULL || bp->bfd_status[0] == '\0')
		return "unknown";
	if (strcmp(bp->bfd_status, "Up") == 0)
		return "up";
	return strcmp(bp->bfd_status, "Down") == 0 ? "down" : "unknown";
}

static json_t *peer_json(const struct peer_config *pc, const struct bgp_peer *bp)
{
	char key[PEER_ID_MAX];
	uint32_t received = 0, accepted = 0;
	bool eor = bp != NULL;

	config_peer_id(pc, key, sizeof(key));
	for (int af = 0; bp != NULL && af < BGP_AF_COUNT; af++) {
		if (!bp->af[af].active)
			continue;
		received += bp->af[af].received;
		accepted += bp->af[af].accepted;
		eor = eor && bp->af[af].eor_received;
	}
	return json_pack("{s:s, s:s, s:I, s:s, s:b, s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:b}", "name",
			 pc->name, "address", key,
			 "remote_as", (json_int_t)(bp != NULL ? bp->remote_as : pc->asn),
			 "state", bp != NULL ? bp->state : "unknown",
			 "established", bp != NULL && bp->established,
			 "bfd", peer_bfd_state(pc, bp), "md5", pc->password[0] != '\0',
			 "last_reset", bp != NULL ? bp->last_reset : "",
			 "uptime_s", (json_int_t)(bp != NULL ? bp->uptime_ms / 1000 : 0),
			 "prefixes_received", (json_int_t)received,
			 "prefixes_accepted", (json_int_t)accepted, "prefixes_filtered", (json_int_t)0,
			 "end_of_rib", eor);
}

static json_t *peers_json(struct agent *a)
{
	char key[PEER_ID_MAX];
	json_t *arr = json_array();

	/* Fresh from status's round of questions, or the last known ones. */
	for (size_t i = 0; i < a->cfg.n_peers; i++) {
		config_peer_id(&a->cfg.peers[i], key, sizeof(key));
		json_array_append_new(arr, peer_json(&a->cfg.peers[i],
						     bgp_peers_find(reconcile_peers(a->rec), key)));
	}
	return arr;
}

/* The node's pod CIDRs, each with whether bgpd holds it (it advertises only
 * prefixes in its table: import-check) and whether our anchor is in place. */
static json_t *advertised_json(struct agent *a)
{
	json_t *arr = json_array();
	char buf[PREFIX_STRLEN];

	for (size_t i = 0; i < a->cfg.node.n_pod_cidrs; i++) {
		const struct prefix *p = &a->cfg.node.pod_cidrs[i];
		const struct route *k = route_set_find(reconcile_installed(a->rec), p);

		json_array_append_new(arr, json_pack("{s:s, s:b}", "prefix",
						     prefix_format(p, buf, sizeof(buf)), "anchor",
						     k != NULL && k->type == ROUTE_UNREACHABLE));
	}
	return arr;
}

static json_t *frr_json(struct agent *a)
{
	const struct frr_apply *f = &a->frr;
	struct reconcile_status rs;

	reconcile_get_status(a->rec, &rs);
	/* bgpd_silent_since: when a request to bgpd last went unanswered (0:
	 * it answers); the rest of the report is then what the agent knew. */
	return json_pack("{s:s, s:s, s:b, s:b, s:I, s:I, s:s, s:I, s:I, s:I}", "state",
			 frr_apply_state_name(f->state), "version", a->frr_version, "bgpd_connected", rs.bgpd_up,
			 "bgpd_answering", rs.bgpd_silent_since == 0, "bgpd_silent_since",
			 (json_int_t)rs.bgpd_silent_since,
			 "bgpd_pid", (json_int_t)frr_bgpd_pid(&a->cfg), "last_result", f->last_result,
			 "since", (json_int_t)f->last_change, "reloads", (json_int_t)f->n_applied,
			 "unchanged", (json_int_t)f->n_unchanged);
}

static json_t *sync_json(struct agent *a)
{
	struct reconcile_status rs;
	const struct route_sync_counts *c = &rs.last_counts, *t = &rs.total_counts;

	reconcile_get_status(a->rec, &rs);
	/* consistency_checks: full fetches compared with what was learned per
	 * prefix; disagreements: routes where they differed (0 when all is well). */
	return json_pack("{s:I, s:I, s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}}",
			 "last_sync", (json_int_t)rs.last_sync, "duration_ms",
			 (json_int_t)rs.last_sync_ms, "stale_sweep_allowed", rs.sweep_allowed,
			 "stale_sweep", rs.sweep_reason, "added", (json_int_t)c->added, "replaced",
			 (json_int_t)c->replaced, "deleted", (json_int_t)c->deleted, "failed",
			 (json_int_t)c->failed, "held", (json_int_t)c->held, "fetches",
			 (json_int_t)rs.n_fetches, "syncs", (json_int_t)rs.n_syncs, "prefixes_queried",
			 (json_int_t)rs.queried, "query_rounds", (json_int_t)rs.query_rounds,
			 "consistency_checks", (json_int_t)rs.n_checks, "disagreements",
			 (json_int_t)rs.n_disagreements, "since_start",
			 "added", (json_int_t)t->added, "replaced", (json_int_t)t->replaced,
			 "deleted", (json_int_t)t->deleted, "failed", (json_int_t)t->failed);
}

/* Whether routes share kernel nexthop groups, or why not. */
static void add_nexthop_groups(struct agent *a, json_t *sync)
{
	struct kroute *kr = reconcile_kroute(a->rec);
	char buf[256];

	if (sync != NULL && kr != NULL)
		json_object_set_new(sync, "nexthop_groups",
				    json_string(kroute_nexthop_groups_status(kr, buf, sizeof(buf))));
}

static json_t *agent_json(struct agent *a)
{
	uint64_t md5_failures;

	/* The namespace's counter: a wrong password is invisible to bgpd. */
	tcp_md5_failures_read(&md5_failures);
	return json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:I}", "version",
			 BGP_AGENT_VERSION, "pid", (int)getpid(), "node", a->cfg.node.name,
			 "config", a->cfg.path, "started", (json_int_t)a->started,
			 "asn", (json_int_t)a->cfg.node.asn, "table", (json_int_t)a->cfg.kernel.table,
			 "protocol", (json_int_t)a->cfg.kernel.protocol, "last_reload",
			 a->last_reload, "reloads", (json_int_t)a->n_reloads,
			 "log_level", log_level_name(log_get_level()),
			 "tcp_md5_failures", (json_int_t)md5_failures);
}

/* FRR 8.4's neighbor JSON counts only accepted prefixes; with the routes its
 * policy refused (Adj-RIB-In) the received count becomes the real one. */
static void count_filtered(json_t *peers, const json_t *rejected)
{
	size_t i, j;
	json_t *p, *r;

	json_array_foreach(peers, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		json_int_t n = 0;

		json_array_foreach(rejected, j, r) {
			const char *by = json_string_value(json_object_get(r, "peer"));
			if (by != NULL && name != NULL && strcmp(by, name) == 0)
				n++;
		}
		json_object_set_new(p, "prefixes_filtered", json_integer(n));
		json_object_set_new(p, "prefixes_received",
				    json_integer(json_integer_value(json_object_get(p, "prefixes_accepted")) + n));
	}
}

/* How many routes are in each set, for metrics (the lists can be long). The
 * stale routes held back are part of the synced set, not desired ones. */
static json_t *route_counts_json(struct agent *a)
{
	struct reconcile_status rs;
	const struct route_sync_counts *c = &rs.last_counts;

	reconcile_get_status(a->rec, &rs);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "learned",
			 (json_int_t)reconcile_learned(a->rec)->n,
			 "desired", (json_int_t)(c->desired - (c->held < c->desired ? c->held : 0)),
			 "installed", (json_int_t)reconcile_installed(a->rec)->n, "rejected",
			 (json_int_t)reconcile_rejected(a->rec)->n, "stale", (json_int_t)c->held, "failed",
			 (json_int_t)c->failed);
}

static json_int_t ago_ms(uint64_t when)
{
	return when != 0 ? (json_int_t)(monotonic_ms() - when) : -1;
}

/* bgpd's BMP feed: "off" (frr.bmp_port 0), "waiting" (bgpd not connected:
 * no BMP module, or away; learning polls the vty), "connected". */
static json_t *feed_json(struct agent *a)
{
	struct reconcile_status rs;
	const struct bmp_learn_status *f = &rs.feed;

	reconcile_get_status(a->rec, &rs);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I}", "state",
			 !f->enabled ? "off" : f->connected ? "connected" : "waiting",
			 "sessions", (json_int_t)f->sessions, "messages", (json_int_t)f->messages,
			 "parse_errors", (json_int_t)f->parse_errors, "last_message_ago_ms",
			 ago_ms(f->last_message_ms), "last_event", f->last_event,
			 "last_event_ago_ms", ago_ms(f->last_event_ms), "prefixes_queried",
			 (json_int_t)rs.queried, "disagreements", (json_int_t)rs.n_disagreements);
}

/* Everything but the route lists; rejected is handed back for the caller. */
static json_t *build_summary(struct agent *a, json_t **rejected)
{
	json_t *o = json_object();
	json_t *peers = peers_json(a), *sync;

	*rejected = rejected_json(a);
	count_filtered(peers, *rejected);
	json_object_set_new(o, "agent", agent_json(a));
	json_object_set_new(o, "frr", frr_json(a));
	json_object_set_new(o, "feed", feed_json(a));
	json_object_set_new(o, "peers", peers);
	json_object_set_new(o, "routes", route_counts_json(a));
	sync = sync_json(a);
	add_nexthop_groups(a, sync);
	json_object_set_new(o, "sync", sync);
	return o;
}

json_t *status_report_build_summary(struct agent *a)
{
	json_t *rejected, *o = build_summary(a, &rejected);

	json_decref(rejected);
	return o;
}

json_t *status_report_build(struct agent *a)
{
	json_t *rejected, *o = build_summary(a, &rejected);

	json_object_set_new(o, "advertised", advertised_json(a));
	json_object_set_new(o, "learned", route_set_json(reconcile_learned(a->rec)));
	json_object_set_new(o, "installed", route_set_json(reconcile_installed(a->rec)));
	json_object_set_new(o, "rejected", rejected);
	return o;
}
