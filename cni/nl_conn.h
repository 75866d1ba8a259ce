/* One rtnetlink socket per network namespace (libnl-3 route). A socket is
 * bound to the namespace that was current when it was opened, so the plugin
 * opens one in the node namespace and one while inside the pod namespace and
 * then works on both without switching again. */
#ifndef CNI_NL_CONN_H
#define CNI_NL_CONN_H

#include <netlink/netlink.h>

#include "cni_error.h"

struct nl_sock *nl_conn_open(struct cni_err *err);
void nl_conn_close(struct nl_sock *sk);
/* Turns a libnl error (negative NLE_*) into a code 100 error naming what failed. */
int nl_conn_error(struct cni_err *err, int nlerr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
