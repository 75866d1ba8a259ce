/* The BGP UPDATE inside a Route Monitoring message (RFC 4271 section 4.3):
 * withdrawn routes, path attributes (NEXT_HOP, MP_REACH_NLRI and
 * MP_UNREACH_NLRI of RFC 4760, with RFC 8950/5549 IPv6 next hops for IPv4),
 * NLRI, and End-of-RIB (RFC 4724). Only what the station reports is read; the
 * other attributes are skipped by their (bounded) length. */
#include "bmp_msg.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bmp_cursor.h"

#define ATTR_FLAG_EXTENDED 0x10
#define ATTR_NEXT_HOP 3
#define ATTR_MP_REACH 14
#define ATTR_MP_UNREACH 15
#define AFI_IPV4 1
#define AFI_IPV6 2
#define SAFI_UNICAST 1

/* An MP_REACH_NLRI or MP_UNREACH_NLRI attribute, split up. */
struct mp_attr {
	bool present;
	int family; /* 0: not IPv4/IPv6 unicast, skipped */
	struct ip_addr nexthop, nexthop_ll;
	struct bmp_cursor nlri;
};

struct update_attrs {
	unsigned count;
	struct ip_addr nexthop; /* NEXT_HOP */
	struct mp_attr reach, unreach;
};

struct parse {
	const struct bmp_peer *peer;
	struct bmp_update *out;
	char *err;
	size_t errlen;
};

static int fail(struct parse *ps, const char *what)
{
	return bmp_fail(ps->err, ps->errlen, what);
}

static struct bmp_route *append(struct bmp_update *out)
{
	if (out->n_routes == out->cap_routes) {
		size_t cap = out->cap_routes ? out->cap_routes * 2 : 64;
		struct bmp_route *v = realloc(out->routes, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		out->routes = v;
		out->cap_routes = cap;
	}
	return memset(&out->routes[out->n_routes++], 0, sizeof(struct bmp_route));
}

/* Prefixes encoded as (length, the bytes that hold it) up to the end of c. */
static int parse_prefixes(struct parse *ps, struct bmp_cursor c, int family, bool withdrawn,
			  const struct ip_addr *nh, const struct ip_addr *nh_ll)
{
	int bits = ip_addr_bits(family);

	while (c.left > 0) {
		const uint8_t *bytes;
		struct bmp_route *r;
		uint8_t len;

		cur_u8(&c, &len);
		if (len > bits)
			return fail(ps, "prefix length beyond the address");
		if (!cur_bytes(&c, (len + 7u) / 8u, &bytes))
			return fail(ps, "truncated prefix");
		if ((r = append(ps->out)) == NULL)
			return fail(ps, "out of memory");
		r->prefix.addr.family = family;
		r->prefix.len = len;
		memcpy(r->prefix.addr.u.bytes, bytes, (len + 7u) / 8u);
		prefix_mask(&r->prefix); /* trailing bits are ignored (RFC 4271) */
		r->withdrawn = withdrawn;
		if (nh != NULL)
			r->nexthop = *nh;
		if (nh_ll != NULL)
			r->nexthop_ll = *nh_ll;
		r->peer = *ps->peer;
	}
	return 0;
}

static int family_of(uint16_t afi, uint8_t safi)
{
	if (safi != SAFI_UNICAST)
		return 0;
	return afi == AFI_IPV4 ? AF_INET : afi == AFI_IPV6 ? AF_INET6 : 0;
}

static void set_addr(struct ip_addr *a, int family, const uint8_t *bytes)
{
	a->family = family;
	memcpy(a->u.bytes, bytes, ip_addr_len(family));
}

/* 4 bytes: IPv4; 16: IPv6 global; 32: global then link-local (RFC 2545). An
 * IPv4 prefix may have either IPv6 form (RFC 8950). */
static int parse_mp_nexthop(struct parse *ps, struct mp_attr *mp, const uint8_t *nh,
			    uint8_t len)
{
	if (len == 4 && mp->family == AF_INET)
		set_addr(&mp->nexthop, AF_INET, nh);
	else if (len == 16 || len == 32)
		set_addr(&mp->nexthop, AF_INET6, nh);
	else
		return fail(ps, "MP_REACH_NLRI next hop length not 4, 16 or 32");
	if (len == 32)
		set_addr(&mp->nexthop_ll, AF_INET6, nh + 16);
	return 0;
}

static int parse_mp(struct parse *ps, struct bmp_cursor v, bool reach, struct mp_attr *mp)
{
	const uint8_t *nh = NULL, *reserved;
	uint16_t afi;
	uint8_t safi, nh_len = 0;

	if (mp->present)
		return fail(ps, reach ? "two MP_REACH_NLRI" : "two MP_UNREACH_NLRI");
	mp->present = true;
	if (!cur_u16(&v, &afi) || !cur_u8(&v, &safi))
		return fail(ps, "truncated MP_(UN)REACH_NLRI");
	if (reach && (!cur_u8(&v, &nh_len) || !cur_bytes(&v, nh_len, &nh) ||
		      !cur_bytes(&v, 1, &reserved)))
		return fail(ps, "truncated MP_REACH_NLRI next hop");
	mp->family = family_of(afi, safi);
	mp->nlri = v;
	if (mp->family == 0 || !reach)
		return 0;
	return parse_mp_nexthop(ps, mp, nh, nh_len);
}

static int parse_attr(struct parse *ps, struct bmp_cursor *c, struct update_attrs *a)
{
	struct bmp_cursor v;
	uint8_t flags, type, len8;
	uint16_t len;

	if (!cur_u8(c, &flags) || !cur_u8(c, &type))
		return fail(ps, "truncated path attribute header");
	if (flags & ATTR_FLAG_EXTENDED) {
		if (!cur_u16(c, &len))
			return fail(ps, "truncated path attribute length");
	} else {
		if (!cur_u8(c, &len8))
			return fail(ps, "truncated path attribute length");
		len = len8;
	}
	if (!cur_sub(c, len, &v))
		return fail(ps, "path attribute beyond the attributes");
	a->count++;
	switch (type) {
	case ATTR_NEXT_HOP:
		if (len != 4)
			return fail(ps, "NEXT_HOP length not 4");
		set_addr(&a->nexthop, AF_INET, v.p);
		return 0;
	case ATTR_MP_REACH:
		return parse_mp(ps, v, true, &a->reach);
	case ATTR_MP_UNREACH:
		return parse_mp(ps, v, false, &a->unreach);
	default:
		return 0;
	}
}

static int parse_routes(struct parse *ps, struct bmp_cursor withdrawn, struct bmp_cursor nlri,
			const struct update_attrs *a)
{
	const struct mp_attr *r = &a->reach, *u = &a->unreach;
	const struct ip_addr *nh = a->nexthop.family ? &a->nexthop : NULL;

	if (parse_prefixes(ps, withdrawn, AF_INET, true, NULL, NULL) < 0)
		return -1;
	if (u->family && parse_prefixes(ps, u->nlri, u->family, true, NULL, NULL) < 0)
		return -1;
	if (r->family && parse_prefixes(ps, r->nlri, r->family, false, &r->nexthop,
					r->nexthop_ll.family ? &r->nexthop_ll : NULL) < 0)
		return -1;
	return parse_prefixes(ps, nlri, AF_INET, false, nh, NULL);
}

/* RFC 4724: an UPDATE with nothing in it for IPv4 unicast; one holding only
 * an empty MP_UNREACH_NLRI for another family. */
static int eor_family(struct bmp_cursor withdrawn, struct bmp_cursor nlri,
		      const struct update_attrs *a)
{
	if (withdrawn.left != 0 || nlri.left != 0)
		return 0;
	if (a->count == 0)
		return AF_INET;
	if (a->count == 1 && a->unreach.present && a->unreach.nlri.left == 0)
		return a->unreach.family;
	return 0;
}

int bmp_update_parse(const uint8_t *upd, size_t len, const struct bmp_peer *peer,
		     struct bmp_update *out, char *err, size_t errlen)
{
	struct parse ps = { .peer = peer, .out = out, .err = err, .errlen = errlen };
	struct bmp_cursor c = bmp_cursor(upd, len), body, withdrawn, attrs;
	struct update_attrs a = { 0 };
	size_t first = out->n_routes;
	const char *why;
	uint16_t wlen, alen;

	out->eor_family = 0;
	if ((why = cur_bgp_msg(&c, BGP_MSG_UPDATE, &body)) != NULL)
		return fail(&ps, why);
	if (!cur_u16(&body, &wlen) || !cur_sub(&body, wlen, &withdrawn))
		return fail(&ps, "withdrawn routes beyond the UPDATE");
	if (!cur_u16(&body, &alen) || !cur_sub(&body, alen, &attrs))
		return fail(&ps, "path attributes beyond the UPDATE");
	while (attrs.left > 0)
		if (parse_attr(&ps, &attrs, &a) < 0)
			goto fail;
	if (parse_routes(&ps, withdrawn, body, &a) < 0)
		goto fail;
	out->eor_family = eor_family(withdrawn, body, &a);
	return 0;
fail:
	out->n_routes = first;
	return -1;
}

void bmp_update_clear(struct bmp_update *out)
{
	free(out->routes);
	memset(out, 0, sizeof(*out));
}
