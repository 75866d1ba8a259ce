/* DEL: idempotent and best effort. The host veth name follows from the
 * container id and ifname, so no state and no trip into the pod namespace is
 * needed: deleting the host end removes the pair. The allocation is released
 * by (container id, ifname) even when the namespace is long gone.
 *
 * Deleting a net device costs 15-20 ms in the kernel (RCU grace periods in
 * unregister_netdevice), several times all our other work. Unless
 * "syncDelete" is set, DEL releases the addresses, then hands the deletion of
 * the link (by ifindex, so a later ADD that reuses the name is never hit) to
 * a detached child and returns. The reference bridge plugin releases the
 * address before deleting the link too, so the window is the same; an ADD
 * that finds a leftover host veth of its own name deletes it first. */
#include <string.h>
#include <unistd.h>

#include "detach.h"
#include "ipam.h"
#include "link.h"
#include "log.h"
#include "nl_conn.h"
#include "ops.h"

static void delete_in_child(int ifindex, const char *name)
{
	struct cni_err err = { 0 };
	struct nl_sock *sk;

	sk = nl_conn_open(&err);
	if (sk == NULL || link_delete_index(sk, ifindex, &err) != 0)
		log_warnx("deleting '%s' (index %d): %s", name, ifindex, err.details);
	nl_conn_close(sk);
	_exit(0);
}

/* 0 when the link is gone or its deletion is under way. A veth of our name
 * with another alias belongs to another attachment (hash collision). */
static int delete_host_veth(struct nl_sock *sk, const struct cni_env *env,
			    const struct netconf *nc, const char *name, struct cni_err *err)
{
	char alias[LINK_ALIAS_MAX + 1];
	struct cni_err down_err = { 0 };
	struct link_info li;
	pid_t pid;
	int rc;

	/* ADD refuses an attachment whose alias does not fit: none of ours. */
	if (link_host_veth_alias(nc->name, env->containerid, env->ifname, alias) != 0)
		return 0;
	rc = link_get_info(sk, name, &li, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0; /* 1: already gone */
	if (!link_alias_is_ours(li.alias, alias)) {
		log_warnx("'%s' belongs to '%s', not to '%s': left alone", name, li.alias, alias);
		return 0;
	}
	/* Down first, before returning: an ADD of this attachment that comes
	 * while the deletion still runs replaces only a veth that is down. */
	if ((li.flags & IFF_UP) && link_set_down(sk, li.ifindex, &down_err) != 0)
		log_warnx("taking '%s' down: %s", name, down_err.details);
	pid = nc->sync_delete ? -1 : detach_fork();
	if (pid == 0)
		delete_in_child(li.ifindex, name);
	if (pid < 0) {
		if (!nc->sync_delete)
			log_warn("fork for an asynchronous delete; deleting '%s' now", name);
		return link_delete_index(sk, li.ifindex, err);
	}
	return 0;
}

int op_del(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	char host_name[IFNAMSIZ];
	struct nl_sock *sk;
	int rc = 0;

	/* Release first: addresses must not leak even if the link step fails. */
	if (ipam_del(nc, env, err) != 0)
		rc = -1;
	link_host_veth_name(env->containerid, env->ifname, host_name, sizeof(host_name));
	sk = nl_conn_open(err);
	if (sk == NULL || delete_host_veth(sk, env, nc, host_name, err) != 0)
		rc = -1;
	nl_conn_close(sk);
	return rc;
}
