/* CHECK: compare the bridge, both veth ends, the pod's addresses and routes
 * and the IPAM record against prevResult; report the first difference with
 * one of our 110-113 codes. */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr_route.h"
#include "ipam.h"
#include "link.h"
#include "netns.h"
#include "nl_conn.h"
#include "ops.h"

struct check_ctx {
	const struct cni_env *env;
	const struct netconf *nc;
	struct cni_result prev;
	int pod_idx; /* our container interface in prev */
};

static int find_iface(const struct cni_result *r, const char *name, const char *sandbox)
{
	for (int i = 0; i < r->n_ifaces; i++)
		if (strcmp(r->ifaces[i].name, name) == 0 &&
		    (sandbox == NULL ? r->ifaces[i].sandbox[0] == '\0'
				     : strcmp(r->ifaces[i].sandbox, sandbox) == 0))
			return i;
	return -1;
}

static int link_differs(struct cni_err *err, const char *name, const char *why)
{
	return cni_err_set(err, CNI_ERR_CHECK_LINK, "interface differs from prevResult",
			   "'%s': %s", name, why);
}

/* 0 when present and (if prev lists a MAC) with that MAC. */
static int check_link(struct nl_sock *sk, const struct cni_result *prev, int idx,
		      const char *name, struct link_info *li, struct cni_err *err)
{
	int rc = link_get_info(sk, name, li, err);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return link_differs(err, name, "missing");
	if (!(li->flags & IFF_UP))
		return link_differs(err, name, "is down");
	if (idx >= 0 && prev->ifaces[idx].mac[0] != '\0' &&
	    strcasecmp(prev->ifaces[idx].mac, li->mac) != 0)
		return link_differs(err, name, "MAC address changed");
	return 0;
}

static int check_node(struct check_ctx *c, struct cni_err *err)
{
	struct link_info br, hv;
	char host_name[IFNAMSIZ];
	struct nl_sock *sk = nl_conn_open(err);
	int rc = -1;

	link_host_veth_name(c->env->containerid, c->env->ifname, host_name, sizeof(host_name));
	if (sk == NULL ||
	    /* -1: no MAC comparison, a bridge created elsewhere may change it */
	    check_link(sk, &c->prev, -1, c->nc->bridge, &br, err) != 0 ||
	    check_link(sk, &c->prev, find_iface(&c->prev, host_name, NULL), host_name, &hv,
		       err) != 0)
		goto out;
	if (!br.is_bridge || hv.master != br.ifindex) {
		link_differs(err, host_name, "is not a port of the bridge");
		goto out;
	}
	rc = 0;
out:
	nl_conn_close(sk);
	return rc;
}

static int check_addrs(struct check_ctx *c, struct nl_sock *sk, int ifindex,
		       struct cni_err *err)
{
	char buf[INET6_ADDRSTRLEN];

	for (int i = 0; i < c->prev.n_ips; i++) {
		const struct cni_ip *ip = &c->prev.ips[i];
		struct prefix have[16];
		bool found = false;
		int n;

		if (ip->iface != c->pod_idx)
			continue;
		n = addr_list(sk, ifindex, ip->addr.family, have, 16, err);
		if (n < 0)
			return -1;
		for (int k = 0; k < n; k++)
			found |= ip_addr_equal(&have[k].addr, &ip->addr) && have[k].len == ip->plen;
		if (!found)
			return cni_err_set(err, CNI_ERR_CHECK_ADDR, "address missing",
					   "%s/%u is not on '%s'",
					   ip_addr_format(&ip->addr, buf, sizeof(buf)), ip->plen,
					   c->env->ifname);
	}
	return 0;
}

static int check_routes(struct check_ctx *c, struct nl_sock *sk, struct cni_err *err)
{
	char buf[PREFIX_STRLEN];

	for (int i = 0; i < c->prev.n_routes; i++) {
		const struct cni_route *rt = &c->prev.routes[i];
		int rc = route_exists(sk, &rt->dst, rt->has_gw ? &rt->gw : NULL, err);

		if (rc < 0)
			return -1;
		if (rc == 0)
			return cni_err_set(err, CNI_ERR_CHECK_ROUTE, "route missing",
					   "route to %s is missing in '%s'",
					   prefix_format(&rt->dst, buf, sizeof(buf)), c->env->netns);
	}
	return 0;
}

static int check_pod(struct check_ctx *c, struct cni_err *err)
{
	struct nl_sock *sk = NULL;
	struct link_info li;
	int saved = -1, rc = -1, fd = netns_open(c->env->netns, err);

	if (fd < 0 || netns_enter(fd, &saved, err) != 0)
		goto out;
	sk = nl_conn_open(err);
	if (sk != NULL && check_link(sk, &c->prev, c->pod_idx, c->env->ifname, &li, err) == 0 &&
	    check_addrs(c, sk, li.ifindex, err) == 0 && check_routes(c, sk, err) == 0)
		rc = 0;
out:
	nl_conn_close(sk);
	netns_leave(&saved);
	if (fd >= 0)
		close(fd);
	return rc;
}

int op_check(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	struct check_ctx c = { .env = env, .nc = nc };
	int rc = -1;

	result_init(&c.prev);
	if (nc->prev_result == NULL)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"prevResult\" is required for CHECK");
	if (result_from_json(nc->prev_result, "prevResult", &c.prev, err) != 0)
		goto out;
	c.pod_idx = find_iface(&c.prev, env->ifname, env->netns);
	if (c.pod_idx < 0) {
		link_differs(err, env->ifname, "not listed with this sandbox in prevResult");
		goto out;
	}
	if (check_node(&c, err) == 0 && check_pod(&c, err) == 0 &&
	    ipam_check(nc, env, &c.prev, err) == 0)
		rc = 0;
out:
	result_free(&c.prev);
	return rc;
}
