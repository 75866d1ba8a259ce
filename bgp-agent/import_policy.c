/* The agent's own import check (defence in depth behind FRR's route-maps). */
#include "import_policy.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static uint8_t node_mask(const struct agent_config *cfg, int family)
{
	return family == AF_INET ? cfg->cluster.node_mask_v4 : cfg->cluster.node_mask_v6;
}

static bool inside_cluster(const struct agent_config *cfg, const struct prefix *dst)
{
	for (size_t i = 0; i < cfg->cluster.n_pod_cidrs; i++)
		if (prefix_contains(&cfg->cluster.pod_cidrs[i], dst))
			return true;
	return false;
}

/* The node's own pod CIDR overlapping dst, or NULL. */
static const struct prefix *own_overlap(const struct agent_config *cfg, const struct prefix *dst)
{
	for (size_t i = 0; i < cfg->node.n_pod_cidrs; i++)
		if (prefix_overlaps(&cfg->node.pod_cidrs[i], dst))
			return &cfg->node.pod_cidrs[i];
	return NULL;
}

bool import_policy_prefix_ok(const struct agent_config *cfg, const struct prefix *dst,
			     char *reason, size_t len)
{
	char p[PREFIX_STRLEN], o[PREFIX_STRLEN];
	const struct prefix *own;

	prefix_format(dst, p, sizeof(p));
	if (prefix_is_default(dst))
		snprintf(reason, len, "%s is a default route", p);
	else if (prefix_has_host_bits(dst))
		snprintf(reason, len, "%s has host bits set", p);
	else if (!inside_cluster(cfg, dst))
		snprintf(reason, len, "%s is outside the cluster pod CIDRs", p);
	else if (dst->len != node_mask(cfg, dst->addr.family))
		snprintf(reason, len, "%s is not a node pod CIDR (length /%u, node mask /%u)", p,
			 dst->len, node_mask(cfg, dst->addr.family));
	else if ((own = own_overlap(cfg, dst)) != NULL)
		snprintf(reason, len, "%s overlaps this node's own pod CIDR %s", p,
			 prefix_format(own, o, sizeof(o)));
	else
		return true;
	return false;
}

static bool ip_is_unspecified(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->u.bytes, zero, ip_addr_len(a->family)) == 0;
}

static bool ip_is_loopback_or_multicast(const struct ip_addr *a)
{
	if (a->family == AF_INET) {
		uint8_t first = a->u.bytes[0];

		/* loopback, multicast, class E and broadcast */
		return first == 127 || first >= 224;
	}
	return IN6_IS_ADDR_LOOPBACK(&a->u.v6) || IN6_IS_ADDR_MULTICAST(&a->u.v6) ||
	       IN6_IS_ADDR_V4MAPPED(&a->u.v6);
}

/* Why the gateway is unusable, or NULL when it is fine. */
static const char *gateway_problem(const struct agent_config *cfg, int dst_family,
				   const struct nexthop *nh)
{
	const struct ip_addr *gw = &nh->gw;

	if (gw->family != AF_INET && gw->family != AF_INET6)
		return "has no gateway";
	if (dst_family == AF_INET6 && gw->family == AF_INET)
		return "is IPv4 for an IPv6 destination";
	if (ip_is_unspecified(gw))
		return "is unspecified";
	if (ip_is_loopback_or_multicast(gw))
		return "is loopback, multicast or reserved";
	if (ip_addr_equal(gw, &cfg->node.address))
		return "is this node's own address";
	if (prefix_find_containing(cfg->node.pod_cidrs, cfg->node.n_pod_cidrs, gw) != NULL)
		return "is inside this node's own pod CIDR";
	if (gw->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&gw->u.v6) && nh->ifname[0] == '\0' &&
	    nh->ifindex <= 0)
		return "is link-local without an interface";
	return NULL;
}

bool import_policy_nexthop_ok(const struct agent_config *cfg, int dst_family,
			      const struct nexthop *nh, char *reason, size_t len)
{
	const char *why = gateway_problem(cfg, dst_family, nh);
	char gw[INET6_ADDRSTRLEN] = "";

	if (why == NULL)
		return true;
	if (nh->gw.family != 0)
		ip_addr_format(&nh->gw, gw, sizeof(gw));
	snprintf(reason, len, "next hop \"%s\" %s", gw, why);
	return false;
}

/* Keeps the acceptable next hops; reason names the first one dropped. */
static size_t filter_nexthops(const struct agent_config *cfg, struct route *r, char *reason,
			      size_t len)
{
	size_t kept = 0, dropped = 0;
	char why[IMPORT_REASON_MAX];

	for (size_t i = 0; i < r->n_nh; i++) {
		if (import_policy_nexthop_ok(cfg, r->dst.addr.family, &r->nh[i], why, sizeof(why))) {
			r->nh[kept++] = r->nh[i];
			continue;
		}
		if (dropped++ == 0)
			snprintf(reason, len, "%s", why);
	}
	r->n_nh = kept;
	return dropped;
}

enum import_verdict import_policy_apply(const struct agent_config *cfg, struct route *r,
					char *reason, size_t len)
{
	char why[IMPORT_REASON_MAX] = "";
	size_t dropped;

	if (len > 0)
		reason[0] = '\0';
	if (!import_policy_prefix_ok(cfg, &r->dst, reason, len))
		return IMPORT_REJECT;
	if (r->type != ROUTE_UNICAST || r->n_nh == 0) {
		snprintf(reason, len, "learned route without a next hop");
		return IMPORT_REJECT;
	}
	dropped = filter_nexthops(cfg, r, why, sizeof(why));
	if (r->n_nh == 0) {
		snprintf(reason, len, "no acceptable next hop: %s", why);
		return IMPORT_REJECT;
	}
	if (dropped == 0)
		return IMPORT_ACCEPT;
	snprintf(reason, len, "%zu next hop(s) dropped: %s", dropped, why);
	return IMPORT_ACCEPT_PARTIAL;
}
