/* Whole-buffer reads and writes on file descriptors, retried across EINTR and
 * short transfers: the one place both programs do this. */
#ifndef BGP_FD_IO_H
#define BGP_FD_IO_H

#include <stddef.h>

/* Writes all of buf. Sockets get MSG_NOSIGNAL, so a vanished peer is EPIPE,
 * never SIGPIPE. 0, or -1 with errno set. */
int fd_write_all(int fd, const void *buf, size_t len);
/* Sends buf[*off..len) on a socket as far as it takes without blocking,
 * advancing *off (MSG_NOSIGNAL: a vanished peer is EPIPE). 1 when all is
 * sent, 0 when the socket is full (wait for EPOLLOUT), -1 with errno set. */
int fd_send_some(int fd, const void *buf, size_t len, size_t *off);
/* Reads until EOF into a NUL-terminated heap buffer. NULL with errno set on
 * error, or EFBIG when more than limit bytes arrive. */
char *fd_read_all(int fd, size_t limit, size_t *len_out);

#endif
