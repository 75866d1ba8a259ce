/* Turns the validated config into template data for frr.conf.tmpl. The
 * policy decisions (which prefix-list entries exist, in which order, which
 * peer is activated in which address family) are made here; the template
 * only spells them in FRR's syntax. Order is FRR's own: peers with an
 * interface (unnumbered) first by name, then by address -- FRR sorts its
 * neighbor list the same way -- and prefix-list entries by sequence. */
#include "render_frr.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SEQ_STEP 5

static int peer_order(const void *a, const void *b)
{
	const struct peer_config *x = *(const struct peer_config *const *)a;
	const struct peer_config *y = *(const struct peer_config *const *)b;

	if (x->has_address != y->has_address)
		return x->has_address ? 1 : -1;
	if (!x->has_address)
		return strcmp(x->interface, y->interface);
	return ip_addr_cmp(&x->address, &y->address);
}

static void set_remote_as(struct tmpl_data *d, const struct peer_config *p)
{
	static const char *const words[] = {
		[PEER_AS_INTERNAL] = "internal", [PEER_AS_EXTERNAL] = "external",
	};

	if (p->remote_as == PEER_AS_NUMBER)
		tmpl_set_stringf(d, "remote_as", "%u", p->asn);
	else
		tmpl_set_string(d, "remote_as", words[p->remote_as]);
}

/* One FRR BFD profile per distinct (interval, multiplier) pair, named after
 * it, so peers with the same timers share one and a name says what it does. */
static void bfd_profile_name(const struct peer_config *p, char *buf, size_t len)
{
	snprintf(buf, len, "bgp-agent-%ux%u", p->bfd_interval_ms, p->bfd_multiplier);
}

/* Only values FRR does not default to: `show running-config` omits the
 * others, and frr-reload.py would see a difference on every run. */
static void set_unless_frr_default(struct tmpl_data *d, const char *key, unsigned v,
				   unsigned frr_default)
{
	if (v != frr_default)
		tmpl_set_stringf(d, key, "%u", v);
	else
		tmpl_set_string(d, key, "");
}

static int bfd_timer_order(const void *a, const void *b)
{
	const struct peer_config *x = *(const struct peer_config *const *)a;
	const struct peer_config *y = *(const struct peer_config *const *)b;

	if (x->bfd_interval_ms != y->bfd_interval_ms)
		return x->bfd_interval_ms < y->bfd_interval_ms ? -1 : 1;
	return (int)x->bfd_multiplier - (int)y->bfd_multiplier;
}

/* The profiles the BFD peers use, ordered by interval then multiplier. */
static void add_bfd_profiles(struct tmpl_data *top, const struct agent_config *cfg)
{
	const struct peer_config **bfd = calloc(cfg->n_peers + 1, sizeof(*bfd));
	char name[64];
	size_t n = 0;

	tmpl_set_list(top, "bfd_profiles");
	for (size_t i = 0; bfd != NULL && i < cfg->n_peers; i++)
		if (cfg->peers[i].bfd)
			bfd[n++] = &cfg->peers[i];
	if (n > 0)
		qsort(bfd, n, sizeof(*bfd), bfd_timer_order);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_data *d;

		if ((i > 0 && bfd_timer_order(&bfd[i - 1], &bfd[i]) == 0) ||
		    (d = tmpl_list_append(top, "bfd_profiles")) == NULL)
			continue;
		bfd_profile_name(bfd[i], name, sizeof(name));
		tmpl_set_string(d, "name", name);
		set_unless_frr_default(d, "multiplier", bfd[i]->bfd_multiplier, FRR_BFD_MULTIPLIER);
		set_unless_frr_default(d, "interval", bfd[i]->bfd_interval_ms, FRR_BFD_INTERVAL_MS);
	}
	free(bfd);
}

static void add_graceful_restart(struct tmpl_data *top, const struct agent_config *cfg)
{
	tmpl_set_bool(top, "graceful_restart", cfg->graceful_restart.enabled);
	set_unless_frr_default(top, "gr_restart_time", cfg->graceful_restart.restart_time,
			       FRR_GR_RESTART_TIME);
	set_unless_frr_default(top, "gr_stalepath_time", cfg->graceful_restart.stalepath_time,
			       FRR_GR_STALEPATH_TIME);
	set_unless_frr_default(top, "gr_select_defer_time", cfg->graceful_restart.select_defer_time,
			       FRR_GR_SELECT_DEFER_TIME);
}

static void add_peer(struct tmpl_data *top, const struct peer_config *p)
{
	struct tmpl_data *d = tmpl_list_append(top, "peers");
	char buf[PEER_ID_MAX];

	if (d == NULL)
		return;
	tmpl_set_string(d, "neighbor", config_peer_id(p, buf, sizeof(buf)));
	tmpl_set_bool(d, "unnumbered", !p->has_address);
	set_remote_as(d, p);
	tmpl_set_string(d, "description", p->name);
	tmpl_set_bool(d, "bfd", p->bfd);
	bfd_profile_name(p, buf, sizeof(buf));
	tmpl_set_string(d, "bfd_profile", p->bfd ? buf : "");
	set_unless_frr_default(d, "ttl_security_hops", p->ttl_security_hops, 0);
	tmpl_set_string(d, "password", p->password);
	tmpl_set_bool(d, "multihop", p->multihop);
	tmpl_set_bool(d, "timers", p->hold_time != 0);
	tmpl_set_stringf(d, "keepalive", "%u", p->keepalive);
	tmpl_set_stringf(d, "hold_time", "%u", p->hold_time);
	tmpl_set_stringf(d, "max_prefixes", "%u", p->max_prefixes);
}

/* IPv4 sessions carry IPv4 routes and IPv6 sessions IPv6 routes (a next hop
 * of the other family would be unusable in the kernel); unnumbered sessions
 * carry both (RFC 5549: IPv4 routes over an IPv6 link-local next hop). */
static bool peer_carries(const struct peer_config *p, int family)
{
	return !p->has_address || p->address.family == family;
}

static void add_af_peers(struct tmpl_data *af, const struct peer_config *const *sorted, size_t n,
			 int family)
{
	char buf[PEER_ID_MAX];

	tmpl_set_list(af, "neighbors");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_data *d;

		if (!peer_carries(sorted[i], family) || (d = tmpl_list_append(af, "neighbors")) == NULL)
			continue;
		tmpl_set_string(d, "neighbor", config_peer_id(sorted[i], buf, sizeof(buf)));
		tmpl_set_stringf(d, "max_prefixes", "%u", sorted[i]->max_prefixes);
	}
}

static int prefix_order(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* The prefixes of one family, sorted: a stable order for the output. */
static size_t family_prefixes(const struct prefix *in, size_t n, int family, struct prefix *out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (in[i].addr.family == family)
			out[m++] = in[i];
	qsort(out, m, sizeof(*out), prefix_order);
	return m;
}

static void add_prefix_item(struct tmpl_data *af, const char *list, const struct prefix *p,
			    unsigned seq)
{
	struct tmpl_data *d = tmpl_list_append(af, list);
	char buf[PREFIX_STRLEN];

	if (d == NULL)
		return;
	tmpl_set_string(d, "prefix", prefix_format(p, buf, sizeof(buf)));
	tmpl_set_stringf(d, "seq", "%u", seq);
}

/* Import policy as prefix-list entries: seq 5 denies the default route (in
 * the template), then the node's own pod CIDRs are denied, then every cluster
 * pod CIDR is permitted with exactly the node mask ("ge M le M"). Denies come
 * first because a prefix-list stops at the first match. */
static void add_policy(struct tmpl_data *af, const struct agent_config *cfg, int family)
{
	struct prefix own[CONFIG_MAX_CIDRS], cluster[CONFIG_MAX_CIDRS];
	size_t n_own = family_prefixes(cfg->node.pod_cidrs, cfg->node.n_pod_cidrs, family, own);
	size_t n_cl = family_prefixes(cfg->cluster.pod_cidrs, cfg->cluster.n_pod_cidrs, family, cluster);
	unsigned seq = 2 * SEQ_STEP;

	tmpl_set_list(af, "networks");
	tmpl_set_list(af, "own_cidrs");
	tmpl_set_list(af, "cluster_cidrs");
	for (size_t i = 0; i < n_own; i++) {
		add_prefix_item(af, "networks", &own[i], (unsigned)(i + 1) * 2 * SEQ_STEP);
		add_prefix_item(af, "own_cidrs", &own[i], seq);
		seq += SEQ_STEP;
	}
	for (size_t i = 0; i < n_cl; i++) {
		add_prefix_item(af, "cluster_cidrs", &cluster[i], seq);
		seq += SEQ_STEP;
	}
	tmpl_set_stringf(af, "node_mask", "%u",
			 family == AF_INET ? cfg->cluster.node_mask_v4 : cfg->cluster.node_mask_v6);
}

static void add_family(struct tmpl_data *top, const struct agent_config *cfg,
		       const struct peer_config *const *sorted, int family)
{
	const char *key = family == AF_INET ? "ipv4" : "ipv6";
	struct tmpl_data *af;

	tmpl_set_list(top, key);
	if (!config_node_has_family(cfg, family) || (af = tmpl_list_append(top, key)) == NULL)
		return;
	add_af_peers(af, sorted, cfg->n_peers, family);
	add_policy(af, cfg, family);
}

struct tmpl_data *frr_template_data(const struct agent_config *cfg, const char *hostname)
{
	struct tmpl_data *top = tmpl_data_new();
	const struct peer_config **sorted;
	char buf[INET6_ADDRSTRLEN];

	sorted = calloc(cfg->n_peers + 1, sizeof(*sorted));
	if (top == NULL || sorted == NULL) {
		tmpl_data_free(top);
		free(sorted);
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_peers; i++)
		sorted[i] = &cfg->peers[i];
	qsort(sorted, cfg->n_peers, sizeof(*sorted), peer_order);
	tmpl_set_string(top, "hostname", hostname);
	tmpl_set_string(top, "node_name", cfg->node.name);
	tmpl_set_stringf(top, "asn", "%u", cfg->node.asn);
	tmpl_set_string(top, "router_id", ip_addr_format(&cfg->node.address, buf, sizeof(buf)));
	tmpl_set_bool(top, "ecmp", cfg->kernel.ecmp);
	if (cfg->frr.bmp_port != 0)
		tmpl_set_stringf(top, "bmp_port", "%u", cfg->frr.bmp_port);
	add_graceful_restart(top, cfg);
	add_bfd_profiles(top, cfg);
	tmpl_set_list(top, "peers");
	for (size_t i = 0; i < cfg->n_peers; i++)
		add_peer(top, sorted[i]);
	add_family(top, cfg, sorted, AF_INET);
	add_family(top, cfg, sorted, AF_INET6);
	free(sorted);
	return top;
}

int render_frr_config_from(const struct agent_config *cfg, const char *hostname,
			   const char *template_path, char **out, FILE *err)
{
	struct tmpl_data *data = frr_template_data(cfg, hostname);
	int rc;

	*out = NULL;
	if (data == NULL) {
		if (err != NULL)
			fprintf(err, "%s: out of memory building the template data\n", template_path);
		return -1;
	}
	rc = tmpl_render_file(template_path, data, out, err);
	tmpl_data_free(data);
	return rc;
}

/* vtysh adds its own "hostname <uname>" line to `show running-config`; FRR's
 * daemons default to the same name. Rendering any other name would leave
 * frr-reload.py a "no hostname" line on every run. */
int render_frr_config(const struct agent_config *cfg, char **out, FILE *err)
{
	char host[HOST_NAME_MAX + 1] = "", path[PATH_MAX];

	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "%s", cfg->node.name);
	host[sizeof(host) - 1] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cfg->frr.templates, FRR_TEMPLATE_FILE) >=
	    sizeof(path)) {
		*out = NULL;
		if (err != NULL)
			fprintf(err, "%s: template path too long\n", cfg->frr.templates);
		return -1;
	}
	return render_frr_config_from(cfg, host, path, out, err);
}
