/* GC and STATUS (spec 1.1.0). GC releases addresses (ipam.c) and removes
 * host veths on our bridge whose alias names this network and an attachment
 * that is not in the valid list; STATUS is about the address pool. */
#include <string.h>

#include "ipam.h"
#include "ipam_entry.h"
#include "link.h"
#include "log.h"
#include "nl_conn.h"
#include "ops.h"

struct veth_gc {
	const struct netconf *nc;
	struct nl_sock *sk;
	struct cni_err *err;
};

static bool is_valid(const struct netconf *nc, const char *id, const char *ifname)
{
	for (size_t i = 0; i < nc->n_valid; i++)
		if (strcmp(nc->valid[i].containerid, id) == 0 &&
		    strcmp(nc->valid[i].ifname, ifname) == 0)
			return true;
	return false;
}

/* Only veths that are provably this network's: the alias names an
 * attachment and this network, and the name is the one derived from it. An
 * alias without a network (older versions) could be any network's. */
static int gc_port(const struct link_info *port, void *vctx)
{
	struct veth_gc *c = vctx;
	char owner[LINK_ALIAS_MAX + 1], id[256], ifname[IFNAMSIZ], name[IFNAMSIZ];
	const char *net = strrchr(port->alias, '/');

	if (!port->is_veth || net == NULL || strcmp(net + 1, c->nc->name) != 0)
		return 0;
	snprintf(owner, sizeof(owner), "%.*s", (int)(net - port->alias), port->alias);
	if (!entry_parse_owner(owner, id, sizeof(id), ifname, sizeof(ifname)))
		return 0;
	link_host_veth_name(id, ifname, name, sizeof(name));
	if (strcmp(name, port->name) != 0 || is_valid(c->nc, id, ifname))
		return 0;
	log_info("GC removes '%s' of %s", port->name, port->alias);
	return link_delete_index(c->sk, port->ifindex, c->err);
}

static int gc_veths(const struct netconf *nc, struct cni_err *err)
{
	struct veth_gc c = { nc, nl_conn_open(err), err };
	struct link_info br;
	int rc = -1;

	if (c.sk == NULL)
		return -1;
	rc = link_get_info(c.sk, nc->bridge, &br, err);
	if (rc == 0)
		rc = link_foreach_port(c.sk, br.ifindex, gc_port, &c, err);
	nl_conn_close(c.sk);
	return rc < 0 ? -1 : 0; /* 1: no bridge, nothing to collect */
}

int op_gc(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	int rc;

	if (!nc->has_valid)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"cni.dev/valid-attachments\" is required for GC");
	/* Both halves run even when one fails: collect as much as possible. */
	rc = gc_veths(nc, err);
	if (ipam_gc(nc, env, err) != 0)
		rc = -1;
	return rc;
}

int op_status(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	return ipam_status(nc, env, err);
}
