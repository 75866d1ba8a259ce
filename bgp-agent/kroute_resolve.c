/* Nexthop tracking: reads the routes of other owners in our table. */
#include "kroute_resolve.h"

#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <stdlib.h>

#include "kroute.h"
#include "kroute_msg.h"
#include "log.h"

#define DUMP_ATTEMPTS 3

struct kroute_resolve {
	struct route_resolver rs;
	uint32_t table;
	bool stale; /* read the kernel before the next resolve */
};

int kroute_resolve_open(struct kroute_resolve **out, uint32_t table, uint8_t protocol)
{
	struct kroute_resolve *kres = calloc(1, sizeof(*kres));

	*out = kres;
	if (kres == NULL)
		return KROUTE_ERR_NOMEM;
	route_resolver_init(&kres->rs, protocol);
	kres->table = table;
	kres->stale = true;
	return KROUTE_OK;
}

void kroute_resolve_close(struct kroute_resolve *kres)
{
	if (kres == NULL)
		return;
	route_resolver_free(&kres->rs);
	free(kres);
}

void kroute_resolve_invalidate(struct kroute_resolve *kres)
{
	kres->stale = true;
	route_resolver_forget(&kres->rs);
}

bool kroute_resolve_route_changed(void *arg, const struct prefix *dst)
{
	struct kroute_resolve *kres = arg;

	kres->stale = true;
	return route_resolver_covers(&kres->rs, dst);
}

struct read_ctx {
	struct kroute_resolve *kres;
	int rc;
};

static int on_route(struct nl_msg *msg, void *arg)
{
	struct read_ctx *c = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct rtmsg *rtm = nlmsg_data(h);
	struct rtnl_route *rt = NULL;
	struct route r;

	/* Our own routes (possibly 100,000 of them) are skipped unparsed. */
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    rtm->rtm_protocol == c->kres->rs.own_protocol || rtnl_route_parse(h, &rt) < 0)
		return NL_SKIP;
	if (rtnl_route_get_table(rt) == c->kres->table && kroute_msg_to_route(rt, &r) == 0 &&
	    route_resolver_add(&c->kres->rs, &r, rtnl_route_get_protocol(rt)) < 0)
		c->rc = -NLE_NOMEM;
	rtnl_route_put(rt);
	return NL_OK;
}

/* One family; -NLE_DUMP_INTR when the table changed while being read. */
static int read_family(struct nl_sock *sk, struct kroute_resolve *kres, int family)
{
	struct read_ctx c = { kres, 0 };
	/* Protocol 0: every owner (the kernel filters by table only). */
	struct nl_msg *msg = kroute_msg_dump_request(family, kres->table, 0);
	int rc;

	if (msg == NULL)
		return -NLE_NOMEM;
	rc = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (rc >= 0) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_route, &c);
		rc = nl_recvmsgs_default(sk);
	}
	return rc < 0 ? rc : c.rc;
}

/* 0, or a negative libnl error (logged). */
static int read_table(struct kroute_resolve *kres)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc = sk != NULL ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;

	for (int i = 0; rc == 0 && i < DUMP_ATTEMPTS; i++) {
		route_resolver_clear(&kres->rs);
		rc = read_family(sk, kres, AF_INET);
		if (rc == 0)
			rc = read_family(sk, kres, AF_INET6);
		if (rc != -NLE_DUMP_INTR || i + 1 == DUMP_ATTEMPTS)
			break;
		rc = 0;
	}
	if (rc < 0)
		log_warnx("routes: reading table %u to resolve next hops: %s", kres->table,
			  nl_geterror(rc));
	if (sk != NULL)
		nl_socket_free(sk);
	return rc;
}

int kroute_resolve_apply(struct kroute_resolve *kres, struct route_set *desired,
			 struct rejected_set *rejected, size_t max_nh)
{
	if (kres->stale && read_table(kres) == 0) {
		kres->stale = false;
		log_debug("routes: %zu routes of other owners in table %u resolve next hops",
			  kres->rs.n, kres->table);
	}
	return route_resolve_set(&kres->rs, desired, rejected, max_nh);
}
