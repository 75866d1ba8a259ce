/* ADD: IPAM first (so a full pool fails before anything is created), then the
 * bridge, then the veth pair created in one request with its container end
 * directly in the pod namespace, then the pod's addresses and routes. Any
 * failure rolls back what this call created: the veth and the allocation. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr_route.h"
#include "ipam.h"
#include "link.h"
#include "log.h"
#include "netns.h"
#include "nl_conn.h"
#include "ops.h"
#include "pod_net.h"

struct add_ctx {
	const struct cni_env *env;
	const struct netconf *nc;
	int ns_fd;
	struct nl_sock *host;
	struct cni_result ipam;   /* addresses from IPAM */
	struct cni_result routes; /* routes for the pod */
	struct link_info br, hveth, cveth;
	char host_name[IFNAMSIZ];
	char alias[LINK_ALIAS_MAX + 1]; /* who the host veth belongs to */
	bool allocated, veth_created;
};

static bool uses_family(const struct cni_result *r, int family)
{
	for (int i = 0; i < r->n_ips; i++)
		if (r->ips[i].addr.family == family)
			return true;
	return false;
}

/* Another address of the family overlapping ours on the bridge is an error
 * unless forceAddress, which replaces it (the reference plugin's rule).
 * Returns how many were removed, or -1. */
static int bridge_conflicts(struct add_ctx *c, const struct ip_addr *gw, unsigned plen,
			    struct cni_err *err)
{
	struct prefix have[16], want = { .addr = *gw, .len = (uint8_t)plen };
	char buf[PREFIX_STRLEN];
	int n = addr_list(c->host, c->br.ifindex, gw->family, have, 16, err), removed = 0;

	for (int i = 0; i < n; i++) {
		if (ip_addr_equal(&have[i].addr, gw) || !prefix_overlaps(&have[i], &want))
			continue;
		if (!c->nc->force_address)
			return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
					   "bridge '%s' already has address '%s'; set "
					   "\"forceAddress\" to replace it", c->nc->bridge,
					   prefix_format(&have[i], buf, sizeof(buf)));
		if (addr_del(c->host, c->br.ifindex, &have[i].addr, have[i].len, err) != 0)
			return -1;
		removed++;
	}
	return n < 0 ? -1 : removed;
}

static int bridge_gateway(struct add_ctx *c, const struct cni_ip *ip, struct cni_err *err)
{
	struct cni_err ignored = { 0 };
	struct ip_addr gw;
	int rc, removed;

	pod_net_gateway(ip, &gw);
	/* EEXIST is the normal case: an earlier or concurrent ADD added it. */
	rc = addr_add(c->host, c->br.ifindex, &gw, ip->plen, ADDR_NODAD | ADDR_TOLERATE_EXIST,
		      err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	/* Only a newly added gateway can conflict (and needs the dump). */
	removed = bridge_conflicts(c, &gw, ip->plen, err);
	if (removed < 0) {
		addr_del(c->host, c->br.ifindex, &gw, ip->plen, &ignored);
		return -1;
	}
	/* Removing a primary IPv4 address takes its secondaries (ours) along. */
	if (removed > 0 && addr_add(c->host, c->br.ifindex, &gw, ip->plen,
				    ADDR_NODAD | ADDR_TOLERATE_EXIST, err) < 0)
		return -1;
	return 0;
}

static int bridge_gateways(struct add_ctx *c, struct cni_err *err)
{
	for (int i = 0; i < c->ipam.n_ips; i++)
		if (bridge_gateway(c, &c->ipam.ips[i], err) != 0)
			return -1;
	return 0;
}

static int node_forwarding(struct add_ctx *c, struct cni_err *err)
{
	if (uses_family(&c->ipam, AF_INET) && sysctl_net_set("ipv4/ip_forward", "1", err) != 0)
		return -1;
	if (uses_family(&c->ipam, AF_INET6) &&
	    sysctl_net_set("ipv6/conf/all/forwarding", "1", err) != 0)
		return -1;
	return 0;
}

/* A host veth of our deterministic name whose alias names this attachment
 * and that is down (refuse_live_veth let it pass) is left over from an
 * earlier ADD of it, e.g. one whose asynchronous DEL is still running:
 * replace it. One with another alias is a hash collision: never touch it. */
static int create_veth(struct add_ctx *c, struct cni_err *err)
{
	struct cni_err first = { 0 };
	struct link_info old;
	const char *alias = c->alias;

	if (link_veth_create(c->host, c->host_name, c->env->ifname, c->ns_fd, c->br.ifindex,
			     c->nc->mtu, alias, c->hveth.mac, &first) == 0)
		return 0;
	if (first.code != CNI_ERR_LINK_EXISTS ||
	    link_get_info(c->host, c->host_name, &old, err) != 0 ||
	    !link_alias_is_ours(old.alias, alias)) {
		*err = first;
		return -1;
	}
	log_info("deleting leftover host veth '%s'", c->host_name);
	if (link_delete_index(c->host, old.ifindex, err) != 0)
		return -1;
	return link_veth_create(c->host, c->host_name, c->env->ifname, c->ns_fd,
				c->br.ifindex, c->nc->mtu, alias, c->hveth.mac, err);
}

/* A host veth of this attachment that is up belongs to a live pod (DEL takes
 * it down before deleting it): a second ADD must not replace it, and must
 * not even ask a delegated IPAM, whose rollback (DEL by container id and
 * ifname) would free the live pod's address. */
static int refuse_live_veth(struct add_ctx *c, struct cni_err *err)
{
	struct link_info li;
	int rc = link_get_info(c->host, c->host_name, &li, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!(li.flags & IFF_UP) || li.alias[0] == '\0' || !link_alias_is_ours(li.alias, c->alias))
		return 0;
	return cni_err_set(err, CNI_ERR_ATTACHED, "attachment already exists",
			   "%s/%s is attached (host veth '%s' is up): DEL it before adding it "
			   "again", c->env->containerid, c->env->ifname, c->host_name);
}

static int setup_node(struct add_ctx *c, struct cni_err *err)
{
	const struct netconf *nc = c->nc;

	if (link_bridge_ensure(c->host, nc->bridge, nc->mtu, nc->promisc, &c->br, err) != 0)
		return -1;
	if (nc->is_gateway && bridge_gateways(c, err) != 0)
		return -1;
	if (node_forwarding(c, err) != 0)
		return -1;
	if (create_veth(c, err) != 0)
		return -1;
	c->veth_created = true;
	snprintf(c->hveth.name, sizeof(c->hveth.name), "%s", c->host_name);
	if (!nc->hairpin)
		return 0;
	if (link_get_info(c->host, c->host_name, &c->hveth, err) != 0)
		return cni_err_set(err, CNI_ERR_INTERNAL, "veth vanished", "'%s'", c->host_name);
	return link_set_hairpin(c->host, c->hveth.ifindex, err);
}

static int pod_addresses(struct add_ctx *c, struct nl_sock *pod, struct cni_err *err)
{
	char key[64];

	if (uses_family(&c->ipam, AF_INET6)) {
		/* DAD would hold the address tentative for a second or more. */
		snprintf(key, sizeof(key), "ipv6/conf/%s/accept_dad", c->env->ifname);
		if (sysctl_net_set(key, "0", err) != 0)
			return -1;
	}
	for (int i = 0; i < c->ipam.n_ips; i++)
		if (addr_add(pod, c->cveth.ifindex, &c->ipam.ips[i].addr, c->ipam.ips[i].plen,
			     ADDR_NODAD, err) != 0)
			return -1;
	return 0;
}

/* After the link is up: routes via a gateway need a running link. */
static int pod_routes(struct add_ctx *c, struct nl_sock *pod, struct cni_err *err)
{
	for (int i = 0; i < c->routes.n_routes; i++) {
		const struct cni_route *rt = &c->routes.routes[i];

		if (route_add(pod, c->cveth.ifindex, &rt->dst, rt->has_gw ? &rt->gw : NULL,
			      err) != 0)
			return -1;
	}
	return 0;
}

static int setup_pod(struct add_ctx *c, struct cni_err *err)
{
	struct nl_sock *pod = NULL;
	int saved = -1, rc = -1;

	if (netns_enter(c->ns_fd, &saved, err) != 0)
		return -1;
	pod = nl_conn_open(err);
	if (pod == NULL)
		goto out;
	if (link_get_info(pod, c->env->ifname, &c->cveth, err) != 0) {
		cni_err_set(err, CNI_ERR_INTERNAL, "veth vanished", "'%s' in '%s'",
			    c->env->ifname, c->env->netns);
		goto out;
	}
	if (pod_addresses(c, pod, err) == 0 && link_set_up(pod, c->cveth.ifindex, err) == 0)
		rc = pod_routes(c, pod, err);
out:
	nl_conn_close(pod);
	netns_leave(&saved);
	return rc;
}

/* Our interfaces and addresses appended to prevResult's (chaining). */
static int build_result(struct add_ctx *c, struct cni_result *res, struct cni_err *err)
{
	int base;

	if (c->nc->prev_result != NULL &&
	    result_from_json(c->nc->prev_result, "prevResult", res, err) != 0)
		return -1;
	base = res->n_ifaces;
	if (result_add_iface(res, c->br.name, c->br.mac, NULL, err) != 0 ||
	    result_add_iface(res, c->hveth.name, c->hveth.mac, NULL, err) != 0 ||
	    result_add_iface(res, c->env->ifname, c->cveth.mac, c->env->netns, err) != 0)
		return -1;
	for (int i = 0; i < c->ipam.n_ips; i++) {
		struct cni_ip ip = c->ipam.ips[i];

		ip.iface = base + 2;
		pod_net_gateway(&c->ipam.ips[i], &ip.gw);
		ip.has_gw = true;
		if (result_add_ip(res, &ip, err) != 0)
			return -1;
	}
	for (int i = 0; i < c->routes.n_routes; i++)
		if (result_add_route(res, &c->routes.routes[i], err) != 0)
			return -1;
	if (c->ipam.dns != NULL) {
		json_decref(res->dns);
		res->dns = json_incref(c->ipam.dns);
	}
	return 0;
}

static void rollback(struct add_ctx *c)
{
	struct cni_err ignored = { 0 };

	if (c->veth_created && link_delete(c->host, c->host_name, &ignored) != 0)
		log_warnx("rollback: %s", ignored.details);
	if (c->allocated && ipam_del(c->nc, c->env, &ignored) != 0)
		log_warnx("rollback: releasing addresses: %s", ignored.details);
}

int op_add(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	struct add_ctx c = { .env = env, .nc = nc, .ns_fd = -1 };
	struct cni_result res;
	int rc = -1;

	result_init(&c.ipam);
	result_init(&c.routes);
	result_init(&res);
	/* Before anything exists: an id too long to name the veth's owner. */
	if (link_host_veth_alias(nc->name, env->containerid, env->ifname, c.alias) != 0) {
		cni_err_set(err, CNI_ERR_ENV, "invalid CNI_CONTAINERID",
			    "%zu characters: '<containerid>/<ifname>/<network name>' must fit "
			    "the host veth's alias of %d bytes", strlen(env->containerid),
			    LINK_ALIAS_MAX);
		goto out;
	}
	link_host_veth_name(env->containerid, env->ifname, c.host_name, sizeof(c.host_name));
	c.ns_fd = netns_open(env->netns, err);
	if (c.ns_fd < 0 || (c.host = nl_conn_open(err)) == NULL ||
	    refuse_live_veth(&c, err) != 0 || ipam_add(nc, env, &c.ipam, err) != 0)
		goto out;
	c.allocated = true;
	if (c.ipam.n_ips == 0) {
		cni_err_set(err, CNI_ERR_DELEGATE, "IPAM gave no address", "ipam.type '%s'",
			    nc->ipam.builtin ? NETCONF_BUILTIN_IPAM : nc->ipam.type);
		goto out;
	}
	if (pod_net_routes(nc, &c.ipam, &c.routes, err) != 0 || setup_node(&c, err) != 0 ||
	    setup_pod(&c, err) != 0 || build_result(&c, &res, err) != 0)
		goto out;
	rc = result_print(&res, nc->cni_version, stdout);
	if (rc != 0)
		cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "printing the result");
out:
	if (rc != 0)
		rollback(&c);
	nl_conn_close(c.host);
	if (c.ns_fd >= 0)
		close(c.ns_fd);
	result_free(&c.ipam);
	result_free(&c.routes);
	result_free(&res);
	return rc;
}
