/* The validate phase: cross-field checks over the plain struct, after parsing.
 * Every check reports through config_error_key() so each message names the
 * file:line of the offending key, and all checks run so one pass shows every
 * error. */
#include "config_phases.h"

#include <ctype.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

typedef struct agent_config AC;

/* Names end up in FRR's config (hostname, description), file names (control
 * socket, FRR pathspace directories) and JSON: keep them to a safe alphabet. */
static bool name_is_sane(const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

static void check_name(struct config_source *src, const char *key, const char *v, bool required)
{
	if (v[0] == '\0' && !required)
		return;
	if (!name_is_sane(v))
		config_error_key(src, key, "%s: \"%s\" must start with a letter or digit and contain "
				 "only letters, digits, '-', '_' and '.'", key, v);
}

/* Linux interface names: 1-15 bytes, no '/', ':' or whitespace. */
static void check_ifname(struct config_source *src, const char *key, const char *v)
{
	bool ok = v[0] != '\0' && strcmp(v, ".") != 0 && strcmp(v, "..") != 0;

	for (const char *c = v; ok && *c != '\0'; c++)
		ok = isgraph((unsigned char)*c) && *c != '/' && *c != ':';
	if (!ok)
		config_error_key(src, key, "%s: \"%s\" is not a valid interface name (1-%d "
				 "characters, no '/', ':' or spaces)", key, v, IF_NAMESIZE - 1);
}

static void check_absolute(struct config_source *src, const char *key, const char *v, bool may_be_empty)
{
	if (v[0] == '/' || (may_be_empty && v[0] == '\0'))
		return;
	config_error_key(src, key, "%s: \"%s\" must be an absolute path%s", key, v,
			 may_be_empty ? " or \"\"" : "");
}

static uint8_t node_mask(const AC *cfg, int family)
{
	return family == AF_INET ? cfg->cluster.node_mask_v4 : cfg->cluster.node_mask_v6;
}

static void check_cluster(const AC *cfg, struct config_source *src)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN], key[64];

	for (size_t i = 0; i < cfg->cluster.n_pod_cidrs; i++) {
		const struct prefix *p = &cfg->cluster.pod_cidrs[i];

		snprintf(key, sizeof(key), "cluster.pod_cidrs.%zu", i);
		prefix_format(p, a, sizeof(a));
		if (prefix_is_default(p))
			config_error_key(src, key, "cluster.pod_cidrs: \"%s\" would accept any route", a);
		if (node_mask(cfg, p->addr.family) < p->len)
			config_error_key(src, key, "cluster.pod_cidrs: \"%s\" is smaller than a node's "
					 "pod CIDR (node_mask_v%c = %u)", a,
					 p->addr.family == AF_INET ? '4' : '6', node_mask(cfg, p->addr.family));
		for (size_t j = 0; j < i; j++)
			if (prefix_overlaps(p, &cfg->cluster.pod_cidrs[j]))
				config_error_key(src, key, "cluster.pod_cidrs: \"%s\" overlaps \"%s\"", a,
						 prefix_format(&cfg->cluster.pod_cidrs[j], b, sizeof(b)));
	}
}

static bool in_cluster(const AC *cfg, const struct prefix *p)
{
	for (size_t i = 0; i < cfg->cluster.n_pod_cidrs; i++)
		if (prefix_contains(&cfg->cluster.pod_cidrs[i], p))
			return true;
	return false;
}

static void check_node_cidr(const AC *cfg, struct config_source *src, size_t i)
{
	const struct prefix *p = &cfg->node.pod_cidrs[i];
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN], key[64];
	uint8_t mask = node_mask(cfg, p->addr.family);

	snprintf(key, sizeof(key), "node.pod_cidrs.%zu", i);
	prefix_format(p, a, sizeof(a));
	if (!in_cluster(cfg, p))
		config_error_key(src, key, "node.pod_cidrs: \"%s\" is not inside any of "
				 "cluster.pod_cidrs", a);
	if (p->len != mask)
		config_error_key(src, key, "node.pod_cidrs: \"%s\" must be a /%u (cluster.node_mask_v%c)",
				 a, mask, p->addr.family == AF_INET ? '4' : '6');
	/* Like Kubernetes' podCIDRs: at most one per family, and the CNI
	 * conflist takes one IPAM range set per family. */
	for (size_t j = 0; j < i; j++)
		if (p->addr.family == cfg->node.pod_cidrs[j].addr.family)
			config_error_key(src, key, "node.pod_cidrs: \"%s\" is a second IPv%c prefix "
					 "(one IPv4 and one IPv6 at most; \"%s\" is first)", a,
					 p->addr.family == AF_INET ? '4' : '6',
					 prefix_format(&cfg->node.pod_cidrs[j], b, sizeof(b)));
}

/* What a BGP session cannot run to: no host answers there (unspecified,
 * broadcast, multicast), or the node would peer with itself (loopback). */
static const char *addr_unusable_reason(const struct ip_addr *a)
{
	if (a->family == AF_INET) {
		uint32_t h = ntohl(a->u.v4.s_addr);

		if (h == INADDR_ANY)
			return "the unspecified address";
		if (h == INADDR_BROADCAST)
			return "the broadcast address";
		if (IN_MULTICAST(h))
			return "multicast";
		if ((h >> 24) == IN_LOOPBACKNET)
			return "loopback";
		return NULL;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a->u.v6))
		return "the unspecified address";
	if (IN6_IS_ADDR_MULTICAST(&a->u.v6))
		return "multicast";
	if (IN6_IS_ADDR_LOOPBACK(&a->u.v6))
		return "loopback";
	if (IN6_IS_ADDR_V4MAPPED(&a->u.v6))
		return "IPv4-mapped (write the IPv4 address)";
	return NULL;
}

static void check_node(const AC *cfg, struct config_source *src)
{
	const struct ip_addr *addr = &cfg->node.address;
	const char *unusable = addr->family == AF_INET ? addr_unusable_reason(addr) : NULL;
	char a[INET6_ADDRSTRLEN];

	check_name(src, "node.name", cfg->node.name, true);
	ip_addr_format(addr, a, sizeof(a));
	if (addr->family == AF_INET6)
		config_error_key(src, "node.address", "node.address: \"%s\" must be an IPv4 address "
				 "(it is the BGP router-id)", a);
	else if (unusable != NULL)
		config_error_key(src, "node.address", "node.address: \"%s\" is not a usable address "
				 "(%s; peers reach the node there)", a, unusable);
	if (addr->family != 0 &&
	    prefix_find_containing(cfg->cluster.pod_cidrs, cfg->cluster.n_pod_cidrs, addr) != NULL)
		config_error_key(src, "node.address", "node.address: \"%s\" lies inside the "
				 "cluster pod CIDRs", a);
	for (size_t i = 0; i < cfg->node.n_pod_cidrs; i++)
		check_node_cidr(cfg, src, i);
}

#define V(family) ((family) == AF_INET ? '4' : '6')

static bool addr_is_link_local6(const struct ip_addr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->u.v6);
}

/* A pod address is not a router: a session there would run over the pod
 * network the session itself builds. */
static void check_peer_not_pod(const AC *cfg, struct config_source *src, const char *key,
			       const struct ip_addr *a, const char *text)
{
	const struct prefix *p = prefix_find_containing(cfg->node.pod_cidrs, cfg->node.n_pod_cidrs, a);
	const char *whose = "the node's";
	char c[PREFIX_STRLEN];

	if (p == NULL) {
		p = prefix_find_containing(cfg->cluster.pod_cidrs, cfg->cluster.n_pod_cidrs, a);
		whose = "the cluster";
	}
	if (p != NULL)
		config_error_key(src, key, "%s: \"%s\" lies inside %s pod CIDR \"%s\"", key, text,
				 whose, prefix_format(p, c, sizeof(c)));
}

static void check_peer_address(const AC *cfg, struct config_source *src, size_t i, const char *key)
{
	const struct peer_config *p = &cfg->peers[i];
	char a[INET6_ADDRSTRLEN];
	const char *unusable = addr_unusable_reason(&p->address);

	ip_addr_format(&p->address, a, sizeof(a));
	if (unusable != NULL)
		config_error_key(src, key, "%s: \"%s\" is not a usable neighbor address (%s)", key, a,
				 unusable);
	else if (addr_is_link_local6(&p->address))
		config_error_key(src, key, "%s: \"%s\" is link-local; use interface = \"...\" "
				 "(BGP unnumbered) instead", key, a);
	check_peer_not_pod(cfg, src, key, &p->address, a);
	if (cfg->node.n_pod_cidrs > 0 && !config_node_has_family(cfg, p->address.family))
		config_error_key(src, key, "%s: an IPv%c session carries only IPv%c routes, but "
				 "node.pod_cidrs has no IPv%c prefix", key, V(p->address.family),
				 V(p->address.family), V(p->address.family));
	if (ip_addr_equal(&p->address, &cfg->node.address))
		config_error_key(src, key, "%s: \"%s\" is the node's own address", key, a);
	for (size_t j = 0; j < i; j++)
		if (cfg->peers[j].has_address && ip_addr_equal(&p->address, &cfg->peers[j].address))
			config_error_key(src, key, "%s: duplicate peer address \"%s\" (also peer \"%s\")",
					 key, a, cfg->peers[j].name);
}

static void check_peer_endpoint(const AC *cfg, struct config_source *src, size_t i)
{
	const struct peer_config *p = &cfg->peers[i];
	char key[64], where[32];

	snprintf(where, sizeof(where), "peers.%zu", i);
	snprintf(key, sizeof(key), "%s.address", where);
	if (!p->has_address && config_source_has(src, key))
		return; /* the address did not parse: reported already */
	if (p->has_address == (p->interface[0] != '\0')) {
		config_error_key(src, where, "%s: set exactly one of address and interface "
				 "(BGP unnumbered)", where);
		return;
	}
	snprintf(key, sizeof(key), "%s.%s", where, p->has_address ? "address" : "interface");
	if (p->has_address) {
		check_peer_address(cfg, src, i, key);
		return;
	}
	check_ifname(src, key, p->interface);
	/* Loopback has no neighbor and no IPv6 link-local peer to find. */
	if (strcmp(p->interface, "lo") == 0)
		config_error_key(src, key, "%s: \"lo\" is the loopback; name the link to the "
				 "neighbor", key);
	/* The pod bridge carries pods, not the node's uplink. */
	else if (strcmp(p->interface, cfg->cni.bridge) == 0)
		config_error_key(src, key, "%s: \"%s\" is the pods' bridge (cni.bridge); name the "
				 "link to the neighbor", key, p->interface);
	for (size_t j = 0; j < i; j++)
		if (strcmp(cfg->peers[j].interface, p->interface) == 0)
			config_error_key(src, key, "%s: duplicate peer interface \"%s\" (also peer \"%s\")",
					 key, p->interface, cfg->peers[j].name);
}

static bool peer_is_ibgp(const AC *cfg, const struct peer_config *p)
{
	return p->remote_as == PEER_AS_INTERNAL ||
	       (p->remote_as == PEER_AS_NUMBER && p->asn == cfg->node.asn);
}

static void check_peer_session(const AC *cfg, struct config_source *src, size_t i)
{
	const struct peer_config *p = &cfg->peers[i];
	char key[64];

	snprintf(key, sizeof(key), "peers.%zu.password", i);
	for (const char *c = p->password; *c != '\0'; c++)
		if (!isgraph((unsigned char)*c)) {
			config_error_key(src, key, "%s: must not contain spaces or control characters", key);
			break;
		}
	snprintf(key, sizeof(key), "peers.%zu.hold_time", i);
	if (p->hold_time == 1 || p->hold_time == 2)
		config_error_key(src, key, "%s: must be 0 or 3-65535 seconds", key);
	snprintf(key, sizeof(key), "peers.%zu.keepalive", i);
	if (p->keepalive != 0 && p->hold_time == 0)
		config_error_key(src, key, "%s: needs hold_time as well", key);
	else if (p->keepalive > p->hold_time)
		config_error_key(src, key, "%s: %u is longer than hold_time %u", key, p->keepalive,
				 p->hold_time);
	snprintf(key, sizeof(key), "peers.%zu.multihop", i);
	if (p->multihop && p->interface[0] != '\0')
		config_error_key(src, key, "%s: not possible with interface (unnumbered) peers", key);
	else if (p->multihop && peer_is_ibgp(cfg, p))
		config_error_key(src, key, "%s: only for eBGP peers (iBGP is multihop already)", key);
}

/* GTSM expects the peer at TTL 255 - hops; ebgp-multihop sends with TTL 255
 * to any distance: FRR refuses the two together. */
static void check_peer_ttl(const AC *cfg, struct config_source *src, size_t i)
{
	const struct peer_config *p = &cfg->peers[i];
	char key[64];

	snprintf(key, sizeof(key), "peers.%zu.ttl_security_hops", i);
	if (p->ttl_security_hops != 0 && p->multihop)
		config_error_key(src, key, "%s: GTSM and multihop exclude each other (FRR refuses "
				 "ttl-security with ebgp-multihop); drop one", key);
}

/* BFD timers only mean something with bfd on: a forgotten `bfd = true`
 * would otherwise leave the peer on hold-time detection silently. */
static void check_peer_bfd(const struct peer_config *p, struct config_source *src, size_t i)
{
	static const char *const keys[] = { "bfd_interval_ms", "bfd_multiplier" };
	char key[64];

	for (size_t k = 0; !p->bfd && k < sizeof(keys) / sizeof(keys[0]); k++) {
		snprintf(key, sizeof(key), "peers.%zu.%s", i, keys[k]);
		if (config_source_has(src, key))
			config_error_key(src, key, "%s: needs bfd = true", key);
	}
}

static void check_peers(const AC *cfg, struct config_source *src)
{
	char key[64];

	for (size_t i = 0; i < cfg->n_peers; i++) {
		snprintf(key, sizeof(key), "peers.%zu.name", i);
		check_name(src, key, cfg->peers[i].name, false);
		for (size_t j = 0; j < i; j++)
			if (cfg->peers[i].name[0] != '\0' && strcmp(cfg->peers[i].name, cfg->peers[j].name) == 0)
				config_error_key(src, key, "%s: duplicate peer name \"%s\"", key,
						 cfg->peers[i].name);
		check_peer_endpoint(cfg, src, i);
		check_peer_session(cfg, src, i);
		check_peer_ttl(cfg, src, i);
		check_peer_bfd(&cfg->peers[i], src, i);
	}
}

static void check_frr(const AC *cfg, struct config_source *src)
{
	check_name(src, "frr.pathspace", cfg->frr.pathspace, false);
	check_absolute(src, "frr.run_dir", cfg->frr.run_dir, false);
	check_absolute(src, "frr.config_file", cfg->frr.config_file, false);
	check_absolute(src, "frr.templates", cfg->frr.templates, false);
	check_absolute(src, "frr.reload_cmd", cfg->frr.reload_cmd, false);
}

/* Protocol numbers owned by the kernel (0-4) or by other routing daemons:
 * sharing one would let us delete their routes, or them ours. */
static bool protocol_is_taken(unsigned p)
{
	return p <= 4 || p == 11 || p == 12 || p == 17 || p == 80 || (p >= 186 && p <= 198);
}

static void check_kernel(const AC *cfg, struct config_source *src)
{
	if (protocol_is_taken(cfg->kernel.protocol))
		config_error_key(src, "kernel.protocol", "kernel.protocol: %u belongs to the kernel or "
				 "another routing daemon (0-4, 11, 12, 17, 80, 186-198)", cfg->kernel.protocol);
	if (cfg->kernel.table == 255 || cfg->kernel.table == 253)
		config_error_key(src, "kernel.table", "kernel.table: %u is reserved (253 default, "
				 "255 local)", cfg->kernel.table);
}

static void check_cni(const AC *cfg, struct config_source *src)
{
	check_absolute(src, "cni.conflist", cfg->cni.conflist, true);
	check_name(src, "cni.network", cfg->cni.network, true);
	check_ifname(src, "cni.bridge", cfg->cni.bridge);
	if (strcmp(cfg->cni.bridge, "lo") == 0)
		config_error_key(src, "cni.bridge", "cni.bridge: \"lo\" is the loopback, not a bridge");
	for (size_t i = 0; i < cfg->node.n_pod_cidrs; i++)
		if (cfg->node.pod_cidrs[i].addr.family == AF_INET6 && cfg->cni.mtu < 1280) {
			config_error_key(src, "cni.mtu", "cni.mtu: %u is below IPv6's minimum of 1280",
					 cfg->cni.mtu);
			break;
		}
}

static void check_paths(const AC *cfg, struct config_source *src)
{
	check_absolute(src, "log.file", cfg->log.file, true);
	check_absolute(src, "control.socket", cfg->control.socket, false);
	if (strlen(cfg->control.socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		config_error_key(src, "control.socket", "control.socket: \"%s\" is longer than a unix "
				 "socket path may be (%zu)", cfg->control.socket,
				 sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
}

static void check_metrics(const AC *cfg, struct config_source *src)
{
	struct ip_addr addr;
	uint16_t port;
	char err[160];

	if (cfg->metrics.listen[0] != '\0' &&
	    ip_port_parse(cfg->metrics.listen, &addr, &port, err, sizeof(err)) != 0)
		config_error_key(src, "metrics.listen", "metrics.listen: %s", err);
}

static void (*const checks[])(const AC *, struct config_source *) = {
	check_cluster, check_node, check_peers, check_frr, check_kernel, check_cni, check_paths,
	check_metrics,
};

void config_validate(const struct agent_config *cfg, struct config_source *src)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		checks[i](cfg, src);
}
