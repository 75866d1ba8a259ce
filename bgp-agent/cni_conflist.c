/* The only jansson user of the agent's config side. The shape is
 * host-local's: ipam.ranges is a list of range sets, one set per address
 * family (IPv4 first), each holding the node's pod CIDR of that family. */
#include "cni_conflist.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int add_range_set(json_t *ranges, const struct prefix *p)
{
	char buf[PREFIX_STRLEN];
	json_t *set = json_array(), *range = json_object();

	if (set == NULL || range == NULL ||
	    json_object_set_new(range, "subnet", json_string(prefix_format(p, buf, sizeof(buf)))) < 0 ||
	    json_array_append(set, range) < 0 || json_array_append(ranges, set) < 0) {
		json_decref(set);
		json_decref(range);
		return -1;
	}
	json_decref(set);
	json_decref(range);
	return 0;
}

static json_t *ipam_object(const struct agent_config *cfg)
{
	static const int families[] = { AF_INET, AF_INET6 };
	json_t *ipam = json_object(), *ranges = json_array();

	if (ipam == NULL || ranges == NULL)
		goto fail;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (size_t i = 0; i < cfg->node.n_pod_cidrs; i++)
			if (cfg->node.pod_cidrs[i].addr.family == families[f] &&
			    add_range_set(ranges, &cfg->node.pod_cidrs[i]) < 0)
				goto fail;
	if (json_object_set_new(ipam, "type", json_string("bgp-bridge")) < 0 ||
	    json_object_set(ipam, "ranges", ranges) < 0)
		goto fail;
	json_decref(ranges);
	return ipam;
fail:
	json_decref(ipam);
	json_decref(ranges);
	return NULL;
}

static json_t *plugin_object(const struct agent_config *cfg)
{
	json_t *plugin = json_pack("{s:s, s:s, s:b, s:b, s:I}", "type", "bgp-bridge",
				   "bridge", cfg->cni.bridge, "isGateway", 1, "isDefaultGateway", 1,
				   "mtu", (json_int_t)cfg->cni.mtu);
	json_t *ipam = ipam_object(cfg);

	if (plugin == NULL || ipam == NULL || json_object_set_new(plugin, "ipam", ipam) < 0) {
		json_decref(plugin);
		if (plugin == NULL)
			json_decref(ipam);
		return NULL;
	}
	return plugin;
}

int cni_conflist_render(const struct agent_config *cfg, char **out)
{
	json_t *root, *plugin = plugin_object(cfg);
	char *text = NULL;

	*out = NULL;
	if (plugin == NULL)
		return -1;
	root = json_pack("{s:s, s:s, s:[o]}", "cniVersion", CNI_CONFLIST_VERSION,
			 "name", cfg->cni.network, "plugins", plugin);
	if (root != NULL)
		text = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		return -1;
	if (asprintf(out, "%s\n", text) < 0) {
		*out = NULL;
		free(text);
		return -1;
	}
	free(text);
	return 0;
}
