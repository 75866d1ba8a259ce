#include "netconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cni_env.h"
#include "cni_version.h"
#include "log.h"

enum key_kind { K_STRING, K_BOOL, K_INT };

/* Scalar top-level keys: one row each, copied straight into the struct. */
struct key_spec {
	const char *key;
	enum key_kind kind;
	size_t off;
	size_t size; /* strings: buffer size */
};

#define STR_KEY(k, f) { k, K_STRING, offsetof(struct netconf, f), sizeof(((struct netconf *)0)->f) }
#define BOOL_KEY(k, f) { k, K_BOOL, offsetof(struct netconf, f), 0 }
#define INT_KEY(k, f) { k, K_INT, offsetof(struct netconf, f), 0 }

static const struct key_spec top_keys[] = {
	STR_KEY("cniVersion", cni_version),
	STR_KEY("name", name),
	STR_KEY("type", type),
	STR_KEY("bridge", bridge),
	BOOL_KEY("isGateway", is_gateway),
	BOOL_KEY("isDefaultGateway", is_default_gw),
	BOOL_KEY("forceAddress", force_address),
	BOOL_KEY("ipMasq", ip_masq),
	BOOL_KEY("hairpinMode", hairpin),
	BOOL_KEY("promiscMode", promisc),
	BOOL_KEY("syncDelete", sync_delete),
	INT_KEY("mtu", mtu),
	STR_KEY("logFile", log_file),
	STR_KEY("logLevel", log_level),
};

/* Keys handled elsewhere or defined by the spec/conventions for runtimes. */
static const char *const other_keys[] = {
	"ipam", "dns", "prevResult", "cni.dev/valid-attachments", "cni.dev/attachments", "args",
	"runtimeConfig", "capabilities", "cniVersions", "disableCheck", "disableGC",
	NULL,
};

static int bad_value(struct cni_err *err, const char *key, const char *why)
{
	return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
			   "\"%s\": %s", key, why);
}

static int copy_string(json_t *v, const struct key_spec *k, char *dst, struct cni_err *err)
{
	if (!json_is_string(v))
		return bad_value(err, k->key, "must be a string");
	if (json_string_length(v) >= k->size)
		return bad_value(err, k->key, "is too long");
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int parse_scalar(json_t *v, const struct key_spec *k, struct netconf *nc,
			struct cni_err *err)
{
	char *dst = (char *)nc + k->off;

	switch (k->kind) {
	case K_STRING:
		return copy_string(v, k, dst, err);
	case K_BOOL:
		if (!json_is_boolean(v))
			return bad_value(err, k->key, "must be true or false");
		*(bool *)(void *)dst = json_is_true(v);
		return 0;
	case K_INT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 65535)
			return bad_value(err, k->key, "must be an integer 0..65535");
		*(int *)(void *)dst = (int)json_integer_value(v);
		return 0;
	}
	return 0;
}

static bool is_other_key(const char *key)
{
	for (int i = 0; other_keys[i] != NULL; i++)
		if (strcmp(key, other_keys[i]) == 0)
			return true;
	return false;
}

static int parse_top(json_t *root, struct netconf *nc, struct cni_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(root, key, v) {
		const struct key_spec *k = NULL;

		for (size_t i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++)
			if (strcmp(key, top_keys[i].key) == 0)
				k = &top_keys[i];
		if (k != NULL) {
			if (parse_scalar(v, k, nc, err) != 0)
				return -1;
		} else if (!is_other_key(key)) {
			/* The spec lets runtimes pass keys we do not know: ignore. */
			log_debug("ignoring unknown config key \"%s\"", key);
		}
	}
	return 0;
}

static bool name_valid(const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

static int validate_top(struct netconf *nc, struct cni_err *err)
{
	if (nc->cni_version[0] == '\0')
		return bad_value(err, "cniVersion", "is required");
	if (!cni_version_supported(nc->cni_version))
		return cni_err_set(err, CNI_ERR_VERSION, "incompatible CNI version",
				   "cniVersion '%s' is not supported (0.3.0, 0.3.1, 0.4.0, "
				   "1.0.0, 1.1.0 are)", nc->cni_version);
	if (nc->name[0] == '\0' || !name_valid(nc->name))
		return bad_value(err, "name", "is required: letters, digits, '_', '.', '-'");
	if (!cni_ifname_valid(nc->bridge))
		return bad_value(err, "bridge", "is not a valid interface name");
	if (nc->mtu != 0 && nc->mtu < 68)
		return bad_value(err, "mtu", "must be at least 68");
	if (nc->log_level[0] != '\0' && log_level_parse(nc->log_level) < 0)
		return bad_value(err, "logLevel", "must be error, warn, info or debug");
	/* Pod CIDRs are routed by BGP without NAT: masquerading would hide the
	 * pod addresses the whole design advertises. */
	if (nc->ip_masq)
		return cni_err_set(err, CNI_ERR_UNSUPPORTED, "unsupported field",
				   "\"ipMasq\": true is not supported: pod addresses are "
				   "routed via BGP, not masqueraded");
	if (nc->is_default_gw)
		nc->is_gateway = true;
	return 0;
}

/* ---- ipam ---------------------------------------------------------------- */

static int ipam_addr(json_t *o, const char *key, struct ip_addr *out, bool *present,
		     struct cni_err *err)
{
	json_t *v = json_object_get(o, key);
	char msg[128];

	*present = v != NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
	    ip_addr_parse(json_string_value(v), out, msg, sizeof(msg)) != 0)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"ipam.%s\": %s", key,
				   json_is_string(v) ? msg : "must be a string");
	return 0;
}

static int range_check_inside(const struct ipam_range *r, const struct ip_addr *a,
			      const char *key, struct cni_err *err)
{
	char buf[INET6_ADDRSTRLEN], sbuf[PREFIX_STRLEN];

	if (!prefix_contains_addr(&r->subnet, a))
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"ipam.%s\": '%s' is outside subnet '%s'", key,
				   ip_addr_format(a, buf, sizeof(buf)),
				   prefix_format(&r->subnet, sbuf, sizeof(sbuf)));
	return 0;
}

/* Defaults like host-local: start = network+1, end = broadcast-1 (IPv4) or
 * the last address (IPv6), gateway = network+1 (then start moves past it). */
static void range_defaults(struct ipam_range *r, bool has_start, bool has_end, bool has_gw)
{
	struct ip_addr last;

	prefix_last_addr(&r->subnet, &last);
	if (!has_gw) {
		r->gateway = r->subnet.addr;
		ip_addr_add(&r->gateway, 1);
	}
	if (!has_start) {
		r->start = r->subnet.addr;
		ip_addr_add(&r->start, 1);
	}
	if (!has_end) {
		r->end = last;
		if (r->subnet.addr.family == AF_INET)
			ip_addr_add(&r->end, UINT64_MAX); /* minus one */
	}
}

static int parse_range(json_t *o, struct ipam_range *r, struct cni_err *err)
{
	json_t *s = json_object_get(o, "subnet");
	bool has_start, has_end, has_gw;
	char msg[128];
	int maxlen;

	if (!json_is_string(s))
		return bad_value(err, "ipam.subnet", "is required (a CIDR string)");
	if (prefix_parse(json_string_value(s), &r->subnet, PREFIX_STRICT, msg, sizeof(msg)) != 0)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"ipam.subnet\": %s", msg);
	maxlen = r->subnet.addr.family == AF_INET ? 30 : 126;
	if (r->subnet.len > maxlen)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"ipam.subnet\": '%s' is too small to allocate from",
				   json_string_value(s));
	if (ipam_addr(o, "rangeStart", &r->start, &has_start, err) != 0 ||
	    ipam_addr(o, "rangeEnd", &r->end, &has_end, err) != 0 ||
	    ipam_addr(o, "gateway", &r->gateway, &has_gw, err) != 0)
		return -1;
	range_defaults(r, has_start, has_end, has_gw);
	if (range_check_inside(r, &r->start, "rangeStart", err) != 0 ||
	    range_check_inside(r, &r->end, "rangeEnd", err) != 0 ||
	    range_check_inside(r, &r->gateway, "gateway", err) != 0)
		return -1;
	if (ip_addr_cmp(&r->start, &r->end) > 0)
		return bad_value(err, "ipam.rangeStart", "must not be after rangeEnd");
	return 0;
}

static int add_range(struct ipam_conf *ic, json_t *o, struct cni_err *err)
{
	struct ipam_range *r;

	if (ic->n_ranges >= NETCONF_MAX_RANGES)
		return bad_value(err, "ipam.ranges", "at most one IPv4 and one IPv6 range");
	r = &ic->ranges[ic->n_ranges];
	memset(r, 0, sizeof(*r));
	if (parse_range(o, r, err) != 0)
		return -1;
	for (int i = 0; i < ic->n_ranges; i++)
		if (ic->ranges[i].subnet.addr.family == r->subnet.addr.family)
			return bad_value(err, "ipam.ranges",
					 "at most one range per address family");
	ic->n_ranges++;
	return 0;
}

/* host-local shape: "ranges": [[{range}], [{range}]] — one range per set. */
static int parse_ranges(json_t *ipam, struct ipam_conf *ic, struct cni_err *err)
{
	json_t *ranges = json_object_get(ipam, "ranges"), *set;
	size_t i;

	if (ranges == NULL)
		return json_object_get(ipam, "subnet") != NULL ? add_range(ic, ipam, err)
			: bad_value(err, "ipam", "needs \"ranges\" or \"subnet\"");
	if (!json_is_array(ranges) || json_array_size(ranges) == 0)
		return bad_value(err, "ipam.ranges", "must be a non-empty array of range sets");
	json_array_foreach(ranges, i, set) {
		if (!json_is_array(set) || json_array_size(set) != 1 ||
		    !json_is_object(json_array_get(set, 0)))
			return bad_value(err, "ipam.ranges",
					 "each range set must hold exactly one range object");
		if (add_range(ic, json_array_get(set, 0), err) != 0)
			return -1;
	}
	return 0;
}

static int parse_route_conf(json_t *o, struct cni_route *rt, struct cni_err *err)
{
	json_t *dst = json_object_get(o, "dst");
	char msg[128];
	bool has_gw;

	memset(rt, 0, sizeof(*rt));
	if (!json_is_string(dst) ||
	    prefix_parse(json_string_value(dst), &rt->dst, PREFIX_STRICT, msg, sizeof(msg)) != 0)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"ipam.routes\": dst: %s",
				   json_is_string(dst) ? msg : "must be a CIDR string");
	if (ipam_addr(o, "gw", &rt->gw, &has_gw, err) != 0)
		return -1;
	rt->has_gw = has_gw;
	return 0;
}

static int parse_ipam_routes(json_t *ipam, struct ipam_conf *ic, struct cni_err *err)
{
	json_t *routes = json_object_get(ipam, "routes"), *v;
	size_t i;

	if (routes == NULL)
		return 0;
	if (!json_is_array(routes) || json_array_size(routes) > NETCONF_MAX_ROUTES)
		return bad_value(err, "ipam.routes", "must be an array of at most 16 routes");
	json_array_foreach(routes, i, v)
		if (parse_route_conf(v, &ic->routes[ic->n_routes++], err) != 0)
			return -1;
	return 0;
}

static int parse_ipam_type(json_t *ipam, struct ipam_conf *ic, struct cni_err *err)
{
	json_t *t = json_object_get(ipam, "type");
	const char *s;

	ic->builtin = true;
	if (t == NULL)
		return 0;
	if (!json_is_string(t) || json_string_length(t) == 0 ||
	    json_string_length(t) >= sizeof(ic->type))
		return bad_value(err, "ipam.type", "must be a plugin name");
	s = json_string_value(t);
	if (strchr(s, '/') != NULL || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"ipam.type\": '%s' must be a plain plugin name", s);
	snprintf(ic->type, sizeof(ic->type), "%s", s);
	ic->builtin = strcmp(s, NETCONF_BUILTIN_IPAM) == 0;
	return 0;
}

static int parse_ipam(json_t *root, struct ipam_conf *ic, struct cni_err *err)
{
	json_t *ipam = json_object_get(root, "ipam"), *dd;

	snprintf(ic->data_dir, sizeof(ic->data_dir), "%s", NETCONF_DEFAULT_DATADIR);
	if (ipam == NULL)
		return bad_value(err, "ipam", "is required");
	if (!json_is_object(ipam))
		return bad_value(err, "ipam", "must be an object");
	if (parse_ipam_type(ipam, ic, err) != 0)
		return -1;
	if (!ic->builtin)
		return 0; /* the delegate validates its own section */
	dd = json_object_get(ipam, "dataDir");
	if (dd != NULL) {
		if (!json_is_string(dd) || json_string_value(dd)[0] != '/' ||
		    json_string_length(dd) >= sizeof(ic->data_dir) - 64)
			return bad_value(err, "ipam.dataDir", "must be an absolute path");
		snprintf(ic->data_dir, sizeof(ic->data_dir), "%s", json_string_value(dd));
	}
	if (parse_ranges(ipam, ic, err) != 0)
		return -1;
	return parse_ipam_routes(ipam, ic, err);
}

/* ---- GC attachments ------------------------------------------------------ */

/* 0 filled, 1 skipped, -1 error. */
static int parse_attachment(json_t *o, struct attachment *a, struct cni_err *err)
{
	json_t *id = json_object_get(o, "containerID"), *ifn = json_object_get(o, "ifname");

	if (!json_is_string(id) || !json_is_string(ifn))
		return bad_value(err, "cni.dev/valid-attachments",
				 "entries need string \"containerID\" and \"ifname\"");
	/* Longer than ours can be: nothing of ours to keep, skip it. */
	if (json_string_length(id) >= sizeof(a->containerid) ||
	    json_string_length(ifn) >= sizeof(a->ifname))
		return 1;
	snprintf(a->containerid, sizeof(a->containerid), "%s", json_string_value(id));
	snprintf(a->ifname, sizeof(a->ifname), "%s", json_string_value(ifn));
	return 0;
}

static int parse_valid_attachments(json_t *root, struct netconf *nc, struct cni_err *err)
{
	json_t *a = json_object_get(root, "cni.dev/valid-attachments"), *v;
	size_t i;

	/* An earlier wording of the 1.1 spec said "cni.dev/attachments"; libcni
	 * sends both (containernetworking/cni#1101). */
	if (a == NULL)
		a = json_object_get(root, "cni.dev/attachments");
	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return bad_value(err, "cni.dev/valid-attachments", "must be an array");
	nc->has_valid = true;
	nc->valid = calloc(json_array_size(a) + 1, sizeof(*nc->valid));
	if (nc->valid == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "attachments");
	json_array_foreach(a, i, v) {
		int rc = parse_attachment(v, &nc->valid[nc->n_valid], err);

		if (rc < 0)
			return -1;
		if (rc == 0)
			nc->n_valid++;
	}
	return 0;
}

/* ---- entry points ---------------------------------------------------------- */

static int parse_objects(json_t *root, struct netconf *nc, struct cni_err *err)
{
	json_t *dns = json_object_get(root, "dns"), *prev = json_object_get(root, "prevResult");

	if (dns != NULL && !json_is_object(dns))
		return bad_value(err, "dns", "must be an object");
	if (prev != NULL && !json_is_object(prev))
		return bad_value(err, "prevResult", "must be an object");
	nc->dns = dns != NULL ? json_incref(dns) : NULL;
	nc->prev_result = prev != NULL ? json_incref(prev) : NULL;
	return 0;
}

int netconf_parse(const char *buf, size_t len, struct netconf *nc, struct cni_err *err)
{
	json_error_t jerr;

	memset(nc, 0, sizeof(*nc));
	snprintf(nc->bridge, sizeof(nc->bridge), "%s", NETCONF_DEFAULT_BRIDGE);
	nc->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (nc->root == NULL)
		return cni_err_set(err, CNI_ERR_DECODE, "failed to decode network config",
				   "stdin:%d:%d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(nc->root))
		return cni_err_set(err, CNI_ERR_DECODE, "failed to decode network config",
				   "stdin: the configuration must be a JSON object");
	if (parse_top(nc->root, nc, err) != 0 || validate_top(nc, err) != 0 ||
	    parse_objects(nc->root, nc, err) != 0 || parse_ipam(nc->root, &nc->ipam, err) != 0)
		return -1;
	return parse_valid_attachments(nc->root, nc, err);
}

void netconf_free(struct netconf *nc)
{
	json_decref(nc->root);
	json_decref(nc->dns);
	json_decref(nc->prev_result);
	free(nc->valid);
	memset(nc, 0, sizeof(*nc));
}

void netconf_peek_version(const char *buf, size_t len, char *out, size_t outlen)
{
	json_t *root = json_loadb(buf, len, 0, NULL);
	json_t *v = json_object_get(root, "cniVersion");

	snprintf(out, outlen, "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(root);
}
