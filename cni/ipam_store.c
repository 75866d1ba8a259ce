#include "ipam_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "detach.h"
#include "cni_env.h"
#include "link.h"
#include "log.h"

typedef unsigned __int128 u128;

static u128 addr_to_u128(const struct ip_addr *a)
{
	size_t n = ip_addr_len(a->family);
	u128 v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | a->u.bytes[i];
	return v;
}

static void u128_to_addr(u128 v, int family, struct ip_addr *a)
{
	size_t n = ip_addr_len(family);

	memset(a, 0, sizeof(*a));
	a->family = family;
	for (size_t i = n; i > 0; i--) {
		a->u.bytes[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

static int io_error(struct cni_err *err, const char *what, const char *path)
{
	return cni_err_set(err, CNI_ERR_IO, "IPAM store I/O failure", "%s '%s': %s", what, path,
			   strerror(errno));
}

int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    struct cni_err *err)
{
	memset(s, 0, sizeof(*s));
	s->dirfd = s->lockfd = -1;
	s->pool.fd = -1;
	snprintf(s->dir, sizeof(s->dir), "%s/%s", data_dir, network);
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 && errno == ENOENT) {
		if (mkdir_parents(s->dir, 0755) != 0)
			return io_error(err, "cannot create", s->dir);
		s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (s->dirfd < 0)
		return io_error(err, "cannot open", s->dir);
	s->lockfd = openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0)
		return io_error(err, "cannot open lock in", s->dir);
	while (flock(s->lockfd, LOCK_EX) != 0)
		if (errno != EINTR)
			return io_error(err, "cannot lock", s->dir);
	entry_pool_init(&s->pool, s->dirfd);
	return 0;
}

void ipam_store_close(struct ipam_store *s)
{
	if (s->dirfd >= 0 && s->lockfd >= 0)
		entry_pool_close(&s->pool); /* still under the lock */
	if (s->lockfd >= 0)
		close(s->lockfd); /* releases the flock */
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->lockfd = s->dirfd = -1;
}

/* ---- round-robin hint ----------------------------------------------------
 * Only a hint: a torn or missing file restarts at rangeStart, which is still
 * correct because allocation itself is decided by the exclusive rename. */

static void last_name(int idx, char *buf, size_t len)
{
	snprintf(buf, len, "last_reserved_ip.%d", idx);
}

static bool read_last(struct ipam_store *s, int idx, int family, struct ip_addr *out)
{
	char name[32], buf[INET6_ADDRSTRLEN + 8], msg[64], *end;
	ssize_t n;
	int fd;

	last_name(idx, name, sizeof(name));
	fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	end = strpbrk(buf, " \n");
	if (end != NULL)
		*end = '\0';
	return ip_addr_parse(buf, out, msg, sizeof(msg)) == 0 && out->family == family;
}

/* Fixed width, overwritten in place: O_TRUNC costs ~100 us on ext4 here. */
static void write_last(struct ipam_store *s, int idx, const struct ip_addr *a)
{
	char name[32], addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];
	int fd;

	last_name(idx, name, sizeof(name));
	fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	snprintf(buf, sizeof(buf), "%-*s\n", INET6_ADDRSTRLEN, ip_addr_format(a, addr, sizeof(addr)));
	if (pwrite(fd, buf, strlen(buf), 0) < 0)
		log_warn("cannot write %s/%s", s->dir, name);
	close(fd);
}

/* ---- owner index -----------------------------------------------------------
 * ".owner.<hash>.<4|6>" is a second name (hard link: no new inode) of the
 * entry an attachment holds in that family, so "does it hold one already?"
 * costs an open instead of reading every entry (12 us each). Only a hint,
 * checked against the entry: an index whose entry is gone (one link left) is
 * stale; one naming another owner is a hash collision, answered by a scan;
 * one missing after a crash between claim and link only loses the check for
 * that attachment. Stores made before the index are indexed on first use
 * (".owner-index" marks an indexed store). */

#define INDEX_MARK ".owner-index"

static void index_name(const char *id, const char *ifname, int family, char *buf, size_t len)
{
	char veth[IFNAMSIZ];

	link_host_veth_name(id, ifname, veth, sizeof(veth)); /* "veth" + the hash */
	snprintf(buf, len, ".owner.%s.%d", veth + 4, family == AF_INET6 ? 6 : 4);
}

/* 1 when the index `iname` names a live entry, 0 when absent or stale (then
 * removed). */
static int index_live(struct ipam_store *s, const char *iname)
{
	struct stat st;

	if (fstatat(s->dirfd, iname, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	if (S_ISREG(st.st_mode) && st.st_nlink >= 2)
		return 1;
	unlinkat(s->dirfd, iname, 0);
	return 0;
}

static void index_add(struct ipam_store *s, const char *entry, const struct ip_addr *a,
		      const char *id, const char *ifname)
{
	char iname[48];

	index_name(id, ifname, a->family, iname, sizeof(iname));
	if (index_live(s, iname) == 1)
		return; /* a collision: that owner keeps the name */
	if (linkat(s->dirfd, entry, s->dirfd, iname, 0) != 0)
		log_warn("cannot index %s/%s", s->dir, entry);
}

/* Removes the index of `entry` (only if it is that entry's: same inode). */
static void index_drop(struct ipam_store *s, const char *entry, const struct ip_addr *a,
		       const char *id, const char *ifname)
{
	struct stat e, i;
	char iname[48];

	index_name(id, ifname, a->family, iname, sizeof(iname));
	if (fstatat(s->dirfd, entry, &e, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstatat(s->dirfd, iname, &i, AT_SYMLINK_NOFOLLOW) == 0 && e.st_ino == i.st_ino)
		unlinkat(s->dirfd, iname, 0);
}

/* ---- allocation ---------------------------------------------------------- */

static bool is_reserved(const struct ipam_range *r, u128 v)
{
	struct ip_addr last;

	prefix_last_addr(&r->subnet, &last);
	if (v == addr_to_u128(&r->subnet.addr) || v == addr_to_u128(&r->gateway))
		return true;
	return r->subnet.addr.family == AF_INET && v == addr_to_u128(&last);
}

static void log_if_corrupt(struct ipam_store *s, const char *name)
{
	char id[256], ifn[IFNAMSIZ];

	if (entry_read(s->dirfd, name, id, sizeof(id), ifn, sizeof(ifn)) == 1) {
		s->n_corrupt++;
		log_errorx("IPAM entry '%s/%s' is corrupted; it stays reserved until removed "
			   "by hand", s->dir, name);
	}
}

/* 1 when taken (try the next), 0 when claimed, -1 on I/O error. */
static int try_claim(struct ipam_store *s, const struct ip_addr *a, const char *id,
		     const char *ifname, struct cni_err *err)
{
	char name[INET6_ADDRSTRLEN];
	int rc;

	ip_addr_format(a, name, sizeof(name));
	rc = entry_claim(&s->pool, name, id, ifname);
	if (rc < 0)
		return io_error(err, "cannot create entry in", s->dir);
	if (rc == 1)
		log_if_corrupt(s, name);
	return rc;
}

int ipam_store_allocate(struct ipam_store *s, const struct ipam_range *r, int range_idx,
			const char *containerid, const char *ifname, struct ip_addr *out,
			struct cni_err *err)
{
	u128 start = addr_to_u128(&r->start), end = addr_to_u128(&r->end), v, size;
	int family = r->subnet.addr.family;
	char sbuf[PREFIX_STRLEN];
	struct ip_addr last;

	v = start;
	if (read_last(s, range_idx, family, &last) && addr_to_u128(&last) >= start &&
	    addr_to_u128(&last) < end)
		v = addr_to_u128(&last) + 1;
	size = end - start + 1;
	s->n_corrupt = 0;
	for (u128 tried = 0; tried < size; tried++, v = v == end ? start : v + 1) {
		int rc;

		if (is_reserved(r, v))
			continue;
		u128_to_addr(v, family, out);
		rc = try_claim(s, out, containerid, ifname, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			char name[INET6_ADDRSTRLEN];

			index_add(s, ip_addr_format(out, name, sizeof(name)), out, containerid,
				  ifname);
			write_last(s, range_idx, out);
			return 0;
		}
	}
	return cni_err_set(err, CNI_ERR_IPAM_EXHAUSTED, "no IP addresses available",
			   "range of '%s' is exhausted%s", prefix_format(&r->subnet, sbuf, sizeof(sbuf)),
			   s->n_corrupt > 0 ? " (some entries are corrupted, see the log)" : "");
}

/* ---- scans ---------------------------------------------------------------- */

/* Calls fn for every address entry; fn returns -1 to abort. */
typedef int (*entry_fn)(struct ipam_store *s, const char *name, const struct ip_addr *a,
			const char *id, const char *ifname, bool corrupt, void *ctx);

static int scan(struct ipam_store *s, entry_fn fn, void *ctx, struct cni_err *err)
{
	int fd = dup(s->dirfd), rc = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return io_error(err, "cannot read", s->dir);
	}
	rewinddir(d);
	s->n_corrupt = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char id[256] = "", ifn[IFNAMSIZ] = "", msg[64];
		struct ip_addr a;
		bool corrupt;
		int rc_read;

		if (ip_addr_parse(de->d_name, &a, msg, sizeof(msg)) != 0)
			continue; /* lock, hints, spares, foreign files */
		rc_read = entry_read(s->dirfd, de->d_name, id, sizeof(id), ifn, sizeof(ifn));
		if (rc_read < 0 && errno == ENOENT)
			continue;
		corrupt = rc_read != 0;
		if (corrupt) {
			s->n_corrupt++;
			log_errorx("IPAM entry '%s/%s' is corrupted", s->dir, de->d_name);
		}
		rc = fn(s, de->d_name, &a, id, ifn, corrupt, ctx);
	}
	closedir(d);
	return rc;
}

struct owner_ctx {
	const char *id, *ifname;
	struct ip_addr *out;
	int max, count;
	bool remove;
	struct cni_err *err;
};

static int owner_fn(struct ipam_store *s, const char *name, const struct ip_addr *a,
		    const char *id, const char *ifname, bool corrupt, void *vctx)
{
	struct owner_ctx *c = vctx;

	if (corrupt || strcmp(id, c->id) != 0 || strcmp(ifname, c->ifname) != 0)
		return 0;
	if (c->remove)
		index_drop(s, name, a, id, ifname);
	if (c->remove && entry_retire(&s->pool, name) != 0)
		return io_error(c->err, "cannot remove entry", name);
	if (c->out != NULL && c->count < c->max)
		c->out[c->count] = *a;
	c->count++;
	return 0;
}

int ipam_store_release(struct ipam_store *s, const char *containerid, const char *ifname,
		       struct cni_err *err)
{
	struct owner_ctx c = { containerid, ifname, NULL, 0, 0, true, err };

	return scan(s, owner_fn, &c, err) != 0 ? -1 : c.count;
}

int ipam_store_find(struct ipam_store *s, const char *containerid, const char *ifname,
		    struct ip_addr *out, int max, struct cni_err *err)
{
	struct owner_ctx c = { containerid, ifname, out, max, 0, false, err };

	return scan(s, owner_fn, &c, err) != 0 ? -1 : (c.count < max ? c.count : max);
}

static int index_fn(struct ipam_store *s, const char *name, const struct ip_addr *a,
		    const char *id, const char *ifname, bool corrupt, void *ctx)
{
	(void)ctx;
	if (!corrupt)
		index_add(s, name, a, id, ifname);
	return 0;
}

static int scan_holds(struct ipam_store *s, const char *containerid, const char *ifname,
		      struct cni_err *err)
{
	struct ip_addr a;

	return ipam_store_find(s, containerid, ifname, &a, 1, err);
}

int ipam_store_holds(struct ipam_store *s, const char *containerid, const char *ifname,
		     struct cni_err *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	char iname[48], id[256], ifn[IFNAMSIZ];
	int fd;

	if (faccessat(s->dirfd, INDEX_MARK, F_OK, 0) != 0) {
		if (scan(s, index_fn, NULL, err) != 0)
			return -1;
		fd = openat(s->dirfd, INDEX_MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
		return scan_holds(s, containerid, ifname, err);
	}
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		index_name(containerid, ifname, families[f], iname, sizeof(iname));
		if (index_live(s, iname) == 0)
			continue;
		if (entry_read(s->dirfd, iname, id, sizeof(id), ifn, sizeof(ifn)) == 0 &&
		    strcmp(id, containerid) == 0 && strcmp(ifn, ifname) == 0)
			return 1;
		/* Another owner's (hash collision): only a scan can tell. */
		return scan_holds(s, containerid, ifname, err);
	}
	return 0;
}

struct gc_ctx {
	const struct attachment *valid;
	size_t n_valid;
	int removed;
	struct cni_err *err;
};

static int gc_fn(struct ipam_store *s, const char *name, const struct ip_addr *a,
		 const char *id, const char *ifname, bool corrupt, void *vctx)
{
	struct gc_ctx *c = vctx;

	if (corrupt)
		return 0;
	for (size_t i = 0; i < c->n_valid; i++)
		if (strcmp(c->valid[i].containerid, id) == 0 &&
		    strcmp(c->valid[i].ifname, ifname) == 0)
			return 0;
	index_drop(s, name, a, id, ifname);
	if (entry_retire(&s->pool, name) != 0)
		return io_error(c->err, "cannot remove entry", name);
	log_info("GC released %s of %s/%s", name, id, ifname);
	c->removed++;
	return 0;
}

/* Files a killed process left behind: ".new.<pid>" (a claim in progress; we
 * hold the lock, so none is live) and ".fill.<pid>.<k>" of a refill child
 * that is gone. Both become spares. */
static void sweep_leftovers(struct ipam_store *s)
{
	int fd = dup(s->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		bool stale = strncmp(de->d_name, ".new.", 5) == 0;

		if (strncmp(de->d_name, ".fill.", 6) == 0)
			stale = kill((pid_t)atoi(de->d_name + 6), 0) != 0 && errno == ESRCH;
		if (stale && entry_pool_adopt(&s->pool, de->d_name) != 0)
			unlinkat(s->dirfd, de->d_name, 0);
	}
	closedir(d);
}

int ipam_store_gc(struct ipam_store *s, const struct attachment *valid, size_t n_valid,
		  struct cni_err *err)
{
	struct gc_ctx c = { valid, n_valid, 0, err };

	sweep_leftovers(s);
	if (scan(s, gc_fn, &c, err) != 0)
		return -1;
	if (s->n_corrupt > 0)
		return cni_err_set(err, CNI_ERR_IPAM_CORRUPT, "corrupted IPAM entries",
				   "%d corrupted entries in '%s' were left in place (see log)",
				   s->n_corrupt, s->dir);
	return c.removed;
}

struct count_ctx {
	const struct ipam_range *r;
	u128 used;
};

static int count_fn(struct ipam_store *s, const char *name, const struct ip_addr *a,
		    const char *id, const char *ifname, bool corrupt, void *vctx)
{
	struct count_ctx *c = vctx;
	u128 v = addr_to_u128(a);

	(void)s, (void)name, (void)id, (void)ifname, (void)corrupt;
	if (a->family == c->r->subnet.addr.family && v >= addr_to_u128(&c->r->start) &&
	    v <= addr_to_u128(&c->r->end) && !is_reserved(c->r, v))
		c->used++;
	return 0;
}

/* How many of network, gateway, broadcast fall inside [start, end]. */
static u128 reserved_in_range(const struct ipam_range *r, u128 start, u128 end)
{
	struct ip_addr last;
	u128 cand[3];
	int n = 0;
	u128 count = 0;

	prefix_last_addr(&r->subnet, &last);
	cand[n++] = addr_to_u128(&r->subnet.addr);
	cand[n++] = addr_to_u128(&r->gateway);
	if (r->subnet.addr.family == AF_INET)
		cand[n++] = addr_to_u128(&last);
	for (int i = 0; i < n; i++)
		if (cand[i] >= start && cand[i] <= end && (i == 0 || cand[i] != cand[0]))
			count++;
	return count;
}

int ipam_store_free_count(struct ipam_store *s, const struct ipam_range *r,
			  unsigned long long *free_out, struct cni_err *err)
{
	struct count_ctx c = { r, 0 };
	u128 start = addr_to_u128(&r->start), end = addr_to_u128(&r->end), total;

	if (scan(s, count_fn, &c, err) != 0)
		return -1;
	total = end - start + 1 - reserved_in_range(r, start, end);
	total = total > c.used ? total - c.used : 0;
	*free_out = total > (u128)UINT64_MAX ? UINT64_MAX : (unsigned long long)total;
	return 0;
}

/* ---- spare refill ----------------------------------------------------------- */

bool ipam_store_spares_low(struct ipam_store *s)
{
	return entry_pool_count(&s->pool) < IPAM_SPARES_LOW;
}

static void refill_child(const char *data_dir, const char *network, int dirfd)
{
	char names[IPAM_SPARES_BATCH][48];
	struct ipam_store s;
	struct cni_err err = { 0 };
	int n = 0;

	for (int k = 0; k < IPAM_SPARES_BATCH; k++) {
		snprintf(names[n], sizeof(names[n]), ".fill.%d.%d", (int)getpid(), k);
		if (entry_file_create(dirfd, names[n]) == 0)
			n++;
	}
	if (ipam_store_open(&s, data_dir, network, &err) == 0)
		for (int k = 0; k < n; k++)
			if (entry_pool_adopt(&s.pool, names[k]) != 0)
				unlinkat(dirfd, names[k], 0);
	ipam_store_close(&s);
	_exit(0);
}

void ipam_store_refill_detached(const char *data_dir, const char *network)
{
	char dir[PATH_MAX];
	int dirfd, lockfd;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/%s", data_dir, network);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return;
	lockfd = openat(dirfd, "refill.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	/* The child inherits the lock through the shared open file. */
	if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) == 0) {
		pid = detach_fork();
		if (pid == 0)
			refill_child(data_dir, network, dirfd);
		if (pid < 0)
			log_warn("fork for the IPAM spare refill");
	}
	if (lockfd >= 0)
		close(lockfd);
	close(dirfd);
}
