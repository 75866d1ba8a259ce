#include "result.h"

#include "cni_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void result_init(struct cni_result *r)
{
	memset(r, 0, sizeof(*r));
}

void result_free(struct cni_result *r)
{
	json_decref(r->dns);
	r->dns = NULL;
}

int result_add_iface(struct cni_result *r, const char *name, const char *mac,
		     const char *sandbox, struct cni_err *err)
{
	struct cni_iface *i;

	if (r->n_ifaces >= RESULT_MAX_IFACES)
		return cni_err_set(err, CNI_ERR_INTERNAL, "too many interfaces",
				   "more than %d interfaces in a result", RESULT_MAX_IFACES);
	i = &r->ifaces[r->n_ifaces++];
	snprintf(i->name, sizeof(i->name), "%s", name);
	snprintf(i->mac, sizeof(i->mac), "%s", mac != NULL ? mac : "");
	snprintf(i->sandbox, sizeof(i->sandbox), "%s", sandbox != NULL ? sandbox : "");
	return 0;
}

int result_add_ip(struct cni_result *r, const struct cni_ip *ip, struct cni_err *err)
{
	if (r->n_ips >= RESULT_MAX_IPS)
		return cni_err_set(err, CNI_ERR_INTERNAL, "too many addresses",
				   "more than %d addresses in a result", RESULT_MAX_IPS);
	r->ips[r->n_ips++] = *ip;
	return 0;
}

int result_add_route(struct cni_result *r, const struct cni_route *rt, struct cni_err *err)
{
	if (r->n_routes >= RESULT_MAX_ROUTES)
		return cni_err_set(err, CNI_ERR_INTERNAL, "too many routes",
				   "more than %d routes in a result", RESULT_MAX_ROUTES);
	r->routes[r->n_routes++] = *rt;
	return 0;
}

bool result_has_route(const struct cni_result *r, const struct prefix *dst)
{
	for (int i = 0; i < r->n_routes; i++)
		if (prefix_equal(&r->routes[i].dst, dst))
			return true;
	return false;
}

/* ---- rendering ---------------------------------------------------------- */

static json_t *iface_json(const struct cni_iface *i)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(i->name));
	if (i->mac[0] != '\0')
		json_object_set_new(o, "mac", json_string(i->mac));
	if (i->sandbox[0] != '\0')
		json_object_set_new(o, "sandbox", json_string(i->sandbox));
	return o;
}

static json_t *ip_json(const struct cni_ip *ip, const char *version)
{
	char buf[PREFIX_STRLEN], abuf[INET6_ADDRSTRLEN];
	json_t *o = json_object();

	if (cni_version_has_ip_version_field(version))
		json_object_set_new(o, "version",
				    json_string(ip->addr.family == AF_INET ? "4" : "6"));
	ip_addr_format(&ip->addr, abuf, sizeof(abuf));
	snprintf(buf, sizeof(buf), "%s/%u", abuf, ip->plen);
	json_object_set_new(o, "address", json_string(buf));
	if (ip->has_gw)
		json_object_set_new(o, "gateway",
				    json_string(ip_addr_format(&ip->gw, abuf, sizeof(abuf))));
	if (ip->iface >= 0)
		json_object_set_new(o, "interface", json_integer(ip->iface));
	return o;
}

static json_t *route_json(const struct cni_route *rt)
{
	char buf[PREFIX_STRLEN];
	json_t *o = json_object();

	json_object_set_new(o, "dst", json_string(prefix_format(&rt->dst, buf, sizeof(buf))));
	if (rt->has_gw)
		json_object_set_new(o, "gw", json_string(ip_addr_format(&rt->gw, buf, sizeof(buf))));
	return o;
}

json_t *result_to_json(const struct cni_result *r, const char *version)
{
	json_t *o = json_object(), *a;

	json_object_set_new(o, "cniVersion", json_string(version));
	a = json_array();
	for (int i = 0; i < r->n_ifaces; i++)
		json_array_append_new(a, iface_json(&r->ifaces[i]));
	json_object_set_new(o, "interfaces", a);
	a = json_array();
	for (int i = 0; i < r->n_ips; i++)
		json_array_append_new(a, ip_json(&r->ips[i], version));
	json_object_set_new(o, "ips", a);
	a = json_array();
	for (int i = 0; i < r->n_routes; i++)
		json_array_append_new(a, route_json(&r->routes[i]));
	json_object_set_new(o, "routes", a);
	json_object_set_new(o, "dns", r->dns != NULL ? json_incref(r->dns) : json_object());
	return o;
}

int result_print(const struct cni_result *r, const char *version, FILE *out)
{
	json_t *o = result_to_json(r, version);
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (s == NULL)
		return -1;
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
}

/* ---- parsing ------------------------------------------------------------ */

static const char *opt_string(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int parse_iface(json_t *o, const char *what, struct cni_result *r, struct cni_err *err)
{
	const char *name = opt_string(o, "name");

	if (!json_is_object(o) || name == NULL)
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result",
				   "%s: interfaces[%d] has no \"name\"", what, r->n_ifaces);
	return result_add_iface(r, name, opt_string(o, "mac"), opt_string(o, "sandbox"), err);
}

static int parse_gw(json_t *o, const char *key, const char *what, bool *has,
		    struct ip_addr *gw, struct cni_err *err)
{
	const char *s = opt_string(o, key);
	char msg[128];

	*has = false;
	if (s == NULL)
		return 0;
	if (ip_addr_parse(s, gw, msg, sizeof(msg)) != 0)
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result", "%s: %s: %s", what,
				   key, msg);
	*has = true;
	return 0;
}

static int parse_ip(json_t *o, const char *what, struct cni_result *r, struct cni_err *err)
{
	const char *s = opt_string(o, "address");
	struct cni_ip ip = { .iface = -1 };
	struct prefix p;
	char msg[128];
	json_t *idx = json_object_get(o, "interface");

	if (s == NULL)
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result",
				   "%s: ips[%d] has no \"address\"", what, r->n_ips);
	if (prefix_parse(s, &p, PREFIX_ALLOW_HOST_BITS, msg, sizeof(msg)) != 0)
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result", "%s: %s", what, msg);
	ip.addr = p.addr;
	ip.plen = p.len;
	if (json_is_integer(idx))
		ip.iface = (int)json_integer_value(idx);
	if (parse_gw(o, "gateway", what, &ip.has_gw, &ip.gw, err) != 0)
		return -1;
	return result_add_ip(r, &ip, err);
}

static int parse_route(json_t *o, const char *what, struct cni_result *r, struct cni_err *err)
{
	const char *s = opt_string(o, "dst");
	struct cni_route rt;
	char msg[128];

	memset(&rt, 0, sizeof(rt));
	if (s == NULL)
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result",
				   "%s: routes[%d] has no \"dst\"", what, r->n_routes);
	if (prefix_parse(s, &rt.dst, PREFIX_ALLOW_HOST_BITS, msg, sizeof(msg)) != 0)
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result", "%s: %s", what, msg);
	prefix_mask(&rt.dst);
	if (parse_gw(o, "gw", what, &rt.has_gw, &rt.gw, err) != 0)
		return -1;
	return result_add_route(r, &rt, err);
}

typedef int (*elem_parser)(json_t *, const char *, struct cni_result *, struct cni_err *);

static int parse_array(json_t *obj, const char *key, elem_parser fn, const char *what,
		       struct cni_result *r, struct cni_err *err)
{
	json_t *a = json_object_get(obj, key), *v;
	size_t i;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result",
				   "%s: \"%s\" must be an array", what, key);
	json_array_foreach(a, i, v)
		if (fn(v, what, r, err) != 0)
			return -1;
	return 0;
}

int result_from_json(json_t *obj, const char *what, struct cni_result *r, struct cni_err *err)
{
	json_t *dns;

	result_init(r);
	if (!json_is_object(obj))
		return cni_err_set(err, CNI_ERR_DECODE, "invalid result",
				   "%s must be a JSON object", what);
	if (parse_array(obj, "interfaces", parse_iface, what, r, err) != 0 ||
	    parse_array(obj, "ips", parse_ip, what, r, err) != 0 ||
	    parse_array(obj, "routes", parse_route, what, r, err) != 0)
		return -1;
	for (int i = 0; i < r->n_ips; i++)
		if (r->ips[i].iface >= r->n_ifaces)
			return cni_err_set(err, CNI_ERR_DECODE, "invalid result",
					   "%s: ips[%d].interface %d has no interface", what,
					   i, r->ips[i].iface);
	dns = json_object_get(obj, "dns");
	if (json_is_object(dns))
		r->dns = json_incref(dns);
	return 0;
}
