#include "link.h"

#include <errno.h>
#include <linux/if_link.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"
#include "nl_conn.h"

static void fill_info(struct rtnl_link *l, struct link_info *out)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);
	const char *type = rtnl_link_get_type(l);
	const char *alias = rtnl_link_get_ifalias(l);

	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	out->master = rtnl_link_get_master(l);
	out->flags = rtnl_link_get_flags(l);
	out->mtu = rtnl_link_get_mtu(l);
	snprintf(out->name, sizeof(out->name), "%s", rtnl_link_get_name(l));
	if (mac != NULL && nl_addr_get_len(mac) == 6)
		nl_addr2str(mac, out->mac, sizeof(out->mac));
	snprintf(out->alias, sizeof(out->alias), "%s", alias != NULL ? alias : "");
	out->is_bridge = type != NULL && strcmp(type, "bridge") == 0;
	out->is_veth = type != NULL && strcmp(type, "veth") == 0;
}

int link_get_info(struct nl_sock *sk, const char *name, struct link_info *out,
		struct cni_err *err)
{
	struct rtnl_link *l = NULL;
	int rc = rtnl_link_get_kernel(sk, 0, name, &l);

	if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV)
		return 1;
	if (rc < 0)
		return nl_conn_error(err, rc, "looking up link '%s'", name);
	fill_info(l, out);
	rtnl_link_put(l);
	return 0;
}

/* Sets (on) or clears (!on) flags. */
static int link_change_flags(struct nl_sock *sk, int ifindex, unsigned flags, bool on,
			     struct cni_err *err)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	int rc;

	if (chg == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "link change");
	rtnl_link_set_ifindex(chg, ifindex);
	if (on)
		rtnl_link_set_flags(chg, flags);
	else
		rtnl_link_unset_flags(chg, flags);
	/* RTM_NEWLINK on an existing index changes it; no cached "old" needed. */
	rc = rtnl_link_add(sk, chg, 0);
	rtnl_link_put(chg);
	if (rc < 0)
		return nl_conn_error(err, rc, "changing flags of link %d", ifindex);
	return 0;
}

int link_set_up(struct nl_sock *sk, int ifindex, struct cni_err *err)
{
	return link_change_flags(sk, ifindex, IFF_UP, true, err);
}

int link_set_down(struct nl_sock *sk, int ifindex, struct cni_err *err)
{
	return link_change_flags(sk, ifindex, IFF_UP, false, err);
}

/* A bridge without an assigned MAC takes the lowest MAC of its ports, so its
 * address would change with every pod; an explicit one stays put. */
static struct nl_addr *random_mac(void)
{
	uint8_t mac[6];

	if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac))
		return NULL;
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
	return nl_addr_build(AF_LLC, mac, sizeof(mac));
}

static int bridge_create(struct nl_sock *sk, const char *name, int mtu, struct cni_err *err)
{
	struct rtnl_link *br = rtnl_link_bridge_alloc();
	struct nl_addr *mac = random_mac();
	int rc;

	if (br == NULL || mac == NULL) {
		rtnl_link_put(br);
		nl_addr_put(mac);
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "bridge");
	}
	rtnl_link_set_addr(br, mac);
	nl_addr_put(mac);
	rtnl_link_set_name(br, name);
	rtnl_link_set_flags(br, IFF_UP);
	if (mtu > 0)
		rtnl_link_set_mtu(br, (unsigned)mtu);
	rc = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(br);
	if (rc < 0 && rc != -NLE_EXIST) /* EEXIST: a concurrent ADD was faster */
		return nl_conn_error(err, rc, "creating bridge '%s'", name);
	return 0;
}

int link_bridge_ensure(struct nl_sock *sk, const char *name, int mtu, bool promisc,
		       struct link_info *out, struct cni_err *err)
{
	unsigned want = IFF_UP | (promisc ? IFF_PROMISC : 0);
	int rc = link_get_info(sk, name, out, err);

	if (rc < 0)
		return -1;
	if (rc == 1 && (bridge_create(sk, name, mtu, err) != 0 ||
			link_get_info(sk, name, out, err) != 0))
		return cni_err_set(err, CNI_ERR_INTERNAL, "bridge vanished",
				   "bridge '%s' disappeared after creation", name);
	if (!out->is_bridge)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"bridge\": '%s' exists and is not a bridge", name);
	if ((out->flags & want) != want) {
		if (link_change_flags(sk, out->ifindex, want, true, err) != 0)
			return -1;
		out->flags |= want;
	}
	return 0;
}

/* The kernel ignores IFLA_IFALIAS when it creates a link: a second request,
 * addressed by name. */
static int set_alias(struct nl_sock *sk, const char *name, const char *alias,
		     struct cni_err *err)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	int rc;

	if (chg == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "link alias");
	rtnl_link_set_name(chg, name);
	rtnl_link_set_ifalias(chg, alias);
	rc = rtnl_link_add(sk, chg, 0);
	rtnl_link_put(chg);
	if (rc < 0)
		return nl_conn_error(err, rc, "setting the alias of '%s'", name);
	return 0;
}

int link_veth_create(struct nl_sock *sk, const char *host, const char *peer, int netns_fd,
		     int master, int mtu, const char *alias, char host_mac[18],
		     struct cni_err *err)
{
	struct rtnl_link *veth = rtnl_link_veth_alloc(), *p;
	struct nl_addr *mac = random_mac();
	struct cni_err ignored = { 0 };
	int rc;

	if (veth == NULL || mac == NULL) {
		rtnl_link_veth_release(veth);
		nl_addr_put(mac);
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "veth");
	}
	/* Our own MAC: known without asking the kernel afterwards. */
	nl_addr2str(mac, host_mac, 18);
	p = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_addr(veth, mac);
	nl_addr_put(mac);
	rtnl_link_set_name(veth, host);
	rtnl_link_set_master(veth, master);
	rtnl_link_set_flags(veth, IFF_UP);
	rtnl_link_set_name(p, peer);
	/* No IFF_UP for the peer: the kernel opens it before the pair is linked
	 * (veth_open fails with ENOTCONN); the caller brings it up in the pod. */
	rtnl_link_set_ns_fd(p, netns_fd);
	if (mtu > 0) {
		rtnl_link_set_mtu(veth, (unsigned)mtu);
		rtnl_link_set_mtu(p, (unsigned)mtu);
	}
	rc = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(p);
	rtnl_link_veth_release(veth);
	if (rc == -NLE_EXIST)
		return cni_err_set(err, CNI_ERR_LINK_EXISTS, "interface exists",
				   "'%s' on the node or '%s' in the container already exists",
				   host, peer);
	if (rc < 0)
		return nl_conn_error(err, rc, "creating veth '%s' / '%s'", host, peer);
	if (set_alias(sk, host, alias, err) == 0)
		return 0;
	/* Created with NLM_F_EXCL, so it is ours; a nameless pair would leak. */
	if (link_delete(sk, host, &ignored) != 0)
		log_warnx("deleting '%s' after a failed alias: %s", host, ignored.details);
	return -1;
}

int link_delete(struct nl_sock *sk, const char *name, struct cni_err *err)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int rc;

	if (l == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "link delete");
	rtnl_link_set_name(l, name);
	rc = rtnl_link_delete(sk, l);
	rtnl_link_put(l);
	if (rc < 0 && rc != -NLE_OBJ_NOTFOUND && rc != -NLE_NODEV)
		return nl_conn_error(err, rc, "deleting link '%s'", name);
	return 0;
}

int link_delete_index(struct nl_sock *sk, int ifindex, struct cni_err *err)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int rc;

	if (l == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "link delete");
	rtnl_link_set_ifindex(l, ifindex);
	rc = rtnl_link_delete(sk, l);
	rtnl_link_put(l);
	if (rc < 0 && rc != -NLE_OBJ_NOTFOUND && rc != -NLE_NODEV)
		return nl_conn_error(err, rc, "deleting link %d", ifindex);
	return 0;
}

int link_set_hairpin(struct nl_sock *sk, int ifindex, struct cni_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *proto;
	int rc = -NLE_NOMEM;

	if (msg == NULL || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		goto out;
	proto = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED);
	if (proto == NULL || nla_put_u8(msg, IFLA_BRPORT_MODE, 1) < 0)
		goto out;
	nla_nest_end(msg, proto);
	rc = nl_send_sync(sk, msg); /* frees msg */
	msg = NULL;
out:
	nlmsg_free(msg);
	if (rc < 0)
		return nl_conn_error(err, rc, "setting hairpin mode on link %d", ifindex);
	return 0;
}

void link_host_veth_name(const char *containerid, const char *ifname, char *out, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = containerid; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = ifname; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(out, len, "veth%08x", h);
}

int link_host_veth_alias(const char *network, const char *containerid, const char *ifname,
			 char out[LINK_ALIAS_MAX + 1])
{
	int n = snprintf(out, LINK_ALIAS_MAX + 1, "%s/%s/%s", containerid, ifname, network);

	return n < 0 || n > LINK_ALIAS_MAX ? -1 : 0;
}

bool link_alias_is_ours(const char *have, const char *ours)
{
	const char *net = strrchr(ours, '/');
	size_t legacy = net != NULL ? (size_t)(net - ours) : strlen(ours);

	if (have[0] == '\0' || strcmp(have, ours) == 0)
		return true;
	return strlen(have) == legacy && strncmp(have, ours, legacy) == 0;
}

int link_foreach_port(struct nl_sock *sk, int master, link_port_fn fn, void *ctx,
		      struct cni_err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

	if (rc < 0)
		return nl_conn_error(err, rc, "listing links");
	rc = 0;
	for (o = nl_cache_get_first(cache); o != NULL && rc == 0; o = nl_cache_get_next(o)) {
		struct link_info li;

		if (rtnl_link_get_master((struct rtnl_link *)o) != master)
			continue;
		fill_info((struct rtnl_link *)o, &li);
		rc = fn(&li, ctx);
	}
	nl_cache_free(cache);
	return rc;
}
