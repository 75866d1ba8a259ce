/* config_load(): defaults -> parse -> derived defaults -> validate. Each phase
 * lives in its own file; this one holds the defaults and the public API. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config_phases.h"

void config_defaults(struct agent_config *cfg)
{
	cfg->cluster.node_mask_v4 = 24;
	cfg->cluster.node_mask_v6 = 64;
	snprintf(cfg->frr.run_dir, sizeof(cfg->frr.run_dir), "/var/run/frr");
	snprintf(cfg->frr.templates, sizeof(cfg->frr.templates), "/usr/share/bgp-agent/frr-templates");
	snprintf(cfg->frr.reload_cmd, sizeof(cfg->frr.reload_cmd), "/usr/lib/frr/frr-reload.py");
	cfg->frr.bmp_port = DEFAULT_BMP_PORT;
	snprintf(cfg->frr.vtysh_cmd, sizeof(cfg->frr.vtysh_cmd), "/usr/bin/vtysh");
	cfg->kernel.table = 254;
	cfg->kernel.protocol = DEFAULT_ROUTE_PROTOCOL;
	cfg->kernel.resync_interval = 30;
	cfg->kernel.grace_period = 120;
	cfg->kernel.ecmp = true;
	snprintf(cfg->cni.conflist, sizeof(cfg->cni.conflist), "/etc/cni/net.d/10-bgp-bridge.conflist");
	snprintf(cfg->cni.network, sizeof(cfg->cni.network), "bgp-bridge");
	snprintf(cfg->cni.bridge, sizeof(cfg->cni.bridge), "cni0");
	cfg->cni.mtu = 1500;
	cfg->log.level = LOG_LVL_INFO;
	cfg->graceful_restart.enabled = true;
	cfg->graceful_restart.restart_time = FRR_GR_RESTART_TIME;
	cfg->graceful_restart.stalepath_time = FRR_GR_STALEPATH_TIME;
	cfg->graceful_restart.select_defer_time = FRR_GR_SELECT_DEFER_TIME;
}

void config_peer_defaults(struct peer_config *peer)
{
	peer->max_prefixes = DEFAULT_PEER_MAX_PREFIXES;
	peer->bfd_interval_ms = DEFAULT_BFD_INTERVAL_MS;
	peer->bfd_multiplier = DEFAULT_BFD_MULTIPLIER;
}

/* FRR started with -N NAME reads /etc/frr/NAME/frr.conf; one control socket
 * per agent, so several agents (one per network namespace) can share a host. */
void config_derive_defaults(struct agent_config *cfg, const struct config_source *src)
{
	const char *ps = cfg->frr.pathspace;

	if (!config_source_has(src, "frr.config_file")) {
		if (ps[0] != '\0')
			snprintf(cfg->frr.config_file, sizeof(cfg->frr.config_file),
				 "/etc/frr/%s/frr.conf", ps);
		else
			snprintf(cfg->frr.config_file, sizeof(cfg->frr.config_file), "/etc/frr/frr.conf");
	}
	if (!config_source_has(src, "control.socket"))
		snprintf(cfg->control.socket, sizeof(cfg->control.socket), "/run/bgp-agent/%s.sock",
			 ps[0] != '\0' ? ps : cfg->node.name[0] != '\0' ? cfg->node.name : "bgp-agent");
	for (size_t i = 0; i < cfg->n_peers; i++) {
		struct peer_config *p = &cfg->peers[i];

		if (p->hold_time != 0 && p->keepalive == 0)
			p->keepalive = p->hold_time / 3;
	}
}

int config_load(const char *path, struct agent_config *cfg, FILE *err)
{
	struct config_source src;
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	config_source_init(&src, path, err);
	if (strlen(path) >= sizeof(cfg->path)) {
		config_error_at(&src, path, 0, "path is too long");
		goto out;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	config_defaults(cfg);
	if (config_parse_file(path, cfg, &src) < 0)
		goto out;
	config_derive_defaults(cfg, &src);
	config_validate(cfg, &src);
	rc = src.errors == 0 ? 0 : -1;
out:
	config_source_free(&src);
	return rc;
}

void config_free(struct agent_config *cfg)
{
	free(cfg->peers);
	cfg->peers = NULL;
	cfg->n_peers = 0;
}

void config_vty_dir(const struct agent_config *cfg, char *buf, size_t len)
{
	if (cfg->frr.pathspace[0] != '\0')
		snprintf(buf, len, "%s/%s", cfg->frr.run_dir, cfg->frr.pathspace);
	else
		snprintf(buf, len, "%s", cfg->frr.run_dir);
}

const char *config_peer_id(const struct peer_config *p, char *buf, size_t len)
{
	if (p->has_address)
		return ip_addr_format(&p->address, buf, len);
	snprintf(buf, len, "%s", p->interface);
	return buf;
}

bool config_node_has_family(const struct agent_config *cfg, int family)
{
	for (size_t i = 0; i < cfg->node.n_pod_cidrs; i++)
		if (cfg->node.pod_cidrs[i].addr.family == family)
			return true;
	return false;
}
