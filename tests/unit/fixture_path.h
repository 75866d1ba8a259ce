/* Locates tests/unit/fixtures/ from the test's own source path, so the unit
 * tests run from the repository root (as `make unit` does) without setup. */
#ifndef TEST_FIXTURE_PATH_H
#define TEST_FIXTURE_PATH_H

#include <stdio.h>
#include <string.h>

static inline const char *fixture_path(const char *name, char *buf, size_t len)
{
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;

	snprintf(buf, len, "%.*s/fixtures/%s", dirlen, slash ? __FILE__ : ".", name);
	return buf;
}

#endif
