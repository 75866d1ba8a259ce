/* IPAM by delegation (spec "Delegated plugins"): run the plugin named by
 * ipam.type from CNI_PATH with our environment and our stdin, read its result
 * or error. */
#ifndef CNI_IPAM_DELEGATE_H
#define CNI_IPAM_DELEGATE_H

#include "cni_env.h"
#include "netconf.h"
#include "result.h"

/* Runs `command` of the delegate; on ADD parses the result into *res (may be
 * NULL otherwise). The delegate's own error (code, msg, details) is passed on
 * unchanged. When the delegate rejects our cniVersion (code 1), the call is
 * repeated once with the newest version both sides support. */
int ipam_delegate_run(const struct netconf *nc, const struct cni_env *env,
		      const char *command, struct cni_result *res, struct cni_err *err);
/* GC and STATUS exist from spec 1.1.0: returns 1 when the delegate supports
 * them, 0 when not (the call is then skipped), -1 on error. */
int ipam_delegate_supports(const struct netconf *nc, const struct cni_env *env,
			   const char *version, struct cni_err *err);

#endif
