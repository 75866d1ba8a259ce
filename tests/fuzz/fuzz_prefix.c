/* ip_addr_parse() and prefix_parse() (both flag variants). What parses must
 * also survive the trip through *_format() and back unchanged: a formatter
 * that prints something its own parser refuses is a bug too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_addr(const char *s)
{
	struct ip_addr a, back;
	char err[128], buf[INET6_ADDRSTRLEN];

	if (ip_addr_parse(s, &a, err, sizeof(err)) != 0)
		return;
	if (ip_addr_parse(ip_addr_format(&a, buf, sizeof(buf)), &back, err, sizeof(err)) != 0 ||
	    !ip_addr_equal(&a, &back))
		abort();
}

static void check_prefix(const char *s, int flags)
{
	struct prefix p, back;
	char err[128], buf[PREFIX_STRLEN];

	if (prefix_parse(s, &p, flags, err, sizeof(err)) != 0)
		return;
	if (prefix_parse(prefix_format(&p, buf, sizeof(buf)), &back, flags, err, sizeof(err)) != 0 ||
	    !prefix_equal(&p, &back))
		abort();
	prefix_mask(&p);
	prefix_last_addr(&p, &back.addr);
	if (!prefix_contains_addr(&p, &back.addr))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1); /* the parsers take C strings */

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_addr(s);
	check_prefix(s, PREFIX_STRICT);
	check_prefix(s, PREFIX_ALLOW_HOST_BITS);
	free(s);
	return 0;
}
