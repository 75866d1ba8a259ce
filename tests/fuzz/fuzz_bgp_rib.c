/* bgp_rib_parse() and bgp_rib_parse_version(): bgpd's `show bgp ... json`.
 * Both take (json, len) without NUL termination, so the input is passed as
 * it is: a read past its end is an ASan report. */
#include <stdint.h>

#include "bgp_rib.h"
#include "route_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = (const char *)data;
	struct route_set routes;
	struct bgp_rib_stats stats;
	uint64_t version;
	char err[256];

	route_set_init(&routes);
	if (bgp_rib_parse(json, size, &routes, &stats, err, sizeof(err)) == 0)
		route_set_sort(&routes);
	route_set_free(&routes);
	bgp_rib_parse_version(json, size, &version, err, sizeof(err));
	return 0;
}
