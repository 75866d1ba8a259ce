/* The CNI spec versions this plugin speaks, and what each allows. */
#ifndef CNI_VERSION_H
#define CNI_VERSION_H

#include <stdbool.h>

#define CNI_VERSION_LATEST "1.1.0"

/* Index into the supported list (0 = oldest), or -1 when unsupported. */
int cni_version_index(const char *v);
bool cni_version_supported(const char *v);
/* Results for versions before 1.0.0 carry "version" in each ips entry. */
bool cni_version_has_ip_version_field(const char *v);
/* CHECK exists from 0.4.0, GC and STATUS from 1.1.0. */
bool cni_version_at_least(const char *v, const char *min);
/* NULL-terminated list, oldest first. */
const char *const *cni_versions_supported(void);

#endif
