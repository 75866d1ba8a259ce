/* Nexthop-object messages, built by hand like kroute_msg.c's route requests. */
#include "kroute_nhg_msg.h"

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <string.h>
#include <sys/socket.h>

static struct nl_msg *nhmsg_new(int type, int flags, int family, uint8_t protocol)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | flags);
	struct nhmsg nhm = { .nh_family = (unsigned char)family, .nh_protocol = protocol };

	if (msg != NULL && nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_group(struct nl_msg *msg, const struct nhg_obj *o)
{
	struct nexthop_grp grp[ROUTE_MAX_NEXTHOPS];

	memset(grp, 0, sizeof(grp));
	for (size_t i = 0; i < o->n_members; i++)
		grp[i].id = o->members[i];
	return nla_put(msg, NHA_GROUP, (int)(o->n_members * sizeof(grp[0])), grp);
}

static int put_member(struct nl_msg *msg, const struct nhg_obj *o)
{
	if (nla_put_u32(msg, NHA_OIF, (uint32_t)o->nh.ifindex) < 0)
		return -1;
	return nla_put(msg, NHA_GATEWAY, (int)ip_addr_len(o->nh.gw.family), o->nh.gw.u.bytes);
}

static struct nl_msg *new_object(const struct nhg_obj *o, uint8_t protocol, int how)
{
	int family = o->is_group ? AF_UNSPEC : o->nh.gw.family;
	struct nl_msg *msg = nhmsg_new(RTM_NEWNEXTHOP, how | NLM_F_ACK, family, protocol);

	if (msg == NULL)
		return NULL;
	if (nla_put_u32(msg, NHA_ID, o->id) < 0 ||
	    (o->is_group ? put_group(msg, o) : put_member(msg, o)) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *nhg_msg_create(const struct nhg_obj *o, uint8_t protocol)
{
	return new_object(o, protocol, NLM_F_CREATE | NLM_F_EXCL);
}

struct nl_msg *nhg_msg_replace(const struct nhg_obj *group, uint8_t protocol)
{
	return new_object(group, protocol, NLM_F_REPLACE);
}

struct nl_msg *nhg_msg_delete(uint32_t id)
{
	struct nl_msg *msg = nhmsg_new(RTM_DELNEXTHOP, NLM_F_ACK, AF_UNSPEC, 0);

	if (msg != NULL && nla_put_u32(msg, NHA_ID, id) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *nhg_msg_dump_request(void)
{
	return nhmsg_new(RTM_GETNEXTHOP, NLM_F_DUMP, AF_UNSPEC, 0);
}

static bool attr_ok(const struct nlattr *a, int len)
{
	return a != NULL && nla_len(a) == len;
}

static int parse_group(const struct nlattr *a, struct nhg_obj *out)
{
	const struct nexthop_grp *g = nla_data(a);
	size_t n = (size_t)nla_len(a) / sizeof(*g);

	if (nla_len(a) % (int)sizeof(*g) != 0 || n == 0 || n > ROUTE_MAX_NEXTHOPS)
		return -1;
	out->is_group = true;
	out->n_members = n;
	for (size_t i = 0; i < n; i++)
		out->members[i] = g[i].id;
	/* Kept sorted: sets compare by their member ids. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out->members[j - 1] > out->members[j]; j--) {
			uint32_t x = out->members[j];

			out->members[j] = out->members[j - 1];
			out->members[j - 1] = x;
		}
	return 0;
}

static int parse_member(struct nlattr **tb, int family, struct nhg_obj *out)
{
	size_t alen = family == AF_INET || family == AF_INET6 ? ip_addr_len(family) : 0;

	if (alen == 0 || !attr_ok(tb[NHA_OIF], 4) || !attr_ok(tb[NHA_GATEWAY], (int)alen))
		return -1;
	out->nh.gw.family = family;
	memcpy(out->nh.gw.u.bytes, nla_data(tb[NHA_GATEWAY]), alen);
	out->nh.ifindex = (int)nla_get_u32(tb[NHA_OIF]);
	if (if_indextoname((unsigned)out->nh.ifindex, out->nh.ifname) == NULL)
		out->nh.ifname[0] = '\0';
	return 0;
}

int nhg_msg_parse(struct nlmsghdr *h, uint8_t protocol, struct nhg_obj *out)
{
	struct nlattr *tb[NHA_MAX + 1];
	const struct nhmsg *nhm = nlmsg_data(h);

	memset(out, 0, sizeof(*out));
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*nhm)) ||
	    nlmsg_parse(h, sizeof(*nhm), tb, NHA_MAX, NULL) < 0 || !attr_ok(tb[NHA_ID], 4))
		return -1;
	out->id = nla_get_u32(tb[NHA_ID]);
	out->ours = nhm->nh_protocol == protocol;
	if (tb[NHA_BLACKHOLE] || tb[NHA_FDB] || tb[NHA_ENCAP] || tb[NHA_RES_GROUP] ||
	    (tb[NHA_GROUP_TYPE] && nla_get_u16(tb[NHA_GROUP_TYPE]) != NEXTHOP_GRP_TYPE_MPATH))
		return -1;
	if (tb[NHA_GROUP] != NULL)
		return parse_group(tb[NHA_GROUP], out);
	return parse_member(tb, nhm->nh_family, out);
}

uint32_t nhg_msg_id(struct nlmsghdr *h)
{
	struct nlattr *a;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nhmsg)))
		return 0;
	a = nlmsg_find_attr(h, sizeof(struct nhmsg), NHA_ID);
	return attr_ok(a, 4) ? nla_get_u32(a) : 0;
}

uint32_t nhg_msg_route_nh_id(struct nlmsghdr *h)
{
	struct nlattr *a;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return 0;
	a = nlmsg_find_attr(h, sizeof(struct rtmsg), RTA_NH_ID);
	return attr_ok(a, 4) ? nla_get_u32(a) : 0;
}

struct nl_msg *nhg_msg_lookup_request(const struct ip_addr *gw)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)gw->family,
		.rtm_dst_len = (unsigned char)ip_addr_bits(gw->family),
	};

	if (msg == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)ip_addr_len(gw->family), gw->u.bytes) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int nhg_msg_lookup_oif(struct nlmsghdr *h)
{
	struct nlattr *a;

	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return 0;
	a = nlmsg_find_attr(h, sizeof(struct rtmsg), RTA_OIF);
	return attr_ok(a, 4) ? (int)nla_get_u32(a) : 0;
}
