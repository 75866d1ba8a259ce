/* result_from_json(): a CNI result (IPAM plugin output, prevResult), then
 * rendered back for an old and the newest cniVersion. */
#include <jansson.h>
#include <stdint.h>

#include "cni_version.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size, 0, NULL), *out;
	struct cni_result r;
	struct cni_err err = { 0 };
	static const char *const versions[] = { "0.3.1", CNI_VERSION_LATEST };

	if (obj == NULL)
		return 0;
	if (result_from_json(obj, "fuzz", &r, &err) == 0)
		for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
			out = result_to_json(&r, versions[i]);
			json_decref(out);
		}
	result_free(&r);
	json_decref(obj);
	return 0;
}
