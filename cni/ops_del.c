/* DEL: idempotent and best effort. The host veth name follows from the
 * container id and ifname, so no state and no trip into the pod namespace is
 * needed: deleting the host end removes the pair. The allocation is released
 * by (container id, ifname) even when the namespace is long gone. */
#include "ipam.h"
#include "link.h"
#include "log.h"
#include "nl_conn.h"
#include "ops.h"

int op_del(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	char host_name[IFNAMSIZ];
	struct nl_sock *sk;
	int rc = 0;

	link_host_veth_name(env->containerid, env->ifname, host_name, sizeof(host_name));
	sk = nl_conn_open(err);
	if (sk == NULL || link_delete(sk, host_name, err) != 0)
		rc = -1;
	nl_conn_close(sk);
	/* Release even when the link step failed: addresses must not leak. */
	if (ipam_del(nc, env, err) != 0)
		rc = -1;
	return rc;
}
