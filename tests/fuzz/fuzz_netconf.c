/* netconf_parse(): the network configuration on stdin (including ipam,
 * dns, cni.dev/valid-attachments), its prevResult parsed as ADD and CHECK
 * do, and netconf_peek_version() as the VERSION command does. */
#include <stdint.h>

#include "netconf.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct netconf nc;
	struct cni_result prev;
	struct cni_err err = { 0 };
	char version[16];

	netconf_peek_version(buf, size, version, sizeof(version));
	if (netconf_parse(buf, size, &nc, &err) == 0 && nc.prev_result != NULL) {
		result_from_json(nc.prev_result, "prevResult", &prev, &err);
		result_free(&prev);
	}
	netconf_free(&nc);
	return 0;
}
