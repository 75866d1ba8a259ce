/* The kroute handle, shared by kroute*.c only (callers see it opaque). */
#ifndef BGP_KROUTE_PRIV_H
#define BGP_KROUTE_PRIV_H

#include <netlink/socket.h>
#include <stdbool.h>
#include <stdint.h>

#include "kroute.h"
#include "kroute_nhg.h"

#define KROUTE_ERR_AGAIN 1 /* internal only: a dump raced with a change */

struct kroute {
	struct nl_sock *sk;
	uint32_t table;
	uint8_t protocol;
	uint32_t seq;
	unsigned char *batch; /* requests being assembled */
	struct nhg_table nhg; /* nexthop objects and the routes using them */
	bool nhg_supported;   /* the kernel has nexthop objects (dumps read them) */
	bool nhg_on;          /* new routes use them */
	bool nhg_unsure;      /* lost track of users (ENOMEM): delete none until a dump */
	char nhg_refused[160]; /* why not, when !nhg_on */
};

typedef void (*kroute_reply_fn)(struct nlmsghdr *h, void *arg);
/* Sends one request (msg is freed), acknowledged, and reads until its
 * answer; replies before it go to on_reply (may be NULL). Returns 0 or a
 * negative errno from the kernel (logged with what unless what is NULL);
 * -EIO when the socket failed (always logged). */
int kroute_talk(struct kroute *kr, struct nl_msg *msg, kroute_reply_fn on_reply, void *arg,
		const char *what);

/* kroute_groups.c */
void kroute_nhg_open(struct kroute *kr);
/* Reads every nexthop object (the table starts over). A kroute_err. */
int kroute_nhg_dump(struct kroute *kr);
/* A dumped route of ours that carries RTA_NH_ID: its next hops from the
 * object, remembered as using it. 0, KROUTE_ERR_AGAIN (object unknown: the
 * dump raced), or KROUTE_ERR_NOMEM. */
int kroute_nhg_dumped_route(struct kroute *kr, uint32_t id, struct route *r);
/* The object op's route should point at (0: inline next hops), created if
 * needed; *skip when the route already points at one with these next hops. */
uint32_t kroute_nhg_prepare(struct kroute *kr, const struct route_op *op, bool *skip);
/* Groups all of whose routes move to one same set of next hops (say, a
 * peer gone or back) are changed in place, one request each: those
 * operations are settled (results[i] = 0, nh_ids[i] = the group). */
void kroute_nhg_move_groups(struct kroute *kr, const struct route_op *ops, size_t n, int *results,
			    uint32_t *nh_ids);
/* op succeeded with object id: the route now uses it. */
void kroute_nhg_commit(struct kroute *kr, const struct route_op *op, uint32_t id);
/* What we knew of the objects proved wrong: forget it, delete nothing
 * until the next dump counted the users again. */
void kroute_nhg_forget(struct kroute *kr);
/* Deletes our objects no route or group uses any more. */
void kroute_nhg_collect(struct kroute *kr);

#endif
