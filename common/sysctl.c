#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sysctl_set(const char *key, const char *value)
{
	char path[256], cur[32];
	size_t len = strlen(value);
	ssize_t n;
	int fd, saved;

	if (snprintf(path, sizeof(path), "/proc/sys/%s", key) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Read first: an unchanged value needs no write (and no kernel work). */
	n = read(fd, cur, sizeof(cur) - 1);
	if (n > 0 && (size_t)n == len + 1 && strncmp(cur, value, len) == 0) {
		close(fd);
		return 0;
	}
	if (pwrite(fd, value, len, 0) != (ssize_t)len) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return 1;
}
