#include "ipam_entry.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni_env.h"

#define COUNT_FILE "spares"

static void spare_name(int n, char *buf, size_t len)
{
	snprintf(buf, len, ".spare.%d", n);
}

static void pool_load(struct entry_pool *p)
{
	char buf[16] = "";
	int fd = openat(p->dirfd, COUNT_FILE, O_RDONLY | O_CLOEXEC);

	p->loaded = true;
	p->count = 0;
	if (fd < 0)
		return;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		p->count = atoi(buf);
	close(fd);
	if (p->count < 0 || p->count > IPAM_SPARES_MAX)
		p->count = 0;
}

static void pool_save(struct entry_pool *p)
{
	char buf[16];
	int fd = openat(p->dirfd, COUNT_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	/* Fixed width: overwritten in place, no truncation. A stale count only
	 * leaks or misses a spare; claims never depend on it for correctness. */
	snprintf(buf, sizeof(buf), "%-10d\n", p->count);
	if (pwrite(fd, buf, strlen(buf), 0) < 0)
		p->count = 0;
	close(fd);
}

int entry_retire(struct entry_pool *p, const char *name);

void entry_pool_init(struct entry_pool *p, int dirfd)
{
	memset(p, 0, sizeof(*p));
	p->dirfd = dirfd;
	p->fd = -1;
}

void entry_pool_close(struct entry_pool *p)
{
	if (p->fd >= 0) {
		close(p->fd);
		if (p->from_pool) /* unused: it is still .spare.<count> */
			p->count++;
		else if (renameat(p->dirfd, p->name, p->dirfd, ".spare.tmp") != 0 ||
			 entry_retire(p, ".spare.tmp") != 0) /* keep the fresh inode */
			unlinkat(p->dirfd, p->name, 0);
	}
	p->fd = -1;
	if (p->loaded)
		pool_save(p);
}

/* A spare with more than one name (left by a crash in the link fallback) is
 * also a live entry: never write into it. */
static int open_pool_spare(struct entry_pool *p)
{
	struct stat st;

	while (p->count > 0) {
		spare_name(p->count - 1, p->name, sizeof(p->name));
		p->count--;
		p->fd = openat(p->dirfd, p->name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (p->fd < 0)
			continue;
		if (fstat(p->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1) {
			p->from_pool = true;
			return 0;
		}
		close(p->fd);
		p->fd = -1;
		unlinkat(p->dirfd, p->name, 0);
	}
	return -1;
}

static int prepare(struct entry_pool *p)
{
	if (p->fd >= 0)
		return 0;
	if (!p->loaded)
		pool_load(p);
	if (open_pool_spare(p) == 0)
		return 0;
	snprintf(p->name, sizeof(p->name), ".new.%d", (int)getpid());
	p->from_pool = false;
	p->fd = openat(p->dirfd, p->name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return p->fd < 0 ? -1 : 0;
}

static int write_record(int fd, const char *id, const char *ifname)
{
	char rec[IPAM_ENTRY_SIZE];
	int n = snprintf(rec, sizeof(rec), "%s/%s\n", id, ifname);

	if (n < 0 || n >= (int)sizeof(rec)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(rec + n, ' ', sizeof(rec) - (size_t)n);
	rec[sizeof(rec) - 1] = '\n';
	return pwrite(fd, rec, sizeof(rec), 0) == (ssize_t)sizeof(rec) ? 0 : -1;
}

/* RENAME_NOREPLACE where the filesystem has it, else link (also exclusive)
 * then unlink of the spare name. */
static int move_exclusive(int dirfd, const char *from, const char *to)
{
	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (linkat(dirfd, from, dirfd, to, 0) != 0)
		return -1;
	unlinkat(dirfd, from, 0);
	return 0;
}

int entry_claim(struct entry_pool *p, const char *name, const char *id, const char *ifname)
{
	if (prepare(p) != 0 || write_record(p->fd, id, ifname) != 0)
		return -1;
	if (move_exclusive(p->dirfd, p->name, name) != 0)
		return errno == EEXIST ? 1 : -1; /* keep the spare for the next try */
	close(p->fd);
	p->fd = -1;
	return 0;
}

int entry_retire(struct entry_pool *p, const char *name)
{
	char spare[32];

	if (entry_pool_count(p) < IPAM_SPARES_MAX) {
		spare_name(p->count, spare, sizeof(spare));
		if (renameat(p->dirfd, name, p->dirfd, spare) == 0) {
			p->count++;
			return 0;
		}
		if (errno == ENOENT)
			return 0;
	}
	if (unlinkat(p->dirfd, name, 0) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

int entry_pool_count(struct entry_pool *p)
{
	if (!p->loaded)
		pool_load(p);
	return p->count;
}

int entry_pool_adopt(struct entry_pool *p, const char *name)
{
	char spare[32];

	if (entry_pool_count(p) >= IPAM_SPARES_MAX)
		return unlinkat(p->dirfd, name, 0);
	spare_name(p->count, spare, sizeof(spare));
	if (renameat(p->dirfd, name, p->dirfd, spare) != 0)
		return -1;
	p->count++;
	return 0;
}

int entry_file_create(int dirfd, const char *name)
{
	char rec[IPAM_ENTRY_SIZE];
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int rc;

	if (fd < 0)
		return -1;
	memset(rec, ' ', sizeof(rec));
	rc = pwrite(fd, rec, sizeof(rec), 0) == (ssize_t)sizeof(rec) ? 0 : -1;
	close(fd);
	if (rc != 0)
		unlinkat(dirfd, name, 0);
	return rc;
}

bool entry_parse_owner(const char *s, char *id, size_t idlen, char *ifname, size_t iflen)
{
	const char *slash = strchr(s, '/');
	size_t n;

	if (slash == NULL || strchr(slash + 1, '/') != NULL)
		return false;
	n = (size_t)(slash - s);
	if (n == 0 || n >= idlen || strlen(slash + 1) >= iflen)
		return false;
	memcpy(id, s, n);
	id[n] = '\0';
	snprintf(ifname, iflen, "%s", slash + 1);
	return cni_containerid_valid(id) && cni_ifname_valid(ifname);
}

/* The record: owner, newline, spaces up to the last byte, newline. */
static bool record_valid(char *rec, ssize_t n)
{
	char *nl;

	if (n != IPAM_ENTRY_SIZE || rec[n - 1] != '\n')
		return false;
	nl = memchr(rec, '\n', (size_t)n);
	for (char *p = nl + 1; p < rec + n - 1; p++)
		if (*p != ' ')
			return false;
	*nl = '\0';
	return true;
}

int entry_read(int dirfd, const char *name, char *id, size_t idlen, char *ifname,
	       size_t iflen)
{
	char rec[IPAM_ENTRY_SIZE + 1];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return errno == ELOOP ? 1 : -1; /* a symlink is not ours */
	n = read(fd, rec, sizeof(rec));
	close(fd);
	if (n < 0)
		return -1;
	if (!record_valid(rec, n) || !entry_parse_owner(rec, id, idlen, ifname, iflen))
		return 1;
	return 0;
}
