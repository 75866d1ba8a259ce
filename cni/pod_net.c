#include "pod_net.h"

#include <string.h>
#include <sys/socket.h>

void pod_net_gateway(const struct cni_ip *ip, struct ip_addr *gw)
{
	struct prefix p = { .addr = ip->addr, .len = (uint8_t)ip->plen };

	if (ip->has_gw) {
		*gw = ip->gw;
		return;
	}
	prefix_mask(&p);
	*gw = p.addr;
	ip_addr_add(gw, 1);
}

static const struct cni_ip *ip_of_family(const struct cni_result *r, int family)
{
	for (int i = 0; i < r->n_ips; i++)
		if (r->ips[i].addr.family == family)
			return &r->ips[i];
	return NULL;
}

static int add_via_gateway(const struct cni_result *ipam, const struct cni_route *rt,
			   struct cni_result *out, struct cni_err *err)
{
	struct cni_route r = *rt;
	const struct cni_ip *ip = ip_of_family(ipam, rt->dst.addr.family);

	if (!r.has_gw && ip != NULL) {
		pod_net_gateway(ip, &r.gw);
		r.has_gw = true;
	}
	return result_has_route(out, &r.dst) ? 0 : result_add_route(out, &r, err);
}

int pod_net_routes(const struct netconf *nc, const struct cni_result *ipam,
		   struct cni_result *out, struct cni_err *err)
{
	for (int i = 0; i < ipam->n_routes; i++)
		if (add_via_gateway(ipam, &ipam->routes[i], out, err) != 0)
			return -1;
	if (!nc->is_default_gw)
		return 0;
	for (int i = 0; i < ipam->n_ips; i++) {
		struct cni_route def;

		memset(&def, 0, sizeof(def));
		def.dst.addr.family = ipam->ips[i].addr.family;
		if (add_via_gateway(ipam, &def, out, err) != 0)
			return -1;
	}
	return 0;
}
