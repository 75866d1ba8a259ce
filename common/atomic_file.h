/* Crash-safe file replacement: write a temporary file beside the target, fsync,
 * rename over the target, fsync the directory. A reader sees the old or the new
 * content, never a torn one. */
#ifndef BGP_ATOMIC_FILE_H
#define BGP_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Creates missing parent directories (0755). Returns 0 or -1 with errno set. */
int atomic_write_file(const char *path, const void *data, size_t len, mode_t mode);
/* mkdir -p; 0 or -1 with errno set. */
int mkdir_parents(const char *dir, mode_t mode);
/* mkdir -p of the directory path lies in (nothing for a bare name); 0 or -1
 * with errno set. */
int mkdir_parents_of(const char *path, mode_t mode);
/* Reads a whole file (at most READ_WHOLE_FILE_MAX bytes) into a NUL-terminated
 * heap buffer; NULL with errno set. */
#define READ_WHOLE_FILE_MAX (256u * 1024 * 1024)
char *read_whole_file(const char *path, size_t *len_out);

#endif
