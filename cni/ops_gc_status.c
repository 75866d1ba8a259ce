/* GC and STATUS (spec 1.1.0): both are about the address pool. */
#include "ipam.h"
#include "ops.h"

int op_gc(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	if (!nc->has_valid)
		return cni_err_set(err, CNI_ERR_CONFIG, "invalid network config",
				   "\"cni.dev/valid-attachments\" is required for GC");
	return ipam_gc(nc, env, err);
}

int op_status(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	return ipam_status(nc, env, err);
}
