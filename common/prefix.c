#include "prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ip_addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int ip_addr_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

int ip_addr_parse(const char *s, struct ip_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (s != NULL && inet_pton(AF_INET, s, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (s != NULL && inet_pton(AF_INET6, s, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	snprintf(err, errlen, "\"%s\" is not an IPv4 or IPv6 address", s ? s : "");
	return -1;
}

static int parse_length(const char *s, int max, uint8_t *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > max || end - s > 3)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

/* The address part of "A.B.C.D:PORT" / "[V6]:PORT" into buf; the port after it. */
static const char *split_host_port(const char *s, char *buf, size_t len)
{
	const char *colon = strrchr(s, ':');
	const char *start = s, *end = colon;

	if (colon == NULL)
		return NULL;
	if (s[0] == '[') {
		start = s + 1;
		end = colon > s && colon[-1] == ']' ? colon - 1 : NULL;
	} else if (memchr(s, ':', (size_t)(colon - s)) != NULL) {
		return NULL; /* a bare IPv6 address: its port would be ambiguous */
	}
	if (end == NULL || end <= start || (size_t)(end - start) >= len)
		return NULL;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return colon + 1;
}

int ip_port_parse(const char *s, struct ip_addr *out, uint16_t *port, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN], dummy[8], *end;
	const char *p = s != NULL ? split_host_port(s, host, sizeof(host)) : NULL;
	long v;

	memset(out, 0, sizeof(*out));
	if (p == NULL || ip_addr_parse(host, out, dummy, sizeof(dummy)) != 0 ||
	    (s[0] == '[') != (out->family == AF_INET6)) {
		snprintf(err, errlen, "\"%s\" is not ADDRESS:PORT (\"10.0.0.1:9101\" or "
			 "\"[fd00::1]:9101\")", s ? s : "");
		return -1;
	}
	errno = 0;
	v = *p >= '0' && *p <= '9' ? strtol(p, &end, 10) : -1;
	if (v < 1 || v > 65535 || errno != 0 || *end != '\0') {
		snprintf(err, errlen, "\"%s\": port must be 1-65535", s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int prefix_parse(const char *s, struct prefix *out, int flags, char *err, size_t errlen)
{
	char buf[PREFIX_STRLEN + 1];
	char *slash;
	char dummy[8];

	memset(out, 0, sizeof(*out));
	if (s == NULL || strlen(s) >= sizeof(buf) || (slash = strchr(s, '/')) == NULL) {
		snprintf(err, errlen, "\"%s\" is not a CIDR (address/length)", s ? s : "");
		return -1;
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (ip_addr_parse(buf, &out->addr, dummy, sizeof(dummy)) != 0) {
		snprintf(err, errlen, "\"%s\": \"%s\" is not an IPv4 or IPv6 address", s, buf);
		return -1;
	}
	if (parse_length(slash + 1, ip_addr_bits(out->addr.family), &out->len) != 0) {
		snprintf(err, errlen, "\"%s\": prefix length must be 0..%d", s,
			 ip_addr_bits(out->addr.family));
		return -1;
	}
	if (!(flags & PREFIX_ALLOW_HOST_BITS) && prefix_has_host_bits(out)) {
		struct prefix net = *out;
		char nbuf[PREFIX_STRLEN];

		prefix_mask(&net);
		snprintf(err, errlen, "\"%s\" has host bits set (did you mean \"%s\"?)", s,
			 prefix_format(&net, nbuf, sizeof(nbuf)));
		return -1;
	}
	return 0;
}

const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family, a->u.bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char abuf[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", ip_addr_format(&p->addr, abuf, sizeof(abuf)), p->len);
	return buf;
}

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return ip_addr_cmp(a, b) == 0;
}

int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->u.bytes, b->u.bytes, ip_addr_len(a->family));
}

bool prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return prefix_cmp(a, b) == 0;
}

int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c = ip_addr_cmp(&a->addr, &b->addr);

	if (c != 0)
		return c;
	return (int)a->len - (int)b->len;
}

/* True when the first len bits of x and y agree. */
static bool bits_equal(const uint8_t *x, const uint8_t *y, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(x, y, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rest));
	return (x[whole] & m) == (y[whole] & m);
}

bool prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	return outer->addr.family == inner->addr.family && outer->len <= inner->len &&
	       bits_equal(outer->addr.u.bytes, inner->addr.u.bytes, outer->len);
}

bool prefix_contains_addr(const struct prefix *p, const struct ip_addr *a)
{
	return p->addr.family == a->family && bits_equal(p->addr.u.bytes, a->u.bytes, p->len);
}

const struct prefix *prefix_find_containing(const struct prefix *v, size_t n,
					    const struct ip_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_contains_addr(&v[i], a))
			return &v[i];
	return NULL;
}

bool prefix_overlaps(const struct prefix *a, const struct prefix *b)
{
	return prefix_contains(a, b) || prefix_contains(b, a);
}

void prefix_mask(struct prefix *p)
{
	size_t n = ip_addr_len(p->addr.family);

	for (size_t i = 0; i < n; i++) {
		int keep = (int)p->len - (int)(i * 8);
		if (keep >= 8)
			continue;
		p->addr.u.bytes[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

bool prefix_has_host_bits(const struct prefix *p)
{
	struct prefix m = *p;

	prefix_mask(&m);
	return !ip_addr_equal(&m.addr, &p->addr);
}

bool prefix_is_default(const struct prefix *p)
{
	return p->len == 0;
}

void ip_addr_add(struct ip_addr *a, uint64_t n)
{
	int i = (int)ip_addr_len(a->family) - 1;
	unsigned carry = 0;

	for (; i >= 0 && (n != 0 || carry != 0); i--) {
		unsigned sum = a->u.bytes[i] + (unsigned)(n & 0xff) + carry;
		a->u.bytes[i] = (uint8_t)sum;
		carry = sum >> 8;
		n >>= 8;
	}
}

void prefix_last_addr(const struct prefix *p, struct ip_addr *out)
{
	size_t n = ip_addr_len(p->addr.family);

	*out = p->addr;
	for (size_t i = 0; i < n; i++) {
		int keep = (int)p->len - (int)(i * 8);
		if (keep >= 8)
			continue;
		out->u.bytes[i] |= keep <= 0 ? 0xff : (uint8_t)(0xff >> keep);
	}
}
