/* The built-in allocator's store on a real temporary directory: order,
 * round-robin, reserved addresses, exhaustion, release, corruption, GC,
 * spare recycling, free counts and the owner index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipam_store.h"

struct fixture {
	char dir[64];
	struct ipam_store s;
	struct ipam_range r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cni_err err = { 0 };
	char e[64];

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-ipam.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(prefix_parse("10.1.0.0/29", &f->r.subnet, PREFIX_STRICT, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("10.1.0.1", &f->r.start, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("10.1.0.6", &f->r.end, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("10.1.0.1", &f->r.gateway, e, sizeof(e)), 0);
	assert_int_equal(ipam_store_open(&f->s, f->dir, "net", &err), 0);
	*state = f;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ipam_store_close(&f->s);
	nftw(f->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static const char *alloc(struct fixture *f, const char *id, struct cni_err *err)
{
	static char buf[INET6_ADDRSTRLEN];
	struct ip_addr a;

	memset(err, 0, sizeof(*err));
	if (ipam_store_allocate(&f->s, &f->r, 0, id, "eth0", &a, err) != 0)
		return NULL;
	return ip_addr_format(&a, buf, sizeof(buf));
}

static void test_order_and_exhaustion(void **state)
{
	static const char *const want[] = { "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5",
					     "10.1.0.6" };
	struct fixture *f = *state;
	struct cni_err err;
	char id[16];

	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		assert_string_equal(alloc(f, id, &err), want[i]);
	}
	assert_null(alloc(f, "c9", &err));
	assert_int_equal(err.code, CNI_ERR_IPAM_EXHAUSTED);
	assert_non_null(strstr(err.details, "10.1.0.0/29"));
}

static void test_round_robin_and_release(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	struct ip_addr held[4];

	assert_string_equal(alloc(f, "a", &err), "10.1.0.2");
	assert_string_equal(alloc(f, "b", &err), "10.1.0.3");
	assert_int_equal(ipam_store_release(&f->s, "a", "eth0", &err), 1);
	assert_int_equal(ipam_store_release(&f->s, "a", "eth0", &err), 0); /* idempotent */
	/* .2 is free again, but round-robin goes on from the last one handed out. */
	assert_string_equal(alloc(f, "c", &err), "10.1.0.4");
	assert_int_equal(ipam_store_find(&f->s, "b", "eth0", held, 4, &err), 1);
	assert_int_equal(ipam_store_find(&f->s, "b", "eth1", held, 4, &err), 0);
	assert_string_equal(alloc(f, "d", &err), "10.1.0.5");
	assert_string_equal(alloc(f, "e", &err), "10.1.0.6");
	assert_string_equal(alloc(f, "f", &err), "10.1.0.2"); /* wrapped */
}

static void test_reserved_never_handed_out(void **state)
{
	struct fixture *f = *state;
	struct cni_err err;
	char e[64];

	/* Range over the whole /29 including network, gateway and broadcast. */
	assert_int_equal(ip_addr_parse("10.1.0.0", &f->r.start, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("10.1.0.7", &f->r.end, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("10.1.0.4", &f->r.gateway, e, sizeof(e)), 0);
	for (int i = 0; i < 5; i++) {
		const char *a = alloc(f, i == 0 ? "a" : i == 1 ? "b" : i == 2 ? "c" : i == 3 ? "d" : "e",
				      &err);

		assert_non_null(a);
		assert_string_not_equal(a, "10.1.0.0");
		assert_string_not_equal(a, "10.1.0.4");
		assert_string_not_equal(a, "10.1.0.7");
	}
	assert_null(alloc(f, "x", &err));
	assert_int_equal(err.code, CNI_ERR_IPAM_EXHAUSTED);
}

static void write_file(const char *dir, const char *name, const char *content)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/net/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void test_corrupted_entry_never_reused(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	unsigned long long left;

	write_file(f->dir, "10.1.0.2", "not a record");
	assert_string_equal(alloc(f, "a", &err), "10.1.0.3");
	assert_int_equal(f->s.n_corrupt, 1);
	/* Release and GC leave it alone; GC reports it. */
	assert_int_equal(ipam_store_release(&f->s, "a", "eth0", &err), 1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ipam_store_gc(&f->s, NULL, 0, &err), -1);
	assert_int_equal(err.code, CNI_ERR_IPAM_CORRUPT);
	assert_non_null(strstr(err.details, "1 corrupted"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(ipam_store_free_count(&f->s, &f->r, &left, &err), 0);
	assert_int_equal(left, 4); /* .3-.6: the corrupted .2 counts as used */
}

static void test_gc_keeps_valid(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	struct attachment valid[1];
	struct ip_addr held[2];

	snprintf(valid[0].containerid, sizeof(valid[0].containerid), "keep");
	snprintf(valid[0].ifname, sizeof(valid[0].ifname), "eth0");
	assert_non_null(alloc(f, "keep", &err));
	assert_non_null(alloc(f, "drop1", &err));
	assert_non_null(alloc(f, "drop2", &err));
	assert_int_equal(ipam_store_gc(&f->s, valid, 1, &err), 2);
	assert_int_equal(ipam_store_find(&f->s, "keep", "eth0", held, 2, &err), 1);
	assert_int_equal(ipam_store_find(&f->s, "drop1", "eth0", held, 2, &err), 0);
}

static void test_spares_recycled(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	struct stat st;
	char path[256];
	ino_t ino;

	assert_string_equal(alloc(f, "a", &err), "10.1.0.2");
	snprintf(path, sizeof(path), "%s/net/10.1.0.2", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, IPAM_ENTRY_SIZE);
	ino = st.st_ino;
	assert_int_equal(ipam_store_release(&f->s, "a", "eth0", &err), 1);
	assert_string_equal(alloc(f, "b", &err), "10.1.0.3");
	snprintf(path, sizeof(path), "%s/net/10.1.0.3", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_ino, ino); /* the released file came back */
	assert_int_equal(ipam_store_find(&f->s, "b", "eth0", NULL, 0, &err), 0);
}

static void test_gc_sweeps_leftovers(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	char path[256];

	write_file(f->dir, ".new.12345", "half a claim");
	write_file(f->dir, ".fill.2147483646.3", ""); /* no such pid */
	assert_int_equal(ipam_store_gc(&f->s, NULL, 0, &err), 0);
	snprintf(path, sizeof(path), "%s/net/.new.12345", f->dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/net/.fill.2147483646.3", f->dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(entry_pool_count(&f->s.pool), 2); /* both recycled */
}

static void test_entry_parse(void **state)
{
	char id[64], ifn[IFNAMSIZ];

	(void)state;
	assert_true(entry_parse_owner("abc/eth0", id, sizeof(id), ifn, sizeof(ifn)));
	assert_string_equal(id, "abc");
	assert_string_equal(ifn, "eth0");
	assert_false(entry_parse_owner("abc", id, sizeof(id), ifn, sizeof(ifn)));
	assert_false(entry_parse_owner("/eth0", id, sizeof(id), ifn, sizeof(ifn)));
	assert_false(entry_parse_owner("a/b/c", id, sizeof(id), ifn, sizeof(ifn)));
	assert_false(entry_parse_owner("-a/eth0", id, sizeof(id), ifn, sizeof(ifn)));
	assert_false(entry_parse_owner("a/eth0:1", id, sizeof(id), ifn, sizeof(ifn)));
}

static void test_ipv6_range(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	unsigned long long left;
	char e[64];

	assert_int_equal(prefix_parse("fd00::/64", &f->r.subnet, PREFIX_STRICT, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("fd00::1", &f->r.start, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("fd00::ffff:ffff:ffff:ffff", &f->r.end, e, sizeof(e)), 0);
	assert_int_equal(ip_addr_parse("fd00::1", &f->r.gateway, e, sizeof(e)), 0);
	assert_string_equal(alloc(f, "a", &err), "fd00::2");
	assert_string_equal(alloc(f, "b", &err), "fd00::3");
	assert_int_equal(ipam_store_free_count(&f->s, &f->r, &left, &err), 0);
	assert_true(left > 1000000);
}

/* Index names left in the store (".owner.*"), removed when asked. */
static int index_files_scan(struct fixture *f, bool remove_them)
{
	char path[128];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/net", f->dir);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".owner.", 7) != 0)
			continue;
		n++;
		if (remove_them)
			assert_int_equal(unlinkat(dirfd(d), de->d_name, 0), 0);
	}
	closedir(d);
	return n;
}

static int index_files(struct fixture *f)
{
	return index_files_scan(f, false);
}

static void index_files_remove(struct fixture *f)
{
	index_files_scan(f, true);
}

static void unlink_in(struct fixture *f, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/net/%s", f->dir, name);
	assert_int_equal(unlink(path), 0);
}

static void test_owner_index(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };
	const char *a;

	assert_int_equal(ipam_store_holds(&f->s, "a", "eth0", &err), 0); /* indexes the store */
	assert_non_null(alloc(f, "a", &err));
	assert_int_equal(index_files(f), 1);
	assert_int_equal(ipam_store_holds(&f->s, "a", "eth0", &err), 1);
	assert_int_equal(ipam_store_holds(&f->s, "a", "eth1", &err), 0);
	assert_int_equal(ipam_store_holds(&f->s, "b", "eth0", &err), 0);
	assert_int_equal(ipam_store_release(&f->s, "a", "eth0", &err), 1);
	assert_int_equal(ipam_store_holds(&f->s, "a", "eth0", &err), 0);
	assert_int_equal(index_files(f), 0);

	a = alloc(f, "b", &err); /* an entry removed by hand: its index is stale */
	assert_non_null(a);
	unlink_in(f, a);
	assert_int_equal(ipam_store_holds(&f->s, "b", "eth0", &err), 0);
	assert_int_equal(index_files(f), 0);

	/* A store from before the index: no mark, no index; a scan builds it. */
	assert_non_null(alloc(f, "c", &err));
	unlink_in(f, ".owner-index");
	index_files_remove(f);
	assert_int_equal(ipam_store_holds(&f->s, "c", "eth0", &err), 1);
	assert_int_equal(index_files(f), 1);
	assert_int_equal(ipam_store_holds(&f->s, "c", "eth0", &err), 1); /* by the index */
	assert_int_equal(ipam_store_gc(&f->s, NULL, 0, &err), 1); /* drops its index too */
	assert_int_equal(index_files(f), 0);
}

/* "c693596/eth0" and "c1170850/eth0" share the 32-bit hash in the index name. */
static void test_owner_index_collision(void **state)
{
	struct fixture *f = *state;
	struct cni_err err = { 0 };

	assert_int_equal(ipam_store_holds(&f->s, "c693596", "eth0", &err), 0);
	assert_non_null(alloc(f, "c693596", &err));
	assert_int_equal(ipam_store_holds(&f->s, "c1170850", "eth0", &err), 0);
	assert_non_null(alloc(f, "c1170850", &err)); /* not indexed: the name is taken */
	assert_int_equal(index_files(f), 1);
	assert_int_equal(ipam_store_holds(&f->s, "c1170850", "eth0", &err), 1); /* by a scan */
	assert_int_equal(ipam_store_release(&f->s, "c1170850", "eth0", &err), 1);
	assert_int_equal(index_files(f), 1); /* the other owner's index stays */
	assert_int_equal(ipam_store_holds(&f->s, "c693596", "eth0", &err), 1);
	assert_int_equal(ipam_store_holds(&f->s, "c1170850", "eth0", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_robin_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_never_handed_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupted_entry_never_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_keeps_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spares_recycled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_sweeps_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_index_collision, setup, teardown),
		cmocka_unit_test(test_entry_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
