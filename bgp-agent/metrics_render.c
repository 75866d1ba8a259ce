/* Names follow Prometheus' conventions: bgp_agent_ prefix, base units
 * (seconds), _total for counters, one series per state of an enum (a
 * "state set", value 1 for the current one) so alerts can match on it. */
#include "metrics_render.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const bgp_states[] = {
	"Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
};
static const char *const bfd_states[] = { "up", "down", "unknown", "off" };
static const char *const frr_states[] = { "unknown", "down", "applying", "applied", "failed" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_int_t num(const json_t *o, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(o, path1);

	if (path2 != NULL)
		v = json_object_get(v, path2);
	return json_is_true(v) ? 1 : json_integer_value(v);
}

static const char *str(const json_t *o, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : fallback;
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped as the format asks. */
static void label_value(FILE *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

/* labels: NULL or pairs of name, value, ending with NULL. */
static void sample(FILE *out, const char *name, const char *const *labels, json_int_t v)
{
	fputs(name, out);
	for (size_t i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		fprintf(out, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
		label_value(out, labels[i + 1]);
		fputc('"', out);
	}
	fprintf(out, "%s %lld\n", labels != NULL && labels[0] != NULL ? "}" : "", (long long)v);
}

static void gauge(FILE *out, const char *name, const char *help, json_int_t v)
{
	family(out, name, "gauge", help);
	sample(out, name, NULL, v);
}

static void counter(FILE *out, const char *name, const char *help, json_int_t v)
{
	family(out, name, "counter", help);
	sample(out, name, NULL, v);
}

static void process(FILE *out, const json_t *st)
{
	const json_t *agent = json_object_get(st, "agent");
	const char *info[] = { "version", str(agent, "version", ""), "frr_version",
			       str(json_object_get(st, "frr"), "version", ""), NULL };

	gauge(out, "bgp_agent_up", "1 while the agent runs and answers.", 1);
	family(out, "bgp_agent_build_info", "gauge", "The agent's version and bgpd's (FRR).");
	sample(out, "bgp_agent_build_info", info, 1);
	gauge(out, "bgp_agent_start_time_seconds", "When the agent started (Unix time).",
	      num(agent, "started", NULL));
	counter(out, "bgp_agent_config_reloads_total", "Configurations applied on SIGHUP.",
		num(agent, "reloads", NULL));
	counter(out, "bgp_agent_tcp_md5_failures_total",
		"TCP segments the namespace's kernel dropped for a missing or wrong MD5 signature.",
		num(agent, "tcp_md5_failures", NULL));
}

/* One family over every peer: get(peer, key) as the value. */
static void per_peer(FILE *out, const json_t *peers, const char *name, const char *type,
		     const char *help, const char *key)
{
	size_t i;
	const json_t *p;

	family(out, name, type, help);
	json_array_foreach(peers, i, p) {
		const char *labels[] = { "peer", str(p, "name", ""), "address",
					 str(p, "address", ""), NULL };
		sample(out, name, labels, num(p, key, NULL));
	}
}

/* A state set over every peer: the states listed, plus the current one when
 * it is none of them. */
static void per_peer_states(FILE *out, const json_t *peers, const char *name, const char *help,
			    const char *key, const char *const *states, size_t n)
{
	size_t i;
	const json_t *p;

	family(out, name, "gauge", help);
	json_array_foreach(peers, i, p) {
		const char *cur = str(p, key, "unknown");
		const char *labels[] = { "peer", str(p, "name", ""), "address",
					 str(p, "address", ""), "state", NULL, NULL };
		bool listed = false;

		for (size_t k = 0; k < n; k++) {
			labels[5] = states[k];
			listed = listed || strcmp(states[k], cur) == 0;
			sample(out, name, labels, strcmp(states[k], cur) == 0);
		}
		labels[5] = cur;
		if (!listed)
			sample(out, name, labels, 1);
	}
}

static void peers(FILE *out, const json_t *st)
{
	const json_t *v = json_object_get(st, "peers");

	per_peer(out, v, "bgp_agent_peer_up", "gauge", "1 when the BGP session is Established.",
		 "established");
	per_peer_states(out, v, "bgp_agent_peer_session_state",
			"BGP session state as bgpd reports it (1 for the current one).", "state",
			bgp_states, N(bgp_states));
	per_peer(out, v, "bgp_agent_peer_uptime_seconds", "gauge",
		 "How long the session has been Established.", "uptime_s");
	per_peer(out, v, "bgp_agent_peer_prefixes_received", "gauge",
		 "Prefixes the peer sent (accepted + filtered).", "prefixes_received");
	per_peer(out, v, "bgp_agent_peer_prefixes_accepted", "gauge",
		 "Prefixes of the peer bgpd accepted.", "prefixes_accepted");
	per_peer(out, v, "bgp_agent_peer_prefixes_filtered", "gauge",
		 "Prefixes of the peer FRR's inbound policy refused (needs Adj-RIB-In).",
		 "prefixes_filtered");
	per_peer_states(out, v, "bgp_agent_peer_bfd_state",
			"BFD session state (off: the peer has no bfd = true).", "bfd", bfd_states,
			N(bfd_states));
}

static void routes(FILE *out, const json_t *st)
{
	static const struct { const char *name, *key, *help; } sets[] = {
		{ "bgp_agent_routes_learned", "learned", "Best paths learned from bgpd." },
		{ "bgp_agent_routes_desired", "desired",
		  "Routes the kernel should have: accepted best paths and the node's anchors." },
		{ "bgp_agent_routes_installed", "installed", "Routes of the agent in the kernel." },
		{ "bgp_agent_routes_rejected", "rejected", "Best paths the import policy refused." },
		{ "bgp_agent_routes_stale", "stale",
		  "Routes from before a restart kept until the peers sent End-of-RIB." },
		{ "bgp_agent_routes_failed", "failed", "Route changes the kernel refused in the last sync." },
	};
	static const char *const changes[] = { "added", "replaced", "deleted" };
	const json_t *total = json_object_get(json_object_get(st, "sync"), "since_start");

	for (size_t i = 0; i < N(sets); i++)
		gauge(out, sets[i].name, sets[i].help, num(st, "routes", sets[i].key));
	family(out, "bgp_agent_kernel_route_changes_total", "counter",
	       "Kernel route changes the agent made, by kind.");
	for (size_t i = 0; i < N(changes); i++) {
		const char *labels[] = { "change", changes[i], NULL };
		sample(out, "bgp_agent_kernel_route_changes_total", labels, num(total, changes[i], NULL));
	}
	counter(out, "bgp_agent_kernel_route_failures_total", "Kernel route changes refused.",
		num(total, "failed", NULL));
	counter(out, "bgp_agent_kernel_syncs_total", "Syncs of the kernel with the desired routes.",
		num(st, "sync", "syncs"));
	counter(out, "bgp_agent_feed_fetches_total", "Tables fetched from bgpd.",
		num(st, "sync", "fetches"));
}

static void frr(FILE *out, const json_t *st)
{
	static const struct { const char *result, *key; } results[] = {
		{ "applied", "reloads" }, { "unchanged", "unchanged" }, { "failed", "failed" },
	};
	const json_t *f = json_object_get(st, "frr");
	const char *cur = str(f, "state", "unknown");

	gauge(out, "bgp_agent_bgpd_connected", "1 while bgpd's vty socket is reachable.",
	      num(f, "bgpd_connected", NULL));
	gauge(out, "bgp_agent_bgpd_answering", "0 while a request to bgpd timed out.",
	      num(f, "bgpd_answering", NULL));
	family(out, "bgp_agent_frr_apply_state", "gauge",
	       "State of applying the rendered configuration to FRR (1 for the current one).");
	for (size_t i = 0; i < N(frr_states); i++) {
		const char *labels[] = { "state", frr_states[i], NULL };
		sample(out, "bgp_agent_frr_apply_state", labels, strcmp(cur, frr_states[i]) == 0);
	}
	family(out, "bgp_agent_frr_applies_total", "counter",
	       "Attempts to apply the configuration to FRR, by result.");
	for (size_t i = 0; i < N(results); i++) {
		const char *labels[] = { "result", results[i].result, NULL };
		sample(out, "bgp_agent_frr_applies_total", labels, num(f, results[i].key, NULL));
	}
}

static void histogram(FILE *out, const char *name, const char *help, const struct latency_hist *h)
{
	uint64_t cum = 0;

	family(out, name, "histogram", help);
	for (size_t i = 0; i <= LATENCY_BUCKETS; i++) {
		cum += h->bucket[i];
		if (i < LATENCY_BUCKETS)
			fprintf(out, "%s_bucket{le=\"%g\"} %llu\n", name,
				(double)latency_bounds_us[i] / 1e6, (unsigned long long)cum);
		else
			fprintf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
	}
	fprintf(out, "%s_sum %.6f\n%s_count %llu\n", name, (double)h->sum_us / 1e6, name,
		(unsigned long long)h->count);
}

static void latencies(FILE *out, const struct latency_hist *const h[LATENCY_KINDS])
{
	histogram(out, "bgp_agent_kernel_sync_duration_seconds",
		  "One sync of the kernel's routes with the desired ones.", h[LATENCY_KERNEL_SYNC]);
	histogram(out, "bgp_agent_feed_duration_seconds",
		  "Learning changed routes from bgpd: request (the table, or a round of per-prefix queries) to parsed answer.", h[LATENCY_FEED]);
	histogram(out, "bgp_agent_frr_apply_duration_seconds",
		  "One apply of the configuration (frr-reload.py --test, then --reload).",
		  h[LATENCY_FRR_APPLY]);
}

char *metrics_render(const json_t *status, const struct latency_hist *const hists[LATENCY_KINDS],
		     size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (out == NULL)
		return NULL;
	process(out, status);
	peers(out, status);
	routes(out, status);
	frr(out, status);
	latencies(out, hists);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
