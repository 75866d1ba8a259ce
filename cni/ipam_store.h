/* The built-in allocator's store: one directory per network under dataDir,
 * one entry file per allocated address (format and crash safety: see
 * ipam_entry.h). A flock on "lock" serialises allocators so round-robin state,
 * the spare pool and scans are consistent. */
#ifndef CNI_IPAM_STORE_H
#define CNI_IPAM_STORE_H

#include <limits.h>
#include <stdbool.h>

#include "cni_error.h"
#include "ipam_entry.h"
#include "netconf.h"
#include "prefix.h"

struct ipam_store {
	int dirfd;
	int lockfd;
	char dir[PATH_MAX];
	struct entry_pool pool;
	int n_corrupt; /* corrupted entries met by the last scan */
};

/* Creates <data_dir>/<network> if needed, opens and locks it (LOCK_EX). */
int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    struct cni_err *err);
void ipam_store_close(struct ipam_store *s);

/* Next free address of the range after the last one handed out (round-robin),
 * never the network, broadcast (IPv4) or gateway address. Code 101 when the
 * range is full; corrupted entries are skipped (and logged), never reused. */
int ipam_store_allocate(struct ipam_store *s, const struct ipam_range *r, int range_idx,
			const char *containerid, const char *ifname, struct ip_addr *out,
			struct cni_err *err);
/* Removes every entry of (containerid, ifname); returns how many, or -1. */
int ipam_store_release(struct ipam_store *s, const char *containerid, const char *ifname,
		       struct cni_err *err);
/* Addresses held by (containerid, ifname): up to max into out; count or -1. */
int ipam_store_find(struct ipam_store *s, const char *containerid, const char *ifname,
		    struct ip_addr *out, int max, struct cni_err *err);
/* Whether (containerid, ifname) holds any address: 1, 0, or -1. Fast (an
 * owner index, see ipam_store.c) unless the store has never been indexed. */
int ipam_store_holds(struct ipam_store *s, const char *containerid, const char *ifname,
		     struct cni_err *err);
/* Removes entries whose owner is not in valid[]; returns how many, or -1.
 * Corrupted entries are left in place and reported as error 102 at the end. */
int ipam_store_gc(struct ipam_store *s, const struct attachment *valid, size_t n_valid,
		  struct cni_err *err);
/* True when the pool of recycled entry files is running low. */
bool ipam_store_spares_low(struct ipam_store *s);
/* Creating an entry file (an inode) costs more than all other store work on
 * ext4, so files are made ahead of need by a detached child, outside the
 * lock, and only renamed into the pool under it. At most one refill runs per
 * store ("refill.lock"); failures only cost the next ADDs their speed. */
void ipam_store_refill_detached(const char *data_dir, const char *network);
/* Free addresses left in the range (saturating at UINT64_MAX). */
int ipam_store_free_count(struct ipam_store *s, const struct ipam_range *r,
			  unsigned long long *free_out, struct cni_err *err);

#endif
