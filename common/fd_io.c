#include "fd_io.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static ssize_t write_some(int fd, const void *buf, size_t len, int *is_socket)
{
	if (*is_socket) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w >= 0 || errno != ENOTSOCK)
			return w;
		*is_socket = 0;
	}
	return write(fd, buf, len);
}

int fd_send_some(int fd, const void *buf, size_t len, size_t *off)
{
	const char *p = buf;

	while (*off < len) {
		ssize_t w = send(fd, p + *off, len - *off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		*off += (size_t)w;
	}
	return 1;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	int is_socket = 1;

	while (len > 0) {
		ssize_t w = write_some(fd, p, len, &is_socket);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

char *fd_read_all(int fd, size_t limit, size_t *len_out)
{
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);

	while (buf != NULL) {
		if (cap - len < 2) {
			char *nb = cap > limit ? NULL : realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				errno = cap > limit ? EFBIG : ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (buf == NULL)
		return NULL;
	if (len > limit) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[len] = '\0';
	if (len_out != NULL)
		*len_out = len;
	return buf;
}
