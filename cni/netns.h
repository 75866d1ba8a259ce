/* Entering and leaving network namespaces (setns), and /proc/sys/net writes,
 * which act on the namespace that is current when the file is opened. */
#ifndef CNI_NETNS_H
#define CNI_NETNS_H

#include "cni_error.h"

/* Opens CNI_NETNS; code 3 when it does not exist. */
int netns_open(const char *path, struct cni_err *err);
/* Enters ns_fd; *saved gets a handle on the current namespace. */
int netns_enter(int ns_fd, int *saved, struct cni_err *err);
/* Returns to *saved and closes it. Failing to return is fatal: continuing in
 * the wrong namespace would configure the wrong system. */
void netns_leave(int *saved);
/* Writes value to /proc/sys/net/<key> in the current namespace. */
int sysctl_net_set(const char *key, const char *value, struct cni_err *err);

#endif
