#include "addr_route.h"

#include <linux/if_addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <string.h>
#include <sys/socket.h>

#include "nl_conn.h"

static struct nl_addr *to_nl(const struct ip_addr *a, unsigned plen)
{
	struct nl_addr *n = nl_addr_build(a->family, a->u.bytes, ip_addr_len(a->family));

	if (n != NULL)
		nl_addr_set_prefixlen(n, (int)plen);
	return n;
}

static struct rtnl_addr *build_addr(int ifindex, const struct ip_addr *a, unsigned plen)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = to_nl(a, plen);

	if (ra == NULL || local == NULL) {
		rtnl_addr_put(ra);
		nl_addr_put(local);
		return NULL;
	}
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, a->family);
	rtnl_addr_set_local(ra, local);
	nl_addr_put(local);
	return ra;
}

int addr_add(struct nl_sock *sk, int ifindex, const struct ip_addr *a, unsigned plen,
	     int flags, struct cni_err *err)
{
	struct rtnl_addr *ra = build_addr(ifindex, a, plen);
	char buf[INET6_ADDRSTRLEN];
	int rc;

	if (ra == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "address");
	if ((flags & ADDR_NODAD) && a->family == AF_INET6)
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
	rc = rtnl_addr_add(sk, ra, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_addr_put(ra);
	if (rc == -NLE_EXIST && (flags & ADDR_TOLERATE_EXIST))
		return 1;
	if (rc < 0)
		return nl_conn_error(err, rc, "adding address %s/%u to link %d",
				     ip_addr_format(a, buf, sizeof(buf)), plen, ifindex);
	return 0;
}

int addr_del(struct nl_sock *sk, int ifindex, const struct ip_addr *a, unsigned plen,
	     struct cni_err *err)
{
	struct rtnl_addr *ra = build_addr(ifindex, a, plen);
	int rc;

	if (ra == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "address");
	rc = rtnl_addr_delete(sk, ra, 0);
	rtnl_addr_put(ra);
	if (rc < 0 && rc != -NLE_NOADDR && rc != -NLE_OBJ_NOTFOUND)
		return nl_conn_error(err, rc, "deleting address on link %d", ifindex);
	return 0;
}

static void from_nl(struct nl_addr *n, struct prefix *out)
{
	size_t len;

	memset(out, 0, sizeof(*out));
	if (n == NULL)
		return;
	out->addr.family = nl_addr_get_family(n);
	len = nl_addr_get_len(n);
	if (len > sizeof(out->addr.u.bytes))
		len = sizeof(out->addr.u.bytes);
	memcpy(out->addr.u.bytes, nl_addr_get_binary_addr(n), len);
	out->len = (uint8_t)nl_addr_get_prefixlen(n);
}

int addr_list(struct nl_sock *sk, int ifindex, int family, struct prefix *out, int max,
	      struct cni_err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int rc = rtnl_addr_alloc_cache(sk, &cache), n = 0;

	if (rc < 0)
		return nl_conn_error(err, rc, "listing addresses");
	for (o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(ra) != ifindex || rtnl_addr_get_family(ra) != family ||
		    rtnl_addr_get_scope(ra) != RT_SCOPE_UNIVERSE)
			continue;
		if (n < max)
			from_nl(rtnl_addr_get_local(ra), &out[n]);
		n++;
	}
	nl_cache_free(cache);
	return n < max ? n : max;
}

int route_add(struct nl_sock *sk, int ifindex, const struct prefix *dst,
	      const struct ip_addr *gw, struct cni_err *err)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = to_nl(&dst->addr, dst->len), *g = NULL;
	char buf[PREFIX_STRLEN];
	int rc = -NLE_NOMEM;

	if (r == NULL || nh == NULL || d == NULL)
		goto out;
	rtnl_route_set_family(r, dst->addr.family);
	rtnl_route_set_dst(r, d);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_BOOT);
	rtnl_route_set_scope(r, gw != NULL ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (gw != NULL) {
		g = to_nl(gw, ip_addr_bits(gw->family));
		if (g == NULL)
			goto out;
		rtnl_route_nh_set_gateway(nh, g);
	}
	rtnl_route_add_nexthop(r, nh);
	nh = NULL; /* owned by the route now */
	rc = rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_EXCL);
	if (rc == -NLE_EXIST)
		rc = 0;
out:
	if (nh != NULL) /* rtnl_route_nh_free() is not NULL-safe */
		rtnl_route_nh_free(nh);
	rtnl_route_put(r);
	nl_addr_put(d);
	nl_addr_put(g);
	if (rc < 0)
		return nl_conn_error(err, rc, "adding route %s",
				     prefix_format(dst, buf, sizeof(buf)));
	return 0;
}

static bool route_matches(struct rtnl_route *r, const struct prefix *dst,
			  const struct ip_addr *gw)
{
	struct prefix p;
	struct rtnl_nexthop *nh;
	struct nl_addr *g;

	if (rtnl_route_get_table(r) != RT_TABLE_MAIN)
		return false;
	from_nl(rtnl_route_get_dst(r), &p);
	if (p.addr.family == 0) /* a default route has no dst bytes */
		p.addr.family = rtnl_route_get_family(r);
	if (!prefix_equal(&p, dst))
		return false;
	if (gw == NULL)
		return true;
	nh = rtnl_route_nexthop_n(r, 0);
	g = nh != NULL ? rtnl_route_nh_get_gateway(nh) : NULL;
	return g != NULL && memcmp(nl_addr_get_binary_addr(g), gw->u.bytes,
				   ip_addr_len(gw->family)) == 0;
}

int route_exists(struct nl_sock *sk, const struct prefix *dst, const struct ip_addr *gw,
		 struct cni_err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int rc = rtnl_route_alloc_cache(sk, dst->addr.family, 0, &cache), found = 0;

	if (rc < 0)
		return nl_conn_error(err, rc, "listing routes");
	for (o = nl_cache_get_first(cache); o != NULL && !found; o = nl_cache_get_next(o))
		found = route_matches((struct rtnl_route *)o, dst, gw);
	nl_cache_free(cache);
	return found;
}
