#include "netns.h"
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int netns_open(const char *path, struct cni_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return cni_err_set(err, CNI_ERR_UNKNOWN_CTR, "container unknown",
				   "network namespace '%s' does not exist", path);
	if (fd < 0)
		return cni_err_set(err, CNI_ERR_IO, "cannot open network namespace",
				   "'%s': %s", path, strerror(errno));
	return fd;
}

int netns_enter(int ns_fd, int *saved, struct cni_err *err)
{
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return cni_err_set(err, CNI_ERR_IO, "cannot open own namespace", "%s",
				   strerror(errno));
	if (setns(ns_fd, CLONE_NEWNET) != 0) {
		close(*saved);
		*saved = -1;
		return cni_err_set(err, CNI_ERR_INTERNAL, "cannot enter network namespace",
				   "setns: %s", strerror(errno));
	}
	return 0;
}

void netns_leave(int *saved)
{
	if (*saved < 0)
		return;
	if (setns(*saved, CLONE_NEWNET) != 0)
		fatal("cannot return to the node network namespace");
	close(*saved);
	*saved = -1;
}

int sysctl_net_set(const char *key, const char *value, struct cni_err *err)
{
	char full[256];

	snprintf(full, sizeof(full), "net/%s", key);
	if (sysctl_set(full, value) < 0)
		return cni_err_set(err, CNI_ERR_IO, "sysctl failure", "writing '%s' to '/proc/sys/%s': %s",
				   value, full, strerror(errno));
	return 0;
}
