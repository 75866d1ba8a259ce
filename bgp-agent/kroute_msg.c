/* rtnetlink route messages: requests out, dumped routes and acks in. */
#include "kroute_msg.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/route/nexthop.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "kroute.h"
#include "log.h"

/* Header shared by every request for one route. */
static void fill_rtmsg(struct rtmsg *rtm, const struct route *r, uint32_t table, uint8_t protocol)
{
	memset(rtm, 0, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)r->dst.addr.family;
	rtm->rtm_dst_len = r->dst.len;
	/* Tables above 255 only fit in RTA_TABLE (always sent as well). */
	rtm->rtm_table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = protocol;
}

static const unsigned char route_type_rtn[] = {
	[ROUTE_UNICAST] = RTN_UNICAST,
	[ROUTE_UNREACHABLE] = RTN_UNREACHABLE,
	[ROUTE_BLACKHOLE] = RTN_BLACKHOLE,
};

/* Scope as the kernel itself would pick it: link for next hops that are
 * only an interface, universe for everything else. */
static unsigned char route_scope(const struct route *r)
{
	if (r->type == ROUTE_UNICAST && r->n_nh > 0 && r->nh[0].gw.family == 0)
		return RT_SCOPE_LINK;
	return RT_SCOPE_UNIVERSE;
}

int kroute_msg_nexthop_ifindex(const struct nexthop *nh, int *ifindex)
{
	*ifindex = nh->ifindex;
	if (*ifindex <= 0 && nh->ifname[0] != '\0') {
		*ifindex = (int)if_nametoindex(nh->ifname);
		if (*ifindex == 0) {
			log_warnx("kernel routes: no interface named \"%s\"", nh->ifname);
			return KROUTE_ERR_ARG;
		}
	}
	/* A link-local gateway means nothing without its link. */
	if (nh->gw.family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&nh->gw.u.v6) && *ifindex <= 0)
		return KROUTE_ERR_ARG;
	if (nh->gw.family == 0 && *ifindex <= 0)
		return KROUTE_ERR_ARG;
	return KROUTE_OK;
}

/* RTA_GATEWAY, or RTA_VIA for an IPv6 next hop of an IPv4 route (RFC 5549). */
static int put_gateway(struct nl_msg *msg, int dst_family, const struct ip_addr *gw)
{
	unsigned char via[sizeof(struct rtvia) + 16];
	struct rtvia *v = (struct rtvia *)via;

	if (gw->family == 0)
		return 0;
	if (gw->family == dst_family)
		return nla_put(msg, RTA_GATEWAY, (int)ip_addr_len(gw->family), gw->u.bytes);
	if (dst_family != AF_INET || gw->family != AF_INET6)
		return -NLE_INVAL;
	v->rtvia_family = AF_INET6;
	memcpy(v->rtvia_addr, gw->u.bytes, 16);
	return nla_put(msg, RTA_VIA, (int)sizeof(via), via);
}

static int put_single_nexthop(struct nl_msg *msg, const struct route *r)
{
	int ifindex, rc = kroute_msg_nexthop_ifindex(&r->nh[0], &ifindex);

	if (rc != KROUTE_OK)
		return rc;
	if (put_gateway(msg, r->dst.addr.family, &r->nh[0].gw) < 0 ||
	    (ifindex > 0 && nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex) < 0))
		return KROUTE_ERR_NOMEM;
	return KROUTE_OK;
}

/* RTA_MULTIPATH: one struct rtnexthop (+ its gateway attribute) per next hop. */
static int put_multipath(struct nl_msg *msg, const struct route *r)
{
	struct nlattr *mp = nla_nest_start(msg, RTA_MULTIPATH);

	if (mp == NULL)
		return KROUTE_ERR_NOMEM;
	for (size_t i = 0; i < r->n_nh; i++) {
		struct rtnexthop *rtnh;
		size_t off;
		int ifindex, rc = kroute_msg_nexthop_ifindex(&r->nh[i], &ifindex);

		if (rc != KROUTE_OK)
			return rc;
		rtnh = nlmsg_reserve(msg, sizeof(*rtnh), NLMSG_ALIGNTO);
		if (rtnh == NULL)
			return KROUTE_ERR_NOMEM;
		off = (size_t)((char *)rtnh - (char *)nlmsg_hdr(msg));
		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = ifindex > 0 ? ifindex : 0;
		if (put_gateway(msg, r->dst.addr.family, &r->nh[i].gw) < 0)
			return KROUTE_ERR_NOMEM;
		rtnh->rtnh_len = (unsigned short)(nlmsg_hdr(msg)->nlmsg_len - off);
	}
	nla_nest_end(msg, mp);
	return KROUTE_OK;
}

static int put_common(struct nl_msg *msg, const struct rtmsg *rtm, const struct route *r,
		      uint32_t table)
{
	if (nlmsg_append(msg, (void *)rtm, sizeof(*rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)ip_addr_len(r->dst.addr.family), r->dst.addr.u.bytes) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, table) < 0 || nla_put_u32(msg, RTA_PRIORITY, r->metric) < 0)
		return KROUTE_ERR_NOMEM;
	return KROUTE_OK;
}

static int build_replace(const struct route *r, uint32_t table, uint8_t protocol,
			 uint32_t nh_id, struct nl_msg *msg)
{
	struct rtmsg rtm;
	int rc;

	fill_rtmsg(&rtm, r, table, protocol);
	rtm.rtm_scope = route_scope(r);
	rtm.rtm_type = route_type_rtn[r->type];
	if ((rc = put_common(msg, &rtm, r, table)) != KROUTE_OK || r->type != ROUTE_UNICAST)
		return rc;
	if (r->n_nh == 0)
		return KROUTE_ERR_ARG;
	if (nh_id != 0)
		return nla_put_u32(msg, RTA_NH_ID, nh_id) < 0 ? KROUTE_ERR_NOMEM : KROUTE_OK;
	return r->n_nh == 1 ? put_single_nexthop(msg, r) : put_multipath(msg, r);
}

/* Delete names destination, table, metric and OUR protocol: the kernel then
 * refuses (ESRCH) to remove a route someone else owns. Any type, any next
 * hops, any scope (RT_SCOPE_NOWHERE is the wildcard). */
static int build_delete(const struct route *r, uint32_t table, uint8_t protocol,
			struct nl_msg *msg)
{
	struct rtmsg rtm;

	fill_rtmsg(&rtm, r, table, protocol);
	rtm.rtm_scope = RT_SCOPE_NOWHERE;
	rtm.rtm_type = RTN_UNSPEC;
	return put_common(msg, &rtm, r, table);
}

int kroute_msg_build(const struct route_op *op, uint32_t table, uint8_t protocol,
		     uint32_t nh_id, struct nl_msg **out)
{
	bool del = op->kind == ROUTE_OP_DELETE;
	/* An ADD is for a destination where we have no route: EXCL makes the
	 * kernel refuse (EEXIST) rather than overwrite another owner's route
	 * with the same destination and metric, which REPLACE would do. */
	int how = del ? 0 : op->kind == ROUTE_OP_ADD ? NLM_F_CREATE | NLM_F_EXCL
						     : NLM_F_CREATE | NLM_F_REPLACE;
	int flags = NLM_F_REQUEST | NLM_F_ACK | how;
	struct nl_msg *msg = nlmsg_alloc_simple(del ? RTM_DELROUTE : RTM_NEWROUTE, flags);
	int rc;

	*out = NULL;
	if (msg == NULL)
		return KROUTE_ERR_NOMEM;
	rc = del ? build_delete(op->route, table, protocol, msg)
		 : build_replace(op->route, table, protocol, nh_id, msg);
	if (rc != KROUTE_OK) {
		nlmsg_free(msg);
		return rc;
	}
	*out = msg;
	return KROUTE_OK;
}

struct nl_msg *kroute_msg_dump_request(int family, uint32_t table, uint8_t protocol)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)family,
		.rtm_table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC,
		.rtm_protocol = protocol,
	};

	if (msg == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, table) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* --- dumped routes ----------------------------------------------------- */

static void addr_from_nl(struct nl_addr *a, struct ip_addr *out)
{
	unsigned int len = nl_addr_get_len(a);

	memset(out, 0, sizeof(*out));
	out->family = nl_addr_get_family(a);
	memcpy(out->u.bytes, nl_addr_get_binary_addr(a), len < 16 ? len : 16);
}

/* Only where the interface is part of the route's identity (a link-local
 * gateway, or no gateway) is it kept: elsewhere the kernel picked it and the
 * desired routes do not name it. */
static void nexthop_from_nl(struct rtnl_nexthop *rnh, struct nexthop *nh)
{
	struct nl_addr *gw = rtnl_route_nh_get_gateway(rnh);

	memset(nh, 0, sizeof(*nh));
	if (gw == NULL)
		gw = rtnl_route_nh_get_via(rnh);
	if (gw != NULL)
		addr_from_nl(gw, &nh->gw);
	if (gw != NULL && !(nh->gw.family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&nh->gw.u.v6)))
		return;
	nh->ifindex = rtnl_route_nh_get_ifindex(rnh);
	if (nh->ifindex > 0 && if_indextoname((unsigned)nh->ifindex, nh->ifname) == NULL)
		nh->ifname[0] = '\0';
}

int kroute_msg_to_route(struct rtnl_route *rt, struct route *out)
{
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	int type = rtnl_route_get_type(rt);
	int n = rtnl_route_get_nnexthops(rt);

	memset(out, 0, sizeof(*out));
	if (dst == NULL)
		return -1;
	if (type == RTN_UNICAST)
		out->type = ROUTE_UNICAST;
	else if (type == RTN_UNREACHABLE)
		out->type = ROUTE_UNREACHABLE;
	else if (type == RTN_BLACKHOLE)
		out->type = ROUTE_BLACKHOLE;
	else
		return -1;
	addr_from_nl(dst, &out->dst.addr);
	out->dst.len = (uint8_t)nl_addr_get_prefixlen(dst);
	out->metric = rtnl_route_get_priority(rt);
	for (int i = 0; out->type == ROUTE_UNICAST && i < n && out->n_nh < ROUTE_MAX_NEXTHOPS; i++)
		nexthop_from_nl(rtnl_route_nexthop_n(rt, i), &out->nh[out->n_nh++]);
	return 0;
}

int kroute_msg_route_key(struct nlmsghdr *h, struct prefix *dst, uint32_t *metric)
{
	const struct rtmsg *rtm = nlmsg_data(h);
	struct nlattr *d, *m;
	size_t alen;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return -1;
	alen = ip_addr_len(rtm->rtm_family);
	d = nlmsg_find_attr(h, sizeof(*rtm), RTA_DST);
	m = nlmsg_find_attr(h, sizeof(*rtm), RTA_PRIORITY);
	memset(dst, 0, sizeof(*dst));
	dst->addr.family = rtm->rtm_family;
	dst->len = rtm->rtm_dst_len;
	if (d != NULL && nla_len(d) == (int)alen)
		memcpy(dst->addr.u.bytes, nla_data(d), alen);
	*metric = m != NULL && nla_len(m) == 4 ? nla_get_u32(m) : 0;
	return 0;
}

/* --- acknowledgements -------------------------------------------------- */

int kroute_msg_ack_error(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = nlmsg_data(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	return e->error;
}

/* The kernel's explanation (NLMSGERR_ATTR_MSG), or NULL. */
const char *kroute_msg_ext_ack(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = nlmsg_data(h);
	size_t off = sizeof(*e), total;
	struct nlattr *msg;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || h->nlmsg_len < NLMSG_LENGTH(off))
		return NULL;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	total = h->nlmsg_len - NLMSG_HDRLEN;
	if (off >= total)
		return NULL;
	msg = nla_find((const struct nlattr *)((const char *)e + off), (int)(total - off),
		       NLMSGERR_ATTR_MSG);
	return msg ? nla_get_string(msg) : NULL;
}

void kroute_msg_log_failure(const struct route_op *op, int err, const struct nlmsghdr *ack)
{
	static const char *const verbs[] = { "add", "replace", "delete" };
	const char *why = ack ? strerror(-err) : kroute_strerror(err);
	const char *ext = ack ? kroute_msg_ext_ack(ack) : NULL;
	char buf[ROUTE_STRLEN];

	if (ack && err == -EEXIST && op->kind == ROUTE_OP_ADD)
		ext = "a route of another owner has this destination and metric; left alone";
	log_warnx("kernel routes: %s %s: %s%s%s", verbs[op->kind],
		  route_format(op->route, buf, sizeof(buf)), why, ext ? ": " : "", ext ? ext : "");
}
