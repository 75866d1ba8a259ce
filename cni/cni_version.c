#include "cni_version.h"

#include <string.h>

static const char *const supported[] = {
	"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL,
};

int cni_version_index(const char *v)
{
	if (v == NULL)
		return -1;
	for (int i = 0; supported[i] != NULL; i++)
		if (strcmp(v, supported[i]) == 0)
			return i;
	return -1;
}

bool cni_version_supported(const char *v)
{
	return cni_version_index(v) >= 0;
}

bool cni_version_at_least(const char *v, const char *min)
{
	int a = cni_version_index(v), b = cni_version_index(min);

	return a >= 0 && b >= 0 && a >= b;
}

bool cni_version_has_ip_version_field(const char *v)
{
	return !cni_version_at_least(v, "1.0.0");
}

const char *const *cni_versions_supported(void)
{
	return supported;
}
