/* The CNI operations; each gets the validated environment and configuration
 * and prints its result (if any) to stdout itself. */
#ifndef CNI_OPS_H
#define CNI_OPS_H

#include "cni_env.h"
#include "netconf.h"

int op_add(const struct cni_env *env, const struct netconf *nc, struct cni_err *err);
int op_del(const struct cni_env *env, const struct netconf *nc, struct cni_err *err);
int op_check(const struct cni_env *env, const struct netconf *nc, struct cni_err *err);
int op_gc(const struct cni_env *env, const struct netconf *nc, struct cni_err *err);
int op_status(const struct cni_env *env, const struct netconf *nc, struct cni_err *err);

#endif
