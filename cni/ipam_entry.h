/* Allocation entries of the built-in IPAM store and the pool of recycled
 * entry files.
 *
 * An entry is a regular file named after the address, holding
 * "<containerid>/<ifname>\n" padded with spaces to IPAM_ENTRY_SIZE bytes. It
 * is claimed by writing the record into a spare file and renaming that onto
 * the address name with RENAME_NOREPLACE: atomic and exclusive, so a crash
 * leaves the allocation either complete or absent, never torn.
 *
 * Why spares: creating an inode on ext4 costs 150-200 us here (more than all
 * other store work together), renaming one costs under 20 us. Released
 * entries are renamed to ".spare.<n>" instead of being unlinked, and the next
 * claim reuses one. The fixed record size means a reused file is overwritten
 * completely by one pwrite without truncation. */
#ifndef CNI_IPAM_ENTRY_H
#define CNI_IPAM_ENTRY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#define IPAM_ENTRY_SIZE 320
#define IPAM_SPARES_MAX 256

struct entry_pool {
	int dirfd;
	int count;     /* spares believed to exist: .spare.0 .. .spare.<count-1> */
	bool loaded;
	int fd;        /* the spare prepared for the next claim, or -1 */
	char name[32]; /* its name */
	bool from_pool;
};

void entry_pool_init(struct entry_pool *p, int dirfd);
/* Saves the spare count; closes a prepared spare (it stays a spare). */
void entry_pool_close(struct entry_pool *p);
/* Below this many spares an ADD starts a background refill (ipam_store.c). */
#define IPAM_SPARES_LOW 8
#define IPAM_SPARES_BATCH 32

/* Spares believed to exist (loads the count). */
int entry_pool_count(struct entry_pool *p);
/* Makes the file `name` a spare; 0, or -1 with errno set. */
int entry_pool_adopt(struct entry_pool *p, const char *name);
/* Creates a fresh, unowned entry-sized file `name` (no lock needed). */
int entry_file_create(int dirfd, const char *name);
/* 0 claimed, 1 name already taken, -1 error with errno set. */
int entry_claim(struct entry_pool *p, const char *name, const char *id, const char *ifname);
/* Removes an entry (recycling its file); 0, or -1 with errno set. */
int entry_retire(struct entry_pool *p, const char *name);
/* 0 and the owner filled; 1 when the entry exists but is corrupted;
 * -1 when it cannot be read (errno set; ENOENT when absent). */
int entry_read(int dirfd, const char *name, char *id, size_t idlen, char *ifname,
	       size_t iflen);
/* Parses "<containerid>/<ifname>"; false when malformed. */
bool entry_parse_owner(const char *s, char *id, size_t idlen, char *ifname, size_t iflen);

#endif
