/* The BMP parsers (bmp_msg.c, bmp_update.c) on hand-built messages: every
 * message type the station reads, the address families and next-hop forms,
 * End-of-RIB, and every truncation of each (each truncated copy sits in a
 * heap block of its exact size, so ASan sees any read past its end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bmp_msg.h"

struct buf {
	uint8_t b[2048];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct buf *b, uint16_t v) { put8(b, (uint8_t)(v >> 8)); put8(b, (uint8_t)v); }
static void put32(struct buf *b, uint32_t v) { put16(b, (uint16_t)(v >> 16)); put16(b, (uint16_t)v); }

static void set16(struct buf *b, size_t at, size_t v)
{
	b->b[at] = (uint8_t)(v >> 8);
	b->b[at + 1] = (uint8_t)v;
}

static void bmp_begin(struct buf *b, uint8_t type)
{
	b->n = 0;
	put8(b, BMP_VERSION);
	put32(b, 0);
	put8(b, type);
}

/* Sets the common header's length to the bytes written. */
static void bmp_end(struct buf *b)
{
	b->b[1] = (uint8_t)(b->n >> 24);
	b->b[2] = (uint8_t)(b->n >> 16);
	b->b[3] = (uint8_t)(b->n >> 8);
	b->b[4] = (uint8_t)b->n;
}

static void per_peer(struct buf *b, const char *addr, uint8_t flags)
{
	uint8_t a[16] = { 0 };

	if (strchr(addr, ':') != NULL) {
		assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
		flags |= 0x80;
	} else {
		assert_int_equal(inet_pton(AF_INET, addr, a + 12), 1);
	}
	put8(b, 0);
	put8(b, flags);
	put32(b, 0);
	put32(b, 0);
	put(b, a, 16);
	put32(b, 65000);
	put32(b, 0x0a000001);
	put32(b, 1700000000);
	put32(b, 0);
}

/* A BGP message header; returns where it starts, for bgp_end. */
static size_t bgp_begin(struct buf *b, uint8_t type)
{
	size_t at = b->n;

	for (int i = 0; i < 16; i++)
		put8(b, 0xff);
	put16(b, 0);
	put8(b, type);
	return at;
}

static void bgp_end(struct buf *b, size_t at) { set16(b, at + 16, b->n - at); }

/* An UPDATE: withdrawn, attributes and NLRI as ready-made bytes. */
static void update(struct buf *b, const struct buf *wd, const struct buf *attrs,
		   const struct buf *nlri)
{
	size_t at = bgp_begin(b, 2);

	put16(b, (uint16_t)wd->n);
	put(b, wd->b, wd->n);
	put16(b, (uint16_t)attrs->n);
	put(b, attrs->b, attrs->n);
	put(b, nlri->b, nlri->n);
	bgp_end(b, at);
}

static void route_monitoring(struct buf *b, const char *peer, const struct buf *wd,
			     const struct buf *attrs, const struct buf *nlri)
{
	bmp_begin(b, BMP_ROUTE_MONITORING);
	per_peer(b, peer, 0x40);
	update(b, wd, attrs, nlri);
	bmp_end(b);
}

static void put_prefix(struct buf *b, const char *text)
{
	struct prefix p;
	char err[128];

	assert_int_equal(prefix_parse(text, &p, PREFIX_ALLOW_HOST_BITS, err, sizeof(err)), 0);
	put8(b, p.len);
	put(b, p.addr.u.bytes, (p.len + 7u) / 8u);
}

static void put_attr(struct buf *b, uint8_t flags, uint8_t type, const struct buf *v)
{
	put8(b, flags);
	put8(b, type);
	if (flags & 0x10)
		put16(b, (uint16_t)v->n);
	else
		put8(b, (uint8_t)v->n);
	put(b, v->b, v->n);
}

static void put_addr(struct buf *b, const char *text)
{
	struct ip_addr a;
	char err[128];

	assert_int_equal(ip_addr_parse(text, &a, err, sizeof(err)), 0);
	put(b, a.u.bytes, ip_addr_len(a.family));
}

/* MP_REACH_NLRI: afi/safi, the next hop addresses given, one prefix. */
static void put_mp_reach(struct buf *b, uint16_t afi, const char *nh, const char *nh_ll,
			 const char *prefix)
{
	struct buf v = { .n = 0 }, n = { .n = 0 };

	put16(&v, afi);
	put8(&v, 1);
	if (nh != NULL)
		put_addr(&n, nh);
	if (nh_ll != NULL)
		put_addr(&n, nh_ll);
	put8(&v, (uint8_t)n.n);
	put(&v, n.b, n.n);
	put8(&v, 0);
	put_prefix(&v, prefix);
	put_attr(b, 0x80, 14, &v);
}

static void put_origin_and_nexthop(struct buf *b, const char *nh)
{
	struct buf v = { .n = 0 };

	put8(&v, 0);
	put_attr(b, 0x40, 1, &v);
	v.n = 0;
	put_addr(&v, nh);
	put_attr(b, 0x40, 3, &v);
}

static const struct buf empty;

static void assert_addr(const struct ip_addr *a, const char *text)
{
	char s[INET6_ADDRSTRLEN];

	if (text == NULL) {
		assert_int_equal(a->family, 0);
		return;
	}
	assert_int_not_equal(a->family, 0);
	assert_string_equal(ip_addr_format(a, s, sizeof(s)), text);
}

static void assert_route(const struct bmp_route *r, const char *prefix, bool withdrawn,
			 const char *nh, const char *nh_ll)
{
	char s[PREFIX_STRLEN];

	assert_string_equal(prefix_format(&r->prefix, s, sizeof(s)), prefix);
	assert_int_equal(r->withdrawn, withdrawn);
	assert_addr(&r->nexthop, nh);
	assert_addr(&r->nexthop_ll, nh_ll);
}

/* Parses the BMP message in b and its UPDATE; returns the UPDATE parse's rc. */
static int parse_rm(const struct buf *b, struct bmp_update *u, char *err, size_t errlen)
{
	struct bmp_msg m;

	assert_int_equal(bmp_msg_parse(b->b, b->n, &m, err, errlen), 0);
	assert_int_equal(m.type, BMP_ROUTE_MONITORING);
	assert_true(m.post_policy);
	return bmp_update_parse(m.update, m.update_len, &m.peer, u, err, errlen);
}

/* Every proper prefix of the message, with its length field set to match,
 * in a heap block of exactly that size: never a crash; -1 unless it is one
 * of the lengths listed in valid_at (0-terminated). */
static void check_truncations(const struct buf *b, bool parse_update, const size_t *valid_at)
{
	for (size_t k = 0; k < b->n; k++) {
		uint8_t *cut = malloc(k ? k : 1);
		struct bmp_update u = { 0 };
		struct bmp_msg m;
		size_t framed = 0;
		char err[128];
		bool valid = false;
		int rc;

		assert_non_null(cut);
		memcpy(cut, b->b, k);
		if (k >= BMP_COMMON_HDR_LEN) {
			cut[1] = (uint8_t)(k >> 24);
			cut[2] = (uint8_t)(k >> 16);
			cut[3] = (uint8_t)(k >> 8);
			cut[4] = (uint8_t)k;
		}
		for (const size_t *v = valid_at; *v != 0; v++)
			valid |= *v == k;
		rc = bmp_frame(cut, k, &framed, err, sizeof(err));
		assert_int_equal(rc, k < BMP_COMMON_HDR_LEN ? 0 : 1);
		rc = bmp_msg_parse(cut, k, &m, err, sizeof(err));
		if (rc == 0 && parse_update && m.type == BMP_ROUTE_MONITORING)
			assert_int_equal(bmp_update_parse(m.update, m.update_len, &m.peer, &u, err,
							  sizeof(err)), 0);
		if (!valid && rc == 0)
			fail_msg("a truncation to %zu of %zu bytes parsed", k, b->n);
		bmp_update_clear(&u);
		free(cut);
	}
}

static const size_t none_valid[] = { 0 };

static void test_frame(void **state)
{
	uint8_t hdr[6] = { 3, 0, 0, 0, 6, 4 };
	char err[128];
	size_t len = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(hdr); k++)
		assert_int_equal(bmp_frame(hdr, k, &len, err, sizeof(err)), 0);
	assert_int_equal(bmp_frame(hdr, sizeof(hdr), &len, err, sizeof(err)), 1);
	assert_int_equal(len, 6);
	hdr[4] = 7; /* claims one more byte than there is */
	assert_int_equal(bmp_frame(hdr, sizeof(hdr), &len, err, sizeof(err)), 0);
	hdr[4] = 5;
	assert_int_equal(bmp_frame(hdr, sizeof(hdr), &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "length 5"));
	hdr[4] = 0;
	hdr[2] = 0x04; /* 256 KiB + 0: one above BMP_MSG_MAX needs hdr[4] != 0 */
	hdr[4] = 1;
	assert_int_equal(bmp_frame(hdr, sizeof(hdr), &len, err, sizeof(err)), -1);
	hdr[0] = 1; /* BMP version 1, or anything not BMP, from its first byte */
	assert_int_equal(bmp_frame(hdr, 1, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version 1"));
	assert_int_equal(bmp_msg_parse(hdr, 3, &(struct bmp_msg){ 0 }, err, sizeof(err)), -1);
}

static void test_initiation(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128];
	const size_t valid[] = { 6, 6 + 4 + 5, 0 };

	(void)state;
	bmp_begin(&b, BMP_INITIATION);
	put16(&b, 2);
	put16(&b, 5);
	put(&b, "node1", 5);
	put16(&b, 1);
	put16(&b, 15);
	put(&b, "FRRouting 8.4.4", 15);
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.type, BMP_INITIATION);
	assert_false(m.has_peer);
	assert_string_equal(m.sysname, "node1");
	assert_string_equal(m.sysdescr, "FRRouting 8.4.4");
	check_truncations(&b, false, valid);
}

static void test_initiation_long_name_is_cut(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128], name[300];

	(void)state;
	memset(name, 'x', sizeof(name));
	bmp_begin(&b, BMP_INITIATION);
	put16(&b, 2);
	put16(&b, sizeof(name));
	put(&b, name, sizeof(name));
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.sysname), sizeof(m.sysname) - 1);
}

static void test_termination(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128];
	const size_t valid[] = { 6, 0 };

	(void)state;
	bmp_begin(&b, BMP_TERMINATION);
	put16(&b, 1);
	put16(&b, 2);
	put16(&b, 1); /* administratively closed */
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.type, BMP_TERMINATION);
	assert_int_equal(m.term_reason, 1);
	check_truncations(&b, false, valid);
	b.b[9] = 3; /* a 3-byte reason */
	put8(&b, 0);
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), -1);
}

static void put_open(struct buf *b, uint32_t asn)
{
	size_t at = bgp_begin(b, 1);

	put8(b, 4);
	put16(b, (uint16_t)asn);
	put16(b, 9);
	put32(b, 0x0a000001);
	put8(b, 0);
	bgp_end(b, at);
}

static void peer_up(struct buf *b, const char *peer)
{
	bmp_begin(b, BMP_PEER_UP);
	per_peer(b, peer, 0);
	put(b, (uint8_t[16]){ 0 }, 16);
	put16(b, 179);
	put16(b, 40000);
	put_open(b, 65001);
	put_open(b, 65000);
}

static void test_peer_up(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128];
	char s[INET6_ADDRSTRLEN];

	(void)state;
	peer_up(&b, "192.0.2.1");
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.type, BMP_PEER_UP);
	assert_true(m.has_peer);
	assert_string_equal(ip_addr_format(&m.peer.addr, s, sizeof(s)), "192.0.2.1");
	assert_int_equal(m.peer.asn, 65000);
	assert_int_equal(m.peer.bgp_id, htonl(0x0a000001));
	check_truncations(&b, false, none_valid);

	peer_up(&b, "fe80::1");
	put16(&b, 0); /* a string TLV (FRR: the neighbor's description) */
	put16(&b, 3);
	put(&b, "tor", 3);
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_string_equal(ip_addr_format(&m.peer.addr, s, sizeof(s)), "fe80::1");
	const size_t valid[] = { b.n - 7, 0 };
	check_truncations(&b, false, valid);
}

/* An OPEN whose length reaches past the message, or that is no OPEN. */
static void test_peer_up_bad_open(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128];
	size_t open2;

	(void)state;
	peer_up(&b, "192.0.2.1");
	bmp_end(&b);
	open2 = b.n - 29;
	set16(&b, open2 + 16, 30);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "received OPEN"));
	set16(&b, open2 + 16, 18);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), -1);
	set16(&b, open2 + 16, 29);
	b.b[open2 + 18] = 2;
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), -1);
	b.b[open2 + 18] = 1;
	b.b[open2 + 3] = 0;
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "marker"));
}

static void test_peer_down(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128];
	size_t at;

	(void)state;
	bmp_begin(&b, BMP_PEER_DOWN);
	per_peer(&b, "192.0.2.1", 0);
	put8(&b, 3); /* remote NOTIFICATION: cease */
	at = bgp_begin(&b, 3);
	put8(&b, 6);
	put8(&b, 2);
	bgp_end(&b, at);
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.type, BMP_PEER_DOWN);
	assert_int_equal(m.down_reason, 3);
	check_truncations(&b, false, none_valid);

	bmp_begin(&b, BMP_PEER_DOWN);
	per_peer(&b, "fd00::1", 0);
	put8(&b, 2); /* local FSM event */
	put16(&b, 0);
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.down_reason, 2);
	check_truncations(&b, false, none_valid);

	for (uint8_t reason = 4; reason <= 6; reason++) {
		bmp_begin(&b, BMP_PEER_DOWN);
		per_peer(&b, "fd00::1", 0);
		put8(&b, reason);
		bmp_end(&b);
		assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
		assert_int_equal(m.down_reason, reason);
	}
}

static void test_statistics_mirroring_and_unknown(void **state)
{
	struct buf b;
	struct bmp_msg m;
	char err[128];

	(void)state;
	bmp_begin(&b, BMP_STATISTICS_REPORT);
	per_peer(&b, "192.0.2.1", 0);
	put32(&b, 0);
	bmp_end(&b);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	assert_true(m.has_peer);
	check_truncations(&b, false, (const size_t[]){ 48, 49, 50, 51, 0 });
	for (uint8_t type = BMP_ROUTE_MIRRORING; type < 9; type++) {
		bmp_begin(&b, type);
		put8(&b, 0xab);
		bmp_end(&b);
		assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
		assert_int_equal(m.type, type);
	}
}

static void test_ipv4_announce(void **state)
{
	struct buf b, attrs = { .n = 0 }, nlri = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put_origin_and_nexthop(&attrs, "192.0.2.1");
	put_prefix(&nlri, "10.244.1.0/24");
	put_prefix(&nlri, "10.244.2.128/25");
	put_prefix(&nlri, "0.0.0.0/0");
	put_prefix(&nlri, "10.1.2.3/32");
	route_monitoring(&b, "192.0.2.1", &empty, &attrs, &nlri);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 4);
	assert_int_equal(u.eor_family, 0);
	assert_route(&u.routes[0], "10.244.1.0/24", false, "192.0.2.1", NULL);
	assert_route(&u.routes[1], "10.244.2.128/25", false, "192.0.2.1", NULL);
	assert_route(&u.routes[2], "0.0.0.0/0", false, "192.0.2.1", NULL);
	assert_route(&u.routes[3], "10.1.2.3/32", false, "192.0.2.1", NULL);
	assert_int_equal(u.routes[0].peer.asn, 65000);
	bmp_update_clear(&u);
	check_truncations(&b, true, none_valid);
}

/* No NEXT_HOP (FRR 8.4 for an extended-next-hop peer's IPv4 routes). */
static void test_ipv4_without_nexthop(void **state)
{
	struct buf b, nlri = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put_prefix(&nlri, "10.244.1.0/24");
	route_monitoring(&b, "fe80::1", &empty, &empty, &nlri);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 1);
	assert_route(&u.routes[0], "10.244.1.0/24", false, NULL, NULL);
	assert_int_equal(u.routes[0].peer.addr.family, AF_INET6);
	bmp_update_clear(&u);
}

static void test_ipv4_withdraw(void **state)
{
	struct buf b, wd = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put_prefix(&wd, "10.244.3.0/24");
	put_prefix(&wd, "10.244.4.0/23");
	route_monitoring(&b, "192.0.2.1", &wd, &empty, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 2);
	assert_route(&u.routes[0], "10.244.3.0/24", true, NULL, NULL);
	assert_route(&u.routes[1], "10.244.4.0/23", true, NULL, NULL);
	bmp_update_clear(&u);
	check_truncations(&b, true, none_valid);
}

static void test_ipv6_global_and_link_local(void **state)
{
	struct buf b, attrs = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put_mp_reach(&attrs, 2, "fd00::1", "fe80::1", "fd10:244:1::/64");
	route_monitoring(&b, "fd00::1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 1);
	assert_route(&u.routes[0], "fd10:244:1::/64", false, "fd00::1", "fe80::1");
	bmp_update_clear(&u);
	check_truncations(&b, true, none_valid);

	attrs.n = 0;
	put_mp_reach(&attrs, 2, "fd00::1", NULL, "fd10:244:1::/64");
	route_monitoring(&b, "fd00::1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_route(&u.routes[0], "fd10:244:1::/64", false, "fd00::1", NULL);
	bmp_update_clear(&u);
}

/* RFC 8950 (5549): an IPv4 prefix with an IPv6 next hop, in MP_REACH_NLRI. */
static void test_ipv4_over_ipv6_nexthop(void **state)
{
	struct buf b, attrs = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put_mp_reach(&attrs, 1, "fd00::1", "fe80::1", "10.244.7.0/24");
	route_monitoring(&b, "fe80::1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 1);
	assert_route(&u.routes[0], "10.244.7.0/24", false, "fd00::1", "fe80::1");
	bmp_update_clear(&u);

	attrs.n = 0;
	put_mp_reach(&attrs, 1, "192.0.2.9", NULL, "10.244.7.0/24");
	route_monitoring(&b, "192.0.2.1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_route(&u.routes[0], "10.244.7.0/24", false, "192.0.2.9", NULL);
	bmp_update_clear(&u);
}

static void test_ipv6_withdraw(void **state)
{
	struct buf b, attrs = { .n = 0 }, v = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put16(&v, 2);
	put8(&v, 1);
	put_prefix(&v, "fd10:244:2::/64");
	put_prefix(&v, "fd10:244:3::/48");
	put_attr(&attrs, 0x90, 15, &v); /* extended length */
	route_monitoring(&b, "fd00::1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 2);
	assert_int_equal(u.eor_family, 0);
	assert_route(&u.routes[0], "fd10:244:2::/64", true, NULL, NULL);
	assert_route(&u.routes[1], "fd10:244:3::/48", true, NULL, NULL);
	bmp_update_clear(&u);
	check_truncations(&b, true, none_valid);
}

static void test_end_of_rib(void **state)
{
	struct buf b, attrs = { .n = 0 }, v = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	route_monitoring(&b, "192.0.2.1", &empty, &empty, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 0);
	assert_int_equal(u.eor_family, AF_INET);
	check_truncations(&b, true, none_valid);

	put16(&v, 2);
	put8(&v, 1);
	put_attr(&attrs, 0x80, 15, &v);
	route_monitoring(&b, "fd00::1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 0);
	assert_int_equal(u.eor_family, AF_INET6);
	check_truncations(&b, true, none_valid);

	/* An empty MP_UNREACH next to another attribute is no End-of-RIB. */
	put_origin_and_nexthop(&attrs, "192.0.2.1");
	route_monitoring(&b, "fd00::1", &empty, &attrs, &empty);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.eor_family, 0);
	bmp_update_clear(&u);
}

static void test_other_families_skipped(void **state)
{
	struct buf b, attrs = { .n = 0 }, v = { .n = 0 }, nlri = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put16(&v, 2);
	put8(&v, 128); /* IPv6 VPN: an RD-prefixed next hop of 24 bytes */
	put8(&v, 24);
	put(&v, (uint8_t[24]){ 0 }, 24);
	put8(&v, 0);
	put8(&v, 0xff); /* a label+RD+prefix this parser does not read */
	put_attr(&attrs, 0x80, 14, &v);
	put_attr(&attrs, 0xc0, 32, &(struct buf){ .n = 12 }); /* large community */
	put_prefix(&nlri, "10.244.9.0/24");
	route_monitoring(&b, "192.0.2.1", &empty, &attrs, &nlri);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n_routes, 1);
	assert_route(&u.routes[0], "10.244.9.0/24", false, NULL, NULL);
	bmp_update_clear(&u);
}

static void test_host_bits_cleared(void **state)
{
	struct buf b, nlri = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	put8(&nlri, 23);
	put(&nlri, (uint8_t[]){ 10, 244, 3 }, 3);
	route_monitoring(&b, "192.0.2.1", &empty, &empty, &nlri);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	assert_route(&u.routes[0], "10.244.2.0/23", false, NULL, NULL);
	bmp_update_clear(&u);
}

/* Malformed UPDATEs: the error, and no route of it kept. */
static void expect_bad_update(const struct buf *attrs, const struct buf *nlri, const char *why)
{
	struct bmp_update u = { 0 };
	struct buf b;
	char err[128];

	route_monitoring(&b, "192.0.2.1", &empty, attrs, nlri);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("error '%s' does not say '%s'", err, why);
	assert_int_equal(u.n_routes, 0);
	bmp_update_clear(&u);
}

static void test_bad_updates(void **state)
{
	struct buf attrs = { .n = 0 }, nlri = { .n = 0 }, v = { .n = 0 };

	(void)state;
	put_prefix(&nlri, "10.244.1.0/24");
	put8(&nlri, 33);
	put(&nlri, (uint8_t[5]){ 0 }, 5);
	expect_bad_update(&empty, &nlri, "prefix length");

	nlri.n = 0;
	put_prefix(&nlri, "10.244.1.0/24");
	put(&v, (uint8_t[5]){ 0 }, 5);
	put_attr(&attrs, 0x40, 3, &v);
	expect_bad_update(&attrs, &nlri, "NEXT_HOP length");

	attrs.n = 0;
	put_mp_reach(&attrs, 2, "fd00::1", NULL, "fd10::/64");
	put_mp_reach(&attrs, 2, "fd00::1", NULL, "fd11::/64");
	expect_bad_update(&attrs, &nlri, "two MP_REACH_NLRI");

	attrs.n = 0;
	put_mp_reach(&attrs, 2, "192.0.2.1", "192.0.2.2", "fd10::/64"); /* 8 bytes */
	expect_bad_update(&attrs, &nlri, "next hop length");

	attrs.n = 0;
	put_mp_reach(&attrs, 2, "192.0.2.1", NULL, "fd10::/64"); /* 4 bytes for IPv6 */
	expect_bad_update(&attrs, &nlri, "next hop length");

	attrs.n = 0;
	put8(&attrs, 0x40);
	put8(&attrs, 1);
	put8(&attrs, 5); /* an attribute longer than the attributes */
	put8(&attrs, 0);
	expect_bad_update(&attrs, &nlri, "beyond the attributes");
}

/* A BGP length that disagrees with the BMP message's. */
static void test_update_length_mismatch(void **state)
{
	struct buf b, nlri = { .n = 0 };
	struct bmp_msg m;
	char err[128];

	(void)state;
	put_prefix(&nlri, "10.244.1.0/24");
	route_monitoring(&b, "192.0.2.1", &empty, &empty, &nlri);
	set16(&b, 6 + 42 + 16, b.n - 48 + 1);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), -1);
	/* withdrawn length beyond the UPDATE, seen by the UPDATE parser */
	route_monitoring(&b, "192.0.2.1", &empty, &empty, &nlri);
	set16(&b, 6 + 42 + 19, 200);
	assert_int_equal(bmp_msg_parse(b.b, b.n, &m, err, sizeof(err)), 0);
	struct bmp_update u = { 0 };
	assert_int_equal(bmp_update_parse(m.update, m.update_len, &m.peer, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "withdrawn"));
	bmp_update_clear(&u);
}

/* Many UPDATEs into one struct: routes accumulate, a failed one adds none. */
static void test_routes_accumulate(void **state)
{
	struct buf b, nlri = { .n = 0 };
	struct bmp_update u = { 0 };
	char err[128];

	(void)state;
	for (int i = 0; i < 100; i++) {
		nlri.n = 0;
		put8(&nlri, 24);
		put(&nlri, (uint8_t[]){ 10, 244, (uint8_t)i }, 3);
		route_monitoring(&b, "192.0.2.1", &empty, &empty, &nlri);
		assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), 0);
	}
	assert_int_equal(u.n_routes, 100);
	assert_route(&u.routes[99], "10.244.99.0/24", false, NULL, NULL);
	nlri.n = 0;
	put_prefix(&nlri, "10.244.1.0/24");
	put8(&nlri, 24);
	route_monitoring(&b, "192.0.2.1", &empty, &empty, &nlri);
	assert_int_equal(parse_rm(&b, &u, err, sizeof(err)), -1);
	assert_int_equal(u.n_routes, 100);
	bmp_update_clear(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_initiation),
		cmocka_unit_test(test_initiation_long_name_is_cut),
		cmocka_unit_test(test_termination),
		cmocka_unit_test(test_peer_up),
		cmocka_unit_test(test_peer_up_bad_open),
		cmocka_unit_test(test_peer_down),
		cmocka_unit_test(test_statistics_mirroring_and_unknown),
		cmocka_unit_test(test_ipv4_announce),
		cmocka_unit_test(test_ipv4_without_nexthop),
		cmocka_unit_test(test_ipv4_withdraw),
		cmocka_unit_test(test_ipv6_global_and_link_local),
		cmocka_unit_test(test_ipv4_over_ipv6_nexthop),
		cmocka_unit_test(test_ipv6_withdraw),
		cmocka_unit_test(test_end_of_rib),
		cmocka_unit_test(test_other_families_skipped),
		cmocka_unit_test(test_host_bits_cleared),
		cmocka_unit_test(test_bad_updates),
		cmocka_unit_test(test_update_length_mismatch),
		cmocka_unit_test(test_routes_accumulate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
