#include "node_setup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "log.h"
#include "sysctl.h"

#include "cni_conflist.h"

static int sysctl_enable(const char *key)
{
	int rc = sysctl_set(key, "1");

	if (rc < 0) {
		log_error("node: cannot set %s=1", key);
		return -1;
	}
	if (rc == 0)
		log_debug("node: %s is already 1", key);
	else
		log_info("node: set %s=1 (pod traffic is forwarded between interfaces)", key);
	return 0;
}

int node_setup_sysctls(const struct agent_config *cfg)
{
	int rc = 0;

	if (sysctl_enable("net/ipv4/ip_forward") != 0)
		rc = -1;
	if (config_node_has_family(cfg, AF_INET6) &&
	    sysctl_enable("net/ipv6/conf/all/forwarding") != 0)
		rc = -1;
	return rc;
}

/* Only created when missing: an admin may have chosen another name. */
int node_setup_protocol_name(const struct agent_config *cfg)
{
	char line[32];
	struct stat st;

	if (stat(RT_PROTOS_FILE, &st) == 0)
		return 0;
	snprintf(line, sizeof(line), "%u bgp-agent\n", cfg->kernel.protocol);
	if (atomic_write_file(RT_PROTOS_FILE, line, strlen(line), 0644) != 0) {
		log_warn("node: cannot write %s (ip route show proto bgp-agent will not work)",
			 RT_PROTOS_FILE);
		return -1;
	}
	log_info("node: registered protocol %u as \"bgp-agent\" in %s", cfg->kernel.protocol,
		 RT_PROTOS_FILE);
	return 0;
}

/* Rewritten only when the content differs, so bgp-bridge never sees a
 * needless change and the file's mtime means something. */
int node_setup_conflist(const struct agent_config *cfg)
{
	const char *path = cfg->cni.conflist;
	char *want = NULL, *have = NULL;
	int rc = -1;

	if (path[0] == '\0')
		return 0;
	if (cni_conflist_render(cfg, &want) != 0 || want == NULL) {
		log_errorx("node: cannot render the CNI conflist for \"%s\"", path);
		goto out;
	}
	have = read_whole_file(path, NULL);
	if (have != NULL && strcmp(have, want) == 0) {
		rc = 0;
		goto out;
	}
	if (atomic_write_file(path, want, strlen(want), 0644) != 0) {
		log_error("node: cannot write the CNI conflist \"%s\"", path);
		goto out;
	}
	log_info("node: wrote the CNI conflist %s", path);
	rc = 0;
out:
	free(want);
	free(have);
	return rc;
}

static bool anchor_present(const struct prefix *p, const struct route_set *present)
{
	struct route want;
	const struct route *r = route_set_find(present, p);

	route_make_anchor(p, &want);
	for (; r != NULL && r < present->routes + present->n && prefix_equal(&r->dst, p); r++)
		if (route_equal(r, &want))
			return true;
	return false;
}

int node_setup_anchors(const struct agent_config *cfg, struct kroute *kr,
		       const struct route_set *present)
{
	char buf[PREFIX_STRLEN];
	int rc = 0;

	for (size_t i = 0; i < cfg->node.n_pod_cidrs; i++) {
		const struct prefix *p = &cfg->node.pod_cidrs[i];
		int e;

		prefix_format(p, buf, sizeof(buf));
		if (anchor_present(p, present)) {
			log_debug("node: anchor route for %s already in place", buf);
			continue;
		}
		e = kroute_anchor_install(kr, p);
		if (e != KROUTE_OK) {
			log_errorx("node: anchor route for %s: %s", buf, kroute_strerror(e));
			rc = -1;
			continue;
		}
		log_info("node: anchor route for %s installed (unreachable, metric %u; the bridge's "
			 "route wins once pods exist)", buf, ROUTE_METRIC_ANCHOR);
	}
	return rc;
}

int node_setup_all(const struct agent_config *cfg, struct kroute *kr,
		   const struct route_set *present)
{
	int rc = 0;

	rc |= node_setup_sysctls(cfg);
	rc |= node_setup_protocol_name(cfg);
	rc |= node_setup_conflist(cfg);
	rc |= node_setup_anchors(cfg, kr, present);
	return rc;
}
