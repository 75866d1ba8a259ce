#include "frr_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

/* "bmp" or "bmp:OPTIONS" names module "bmp". */
static bool names_module(const char *arg, const char *module)
{
	size_t n = strlen(module);

	return strncmp(arg, module, n) == 0 && (arg[n] == '\0' || arg[n] == ':');
}

bool frr_args_have_module(const char *args, size_t len, const char *module)
{
	bool next_is_module = false;

	for (size_t off = 0; off < len;) {
		const char *arg = args + off;
		size_t n = strnlen(arg, len - off);

		if (off + n == len)
			break; /* not NUL-terminated: cut off, ignore */
		if (next_is_module && names_module(arg, module))
			return true;
		next_is_module = strcmp(arg, "-M") == 0 || strcmp(arg, "--module") == 0;
		if ((strncmp(arg, "-M", 2) == 0 && names_module(arg + 2, module)) ||
		    (strncmp(arg, "--module=", 9) == 0 && names_module(arg + 9, module)))
			return true;
		off += n + 1;
	}
	return false;
}

bool frr_bgpd_has_module(pid_t pid, const char *module)
{
	char path[64], *args;
	size_t len = 0;
	bool has;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	args = read_whole_file(path, &len);
	has = args != NULL && frr_args_have_module(args, len, module);
	free(args);
	return has;
}
