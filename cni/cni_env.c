#include "cni_env.h"

#include <ctype.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>

/* Which variables each command needs (spec section "Parameters"). */
struct cmd_spec {
	const char *name;
	enum cni_cmd cmd;
	bool need_id, need_netns, need_ifname, need_path;
};

static const struct cmd_spec cmd_table[] = {
	{ "ADD", CMD_ADD, true, true, true, true },
	{ "DEL", CMD_DEL, true, false, true, true },
	{ "CHECK", CMD_CHECK, true, true, true, true },
	{ "VERSION", CMD_VERSION, false, false, false, false },
	{ "GC", CMD_GC, false, false, false, true },
	{ "STATUS", CMD_STATUS, false, false, false, true },
};

int cni_containerid_valid(const char *id)
{
	if (id == NULL || !isalnum((unsigned char)id[0]))
		return 0;
	for (const char *p = id + 1; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return 0;
	return 1;
}

int cni_ifname_valid(const char *name)
{
	size_t n = name == NULL ? 0 : strlen(name);

	if (n == 0 || n >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return 0;
	return 1;
}

static const char *nonempty(const char *(*getenv_fn)(const char *), const char *name)
{
	const char *v = getenv_fn(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static int require(const char *value, bool needed, const char *name, const char *cmd,
		   struct cni_err *err)
{
	if (needed && value == NULL)
		return cni_err_set(err, CNI_ERR_ENV, "missing environment variable",
				   "%s is required for CNI_COMMAND=%s", name, cmd);
	return 0;
}

static int validate_values(const struct cni_env *env, struct cni_err *err)
{
	if (env->containerid != NULL && !cni_containerid_valid(env->containerid))
		return cni_err_set(err, CNI_ERR_ENV, "invalid CNI_CONTAINERID",
				   "'%s': must start with a letter or digit followed by "
				   "letters, digits, '_', '.' or '-'", env->containerid);
	if (env->ifname != NULL && !cni_ifname_valid(env->ifname))
		return cni_err_set(err, CNI_ERR_ENV, "invalid CNI_IFNAME",
				   "'%s': must be 1-15 characters, not '.' or '..', "
				   "without '/', ':' or whitespace", env->ifname);
	return 0;
}

int cni_env_parse(struct cni_env *env, const char *(*getenv_fn)(const char *),
		  struct cni_err *err)
{
	const struct cmd_spec *spec = NULL;

	memset(env, 0, sizeof(*env));
	env->command = nonempty(getenv_fn, "CNI_COMMAND");
	if (env->command == NULL)
		return cni_err_set(err, CNI_ERR_ENV, "missing environment variable",
				   "CNI_COMMAND is required");
	for (size_t i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		if (strcmp(env->command, cmd_table[i].name) == 0)
			spec = &cmd_table[i];
	if (spec == NULL)
		return cni_err_set(err, CNI_ERR_ENV, "unknown CNI_COMMAND",
				   "'%s': expected ADD, DEL, CHECK, VERSION, GC or STATUS",
				   env->command);
	env->cmd = spec->cmd;
	env->containerid = nonempty(getenv_fn, "CNI_CONTAINERID");
	env->netns = nonempty(getenv_fn, "CNI_NETNS");
	env->ifname = nonempty(getenv_fn, "CNI_IFNAME");
	env->args = nonempty(getenv_fn, "CNI_ARGS");
	env->path = nonempty(getenv_fn, "CNI_PATH");
	if (require(env->containerid, spec->need_id, "CNI_CONTAINERID", spec->name, err) ||
	    require(env->netns, spec->need_netns, "CNI_NETNS", spec->name, err) ||
	    require(env->ifname, spec->need_ifname, "CNI_IFNAME", spec->name, err) ||
	    require(env->path, spec->need_path, "CNI_PATH", spec->name, err))
		return -1;
	return validate_values(env, err);
}
