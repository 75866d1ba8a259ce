#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* True when /proc/sys/<path> holds value (and its newline). */
static bool holds(const char *path, const char *value)
{
	char cur[32];
	size_t len = strlen(value);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, cur, sizeof(cur) - 1);
	close(fd);
	return n > 0 && (size_t)n == len + 1 && strncmp(cur, value, len) == 0;
}

int sysctl_set(const char *key, const char *value)
{
	char path[256];
	size_t len = strlen(value);
	int fd, saved;

	if (snprintf(path, sizeof(path), "/proc/sys/%s", key) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Read through a read-only descriptor first: /proc/sys is mounted
	 * read-only in unprivileged containers, and an unchanged value needs no
	 * write (and no kernel work). */
	if (holds(path, value))
		return 0;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, value, len) != (ssize_t)len) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return 1;
}
