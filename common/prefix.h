/* IPv4/IPv6 addresses and prefixes: parse, print, compare, contain. Pure logic,
 * shared by the CNI plugin (subnets, IPAM) and the agent (policy, routes). */
#ifndef BGP_PREFIX_H
#define BGP_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} u;
};

struct prefix {
	struct ip_addr addr;
	uint8_t len;
};

/* Large enough for "ffff:...:ffff/128" and NUL. */
#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

enum prefix_parse_flags {
	PREFIX_STRICT = 0,         /* host bits must be zero ("10.0.0.1/24" is an error) */
	PREFIX_ALLOW_HOST_BITS = 1 /* "10.0.0.1/24": an address with its subnet length */
};

/* Each returns 0 or -1 with a message in err (quoting the bad value). */
int ip_addr_parse(const char *s, struct ip_addr *out, char *err, size_t errlen);
int prefix_parse(const char *s, struct prefix *out, int flags, char *err, size_t errlen);
/* A listening address: "A.B.C.D:PORT" or "[IPV6]:PORT", port 1-65535. */
int ip_port_parse(const char *s, struct ip_addr *out, uint16_t *port, char *err, size_t errlen);

size_t ip_addr_len(int family); /* 4 or 16 bytes */
int ip_addr_bits(int family);   /* 32 or 128 */
const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len);
const char *prefix_format(const struct prefix *p, char *buf, size_t len);

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b);
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);
bool prefix_equal(const struct prefix *a, const struct prefix *b);
/* Orders by family, then address, then length: a stable sort key. */
int prefix_cmp(const struct prefix *a, const struct prefix *b);
/* True when inner lies entirely inside outer (same family, outer->len <= inner->len). */
bool prefix_contains(const struct prefix *outer, const struct prefix *inner);
bool prefix_contains_addr(const struct prefix *p, const struct ip_addr *a);
/* The first of the n prefixes v that contains a, or NULL. */
const struct prefix *prefix_find_containing(const struct prefix *v, size_t n,
					    const struct ip_addr *a);
bool prefix_overlaps(const struct prefix *a, const struct prefix *b);
/* Clears the host bits in place. */
void prefix_mask(struct prefix *p);
bool prefix_has_host_bits(const struct prefix *p);
bool prefix_is_default(const struct prefix *p);

/* Address arithmetic for allocators: a + n within the same family; wraps silently. */
void ip_addr_add(struct ip_addr *a, uint64_t n);
/* The last address of the prefix (IPv4 broadcast). */
void prefix_last_addr(const struct prefix *p, struct ip_addr *out);

#endif
