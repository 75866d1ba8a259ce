#include "nl_conn.h"

#include <netlink/route/link.h>
#include <stdarg.h>
#include <stdio.h>

struct nl_sock *nl_conn_open(struct cni_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (sk == NULL) {
		cni_err_set(err, CNI_ERR_INTERNAL, "netlink failure", "cannot allocate socket");
		return NULL;
	}
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_conn_error(err, rc, "connecting rtnetlink");
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void nl_conn_close(struct nl_sock *sk)
{
	if (sk != NULL)
		nl_socket_free(sk); /* closes too */
}

int nl_conn_error(struct cni_err *err, int nlerr, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cni_err_set(err, CNI_ERR_INTERNAL, "netlink failure", "%s: %s", what,
			   nl_geterror(nlerr));
}
