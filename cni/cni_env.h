/* The CNI_* environment: parsed and validated into a plain struct. */
#ifndef CNI_ENV_H
#define CNI_ENV_H

#include "cni_error.h"

enum cni_cmd { CMD_NONE, CMD_ADD, CMD_DEL, CMD_CHECK, CMD_VERSION, CMD_GC, CMD_STATUS };

struct cni_env {
	enum cni_cmd cmd;
	const char *command;     /* as given */
	const char *containerid; /* NULL when not given */
	const char *netns;
	const char *ifname;
	const char *args;
	const char *path;
};

/* Looks variables up through getenv_fn (getenv in the binary, a table in
 * tests). Returns 0, or -1 with a code 4 error naming the variable. */
int cni_env_parse(struct cni_env *env, const char *(*getenv_fn)(const char *),
		  struct cni_err *err);
/* Spec rules: alphanumeric first, then alphanumerics, '_', '.', '-'. */
int cni_containerid_valid(const char *id);
/* Spec rules: 1..15 bytes, not "." or "..", no '/', ':' or whitespace. */
int cni_ifname_valid(const char *name);

#endif
