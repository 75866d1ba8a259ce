/* cni_env_parse(): the input is the CNI_* environment, one variable per line
 * in the order of vars[] (an empty line: the variable is unset). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vars[] = {
	"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH",
};
#define N_VARS (sizeof(vars) / sizeof(vars[0]))

/* cni_env_parse() takes a getenv-like function without context. */
static const char *values[N_VARS];

static const char *table_getenv(const char *name)
{
	for (size_t i = 0; i < N_VARS; i++)
		if (strcmp(name, vars[i]) == 0)
			return values[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	struct cni_env env;
	struct cni_err err = { 0 };

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(values, 0, sizeof(values));
	line = strtok_r(text, "\n", &save);
	for (size_t i = 0; i < N_VARS && line != NULL; i++, line = strtok_r(NULL, "\n", &save))
		values[i] = line;
	cni_env_parse(&env, table_getenv, &err);
	free(text);
	return 0;
}
