/* bgp_peers_parse(): bgpd's `show bgp neighbors json` (not NUL-terminated),
 * then the lookups the agent does on the result. */
#include <stdint.h>

#include "bgp_peers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_peers peers = { 0 };
	char err[256];

	if (bgp_peers_parse((const char *)data, size, &peers, err, sizeof(err)) == 0) {
		bgp_peers_find(&peers, "192.0.2.1");
		bgp_peers_find(&peers, "eth0");
	}
	bgp_peers_free(&peers);
	return 0;
}
