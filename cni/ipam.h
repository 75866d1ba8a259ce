/* IPAM front: the built-in allocator or a delegated plugin, one API. */
#ifndef CNI_IPAM_H
#define CNI_IPAM_H

#include "cni_env.h"
#include "netconf.h"
#include "result.h"

/* Fills ips (interface -1), routes and dns. */
int ipam_add(const struct netconf *nc, const struct cni_env *env, struct cni_result *res,
	     struct cni_err *err);
/* Best effort; 0 when nothing was allocated. */
int ipam_del(const struct netconf *nc, const struct cni_env *env, struct cni_err *err);
/* Every address of prev must still be recorded for this attachment. */
int ipam_check(const struct netconf *nc, const struct cni_env *env,
	       const struct cni_result *prev, struct cni_err *err);
int ipam_gc(const struct netconf *nc, const struct cni_env *env, struct cni_err *err);
/* Code 50 when no address is left in some range. */
int ipam_status(const struct netconf *nc, const struct cni_env *env, struct cni_err *err);

#endif
