/* Locates tests/unit/fixtures/ from the test's own source path, so the unit
 * tests run from the repository root (as `make unit` does) without setup.
 * BGP_FIXTURE_DIR overrides it: the integration test routing_frr_json.sh
 * captures fresh JSON from a live FRR and runs the same tests on it. */
#ifndef TEST_FIXTURE_PATH_H
#define TEST_FIXTURE_PATH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *fixture_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("BGP_FIXTURE_DIR");
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;

	if (dir != NULL && dir[0] != '\0')
		snprintf(buf, len, "%s/%s", dir, name);
	else
		snprintf(buf, len, "%.*s/fixtures/%s", dirlen, slash ? __FILE__ : ".", name);
	return buf;
}

#endif
