#include "frr_filtered.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void add_route(const char *key, json_t *entry, struct route_set *out)
{
	const char *nh = json_string_value(json_object_get(entry, "nextHop"));
	struct route r;
	struct nexthop hop;
	char err[128];

	memset(&r, 0, sizeof(r));
	if (prefix_parse(key, &r.dst, PREFIX_STRICT, err, sizeof(err)) != 0)
		return;
	r.type = ROUTE_UNICAST;
	r.metric = ROUTE_METRIC_LEARNED;
	memset(&hop, 0, sizeof(hop));
	if (nh != NULL && ip_addr_parse(nh, &hop.gw, err, sizeof(err)) == 0)
		route_add_nexthop(&r, &hop);
	route_set_add(out, &r);
}

int frr_filtered_parse(const char *json, size_t len, struct route_set *out, char *err,
		       size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	json_t *routes, *entry;
	const char *key;

	if (root == NULL) {
		snprintf(err, errlen, "not JSON (line %d: %s)", jerr.line, jerr.text);
		return -1;
	}
	routes = json_object_get(root, "receivedRoutes");
	json_object_foreach(routes, key, entry)
		add_route(key, entry, out);
	json_decref(root);
	return 0;
}
