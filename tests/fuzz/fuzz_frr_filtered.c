/* frr_filtered_parse(): bgpd's `show bgp ... neighbors PEER filtered-routes
 * json` (not NUL-terminated). */
#include <stdint.h>

#include "frr_filtered.h"
#include "route_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_set routes;
	char err[256];

	route_set_init(&routes);
	frr_filtered_parse((const char *)data, size, &routes, err, sizeof(err));
	route_set_free(&routes);
	return 0;
}
