/* Route and link events: tells the daemon when a reconcile is due. */
#include <errno.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>

#include "kroute.h"
#include "kroute_msg.h"
#include "kroute_nhg_msg.h"
#include "kroute_priv.h"
#include "log.h"

/* linux/if.h has it but clashes with net/if.h. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
#define LINK_STATE_FLAGS (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

/* Last seen up/running flags per interface, to ignore link messages that
 * change nothing we care about (statistics, addresses, MTU ...). */
struct link_state {
	int ifindex;
	unsigned flags;
};

struct kroute_monitor {
	struct nl_sock *sk;
	uint32_t table;
	uint8_t protocol;
	struct link_state *links;
	size_t n_links, cap_links;
	bool (*watch)(void *arg, const struct prefix *dst); /* routes of other owners */
	void *watch_arg;
	struct kroute *kr; /* its nexthop objects, when known (kroute_monitor_use) */
};

static struct link_state *link_insert(struct kroute_monitor *m, int ifindex);

/* The links as they are now, so the first event of a link already down (or
 * up) compares against the truth. Called after subscribing: an event racing
 * with this dump is compared against state at least as new as itself. */
static int seed_links(struct kroute_monitor *m)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int rc = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;

	if (rc == 0)
		rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
	for (o = rc == 0 ? nl_cache_get_first(cache) : NULL; o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		struct link_state *st = link_insert(m, rtnl_link_get_ifindex(l));

		if (st == NULL) {
			rc = -NLE_NOMEM;
			break;
		}
		st->flags = rtnl_link_get_flags(l) & LINK_STATE_FLAGS;
	}
	if (rc < 0)
		log_warnx("kernel routes: reading the links: %s", nl_geterror(rc));
	if (cache != NULL)
		nl_cache_free(cache);
	if (sk != NULL)
		nl_socket_free(sk);
	return rc;
}

int kroute_monitor_open(struct kroute_monitor **out, uint32_t table, uint8_t protocol)
{
	struct kroute_monitor *m = calloc(1, sizeof(*m));
	int rc;

	*out = NULL;
	if (m == NULL || (m->sk = nl_socket_alloc()) == NULL) {
		kroute_monitor_close(m);
		return KROUTE_ERR_NOMEM;
	}
	nl_socket_disable_seq_check(m->sk);
	if ((rc = nl_connect(m->sk, NETLINK_ROUTE)) < 0 ||
	    (rc = nl_socket_add_memberships(m->sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
					    RTNLGRP_LINK, RTNLGRP_NEXTHOP, 0)) < 0 ||
	    (rc = nl_socket_set_nonblocking(m->sk)) < 0) {
		log_warnx("kernel routes: cannot open the event monitor: %s", nl_geterror(rc));
		kroute_monitor_close(m);
		return KROUTE_ERR_SOCKET;
	}
	kroute_sock_tune(m->sk);
	m->table = table;
	m->protocol = protocol;
	if (seed_links(m) < 0) {
		kroute_monitor_close(m);
		return KROUTE_ERR_SOCKET;
	}
	*out = m;
	return KROUTE_OK;
}

void kroute_monitor_close(struct kroute_monitor *m)
{
	if (m == NULL)
		return;
	if (m->sk != NULL)
		nl_socket_free(m->sk);
	free(m->links);
	free(m);
}

void kroute_monitor_use(struct kroute_monitor *m, struct kroute *kr)
{
	m->kr = kr;
}

int kroute_monitor_fd(const struct kroute_monitor *m)
{
	return nl_socket_get_fd(m->sk);
}

static uint32_t route_table(struct nlmsghdr *h, const struct rtmsg *rtm)
{
	struct nlattr *t = nlmsg_find_attr(h, sizeof(*rtm), RTA_TABLE);

	return t ? nla_get_u32(t) : rtm->rtm_table;
}

/* One of our routes as the kernel now has it: our own additions and
 * replacements are what we installed and not news; anything else (`ip route
 * replace ... proto 52` with another next hop) is repaired like a deletion. */
static bool own_route_differs(struct nlmsghdr *h, const struct route_set *ours)
{
	struct rtnl_route *rt = NULL;
	struct route r;
	bool differs = true;

	if (ours == NULL || rtnl_route_parse(h, &rt) < 0)
		return ours != NULL;
	if (kroute_msg_to_route(rt, &r) == 0) {
		route_canonicalize(&r);
		differs = !route_set_contains(ours, &r);
	}
	rtnl_route_put(rt);
	return differs;
}

/* A route of ours through nexthop object id: kroute knows which object each
 * of its routes points at (cheaper than comparing next hops, and right also
 * when the kernel does not repeat them, nexthop_compat_mode = 0). */
static bool points_where_we_put_it(struct kroute *kr, struct nlmsghdr *h, uint32_t id)
{
	struct prefix dst;
	uint32_t metric;

	return kroute_msg_route_key(h, &dst, &metric) == 0 &&
	       nhg_route_get(&kr->nhg, &dst, metric) == id;
}

static bool same_object(const struct nhg_obj *a, const struct nhg_obj *b)
{
	if (a->is_group != b->is_group)
		return false;
	if (a->is_group)
		return a->n_members == b->n_members &&
		       memcmp(a->members, b->members, a->n_members * sizeof(a->members[0])) == 0;
	return ip_addr_equal(&a->nh.gw, &b->nh.gw) && a->nh.ifindex == b->nh.ifindex;
}

/* A nexthop object of our protocol deleted (by someone else, when kroute
 * still counts on it; by anyone, when the monitor does not know kroute) or
 * changed to something kroute did not make it. */
static bool nexthop_event_matters(struct kroute_monitor *m, struct nlmsghdr *h)
{
	const struct nhmsg *nhm = nlmsg_data(h);
	struct nhg_obj got, *have;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*nhm)) || nhm->nh_protocol != m->protocol)
		return false;
	if (m->kr == NULL)
		return h->nlmsg_type == RTM_DELNEXTHOP;
	have = nhg_find(&m->kr->nhg, nhg_msg_id(h));
	if (have == NULL || !have->ours)
		return false;
	return h->nlmsg_type == RTM_DELNEXTHOP || nhg_msg_parse(h, m->protocol, &got) < 0 ||
	       !same_object(have, &got);
}

/* Ours deleted (by anyone: a reconcile restores what is still wanted), ours
 * changed by someone else, or a route of another owner that replaced one in
 * our table. */
/* A deletion is news while the route is one we still hold (someone else
 * deleted it); our own deletions have left ours already (NULL: any is). */
static bool own_route_held(struct nlmsghdr *h, const struct route_set *ours)
{
	const struct route *r, *end;
	struct prefix dst;
	uint32_t metric;

	if (ours == NULL || kroute_msg_route_key(h, &dst, &metric) != 0)
		return true;
	end = ours->routes + ours->n;
	for (r = route_set_find(ours, &dst); r != NULL && r < end && prefix_equal(&r->dst, &dst); r++)
		if (r->metric == metric)
			return true;
	return false;
}

static bool route_event_matters(struct kroute_monitor *m, struct nlmsghdr *h,
				const struct route_set *ours)
{
	const struct rtmsg *rtm = nlmsg_data(h);
	uint32_t id;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) || route_table(h, rtm) != m->table)
		return false;
	if (rtm->rtm_protocol == m->protocol) {
		if (h->nlmsg_type == RTM_DELROUTE)
			return own_route_held(h, ours);
		if (m->kr != NULL && (id = nhg_msg_route_nh_id(h)) != 0)
			return !points_where_we_put_it(m->kr, h, id);
		return own_route_differs(h, ours);
	}
	return h->nlmsg_type == RTM_NEWROUTE && (h->nlmsg_flags & NLM_F_REPLACE);
}

void kroute_monitor_watch_others(struct kroute_monitor *m,
				 bool (*watch)(void *arg, const struct prefix *dst), void *arg)
{
	m->watch = watch;
	m->watch_arg = arg;
}

/* A route of another owner in our table, which may resolve a next hop. */
static bool other_route_matters(struct kroute_monitor *m, struct nlmsghdr *h)
{
	const struct rtmsg *rtm = nlmsg_data(h);
	struct prefix dst = { .addr.family = rtm->rtm_family, .len = rtm->rtm_dst_len };
	struct nlattr *a;

	if (m->watch == NULL || h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    rtm->rtm_protocol == m->protocol || route_table(h, rtm) != m->table ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return false;
	a = nlmsg_find_attr(h, sizeof(*rtm), RTA_DST);
	if (a != NULL && (size_t)nla_len(a) == ip_addr_len(rtm->rtm_family))
		memcpy(dst.addr.u.bytes, nla_data(a), ip_addr_len(rtm->rtm_family));
	else
		dst.len = 0; /* the default route */
	return m->watch(m->watch_arg, &dst);
}

static struct link_state *link_find(struct kroute_monitor *m, int ifindex)
{
	for (size_t i = 0; i < m->n_links; i++)
		if (m->links[i].ifindex == ifindex)
			return &m->links[i];
	return NULL;
}

static struct link_state *link_insert(struct kroute_monitor *m, int ifindex)
{
	if (m->n_links == m->cap_links) {
		size_t cap = m->cap_links ? m->cap_links * 2 : 16;
		struct link_state *v = realloc(m->links, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		m->links = v;
		m->cap_links = cap;
	}
	m->links[m->n_links] = (struct link_state){ ifindex, 0 };
	return &m->links[m->n_links++];
}

/* A link went away, or its up/running state differs from the last seen
 * (links created after opening start as down, so a new link that is up
 * matters). */
static bool link_event_matters(struct kroute_monitor *m, struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = nlmsg_data(h);
	struct link_state *l;
	unsigned flags;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return false;
	l = link_find(m, ifi->ifi_index);
	if (h->nlmsg_type == RTM_DELLINK) {
		if (l != NULL)
			*l = m->links[--m->n_links];
		return true;
	}
	flags = ifi->ifi_flags & LINK_STATE_FLAGS;
	if (l == NULL && (l = link_insert(m, ifi->ifi_index)) == NULL)
		return true; /* cannot track it: assume it matters */
	if (l->flags == flags)
		return false;
	l->flags = flags;
	return true;
}

static void classify(struct kroute_monitor *m, struct nlmsghdr *h, const struct route_set *ours,
		     bool *routes, bool *links)
{
	switch (h->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (other_route_matters(m, h) || (!*routes && route_event_matters(m, h, ours)))
			*routes = true;
		break;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		if (!*routes && nexthop_event_matters(m, h))
			*routes = true;
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (link_event_matters(m, h))
			*links = true;
		break;
	default:
		break;
	}
}

int kroute_monitor_drain(struct kroute_monitor *m, const struct route_set *ours,
			 bool *routes_changed, bool *links_changed)
{
	for (;;) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		struct nlmsghdr *h;
		int len = nl_recv(m->sk, &peer, &buf, NULL);

		if (len == -NLE_AGAIN || len == 0) {
			free(buf);
			return KROUTE_OK;
		}
		if (len == -NLE_NOMEM || len == -NLE_MSG_OVERFLOW) {
			/* ENOBUFS: events were lost; only a full resync is safe. */
			log_info("kernel routes: event monitor overflowed; resyncing");
			*routes_changed = *links_changed = true;
			free(buf);
			continue;
		}
		if (len < 0) {
			log_warnx("kernel routes: event monitor: %s", nl_geterror(len));
			free(buf);
			return KROUTE_ERR_SOCKET;
		}
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			classify(m, h, ours, routes_changed, links_changed);
		free(buf);
	}
}
