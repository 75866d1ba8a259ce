/* The built-in IPAM store's entry files: entry_read() of a file holding the
 * input (record checks + owner parse) and entry_parse_owner() of the input as
 * a string. The file lives in a private directory made once per process. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipam_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz_ipam_entry.XXXXXX";
static int dir_fd = -1;

static void remove_dir(void)
{
	unlinkat(dir_fd, "10.0.0.1", 0);
	rmdir(dir);
}

static int write_entry(const uint8_t *data, size_t size)
{
	int fd = openat(dir_fd, "10.0.0.1", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return -1;
	rc = write(fd, data, size) == (ssize_t)size ? 0 : -1;
	close(fd);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[256], ifname[16], *s;

	if (dir_fd < 0) {
		if (mkdtemp(dir) == NULL || (dir_fd = open(dir, O_DIRECTORY | O_CLOEXEC)) < 0)
			return 0;
		atexit(remove_dir);
	}
	if (write_entry(data, size) == 0)
		entry_read(dir_fd, "10.0.0.1", id, sizeof(id), ifname, sizeof(ifname));
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	entry_parse_owner(s, id, sizeof(id), ifname, sizeof(ifname));
	free(s);
	return 0;
}
