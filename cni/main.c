/* bgp-bridge: CNI plugin. Environment and stdin in, exactly one result or
 * error JSON out on stdout; logs go to stderr or the configured log file. */
#include <errno.h>
#include <signal.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni_env.h"
#include "cni_error.h"
#include "cni_version.h"
#include "fd_io.h"
#include "log.h"
#include "netconf.h"
#include "ops.h"

#define STDIN_MAX (4 * 1024 * 1024)

struct command {
	enum cni_cmd cmd;
	const char *min_version; /* the first spec version with this command */
	int (*fn)(const struct cni_env *, const struct netconf *, struct cni_err *);
};

static const struct command commands[] = {
	{ CMD_ADD, "0.3.0", op_add },
	{ CMD_DEL, "0.3.0", op_del },
	{ CMD_CHECK, "0.4.0", op_check },
	{ CMD_GC, "1.1.0", op_gc },
	{ CMD_STATUS, "1.1.0", op_status },
};

static const char *env_get(const char *name)
{
	return getenv(name);
}

static int print_version(const char *in, size_t len)
{
	char v[16];
	json_t *o = json_object(), *list = json_array();
	char *s;

	netconf_peek_version(in, len, v, sizeof(v));
	for (const char *const *p = cni_versions_supported(); *p != NULL; p++)
		json_array_append_new(list, json_string(*p));
	json_object_set_new(o, "cniVersion",
			    json_string(cni_version_supported(v) ? v : CNI_VERSION_LATEST));
	json_object_set_new(o, "supportedVersions", list);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		return 1;
	printf("%s\n", s);
	free(s);
	return 0;
}

static void setup_logging(const struct netconf *nc)
{
	if (nc->log_level[0] != '\0')
		log_set_level((enum log_level)log_level_parse(nc->log_level));
	if (nc->log_file[0] != '\0' && log_open_file(nc->log_file) != 0)
		log_warn("cannot open log file '%s'", nc->log_file);
}

static int dispatch(const struct cni_env *env, const struct netconf *nc, struct cni_err *err)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (commands[i].cmd != env->cmd)
			continue;
		if (!cni_version_at_least(nc->cni_version, commands[i].min_version))
			return cni_err_set(err, CNI_ERR_VERSION, "incompatible CNI version",
					   "%s needs cniVersion %s or newer, config has '%s'",
					   env->command, commands[i].min_version, nc->cni_version);
		log_debug("%s %s/%s", env->command, env->containerid ? env->containerid : "-",
			  env->ifname ? env->ifname : "-");
		return commands[i].fn(env, nc, err);
	}
	return cni_err_set(err, CNI_ERR_ENV, "unknown CNI_COMMAND", "'%s'", env->command);
}

int main(void)
{
	struct cni_err err = { 0 };
	struct netconf nc;
	struct cni_env env;
	char version[16];
	size_t len = 0;
	char *in;
	int rc = 1;

	log_init("bgp-bridge", LOG_LVL_WARN, stderr);
	/* A delegated IPAM plugin may exit before reading all of its stdin: that
	 * must be an EPIPE we report, not a signal that kills us mid-ADD. */
	signal(SIGPIPE, SIG_IGN);
	memset(&nc, 0, sizeof(nc));
	in = fd_read_all(STDIN_FILENO, STDIN_MAX, &len);
	if (in == NULL) {
		cni_err_set(&err, CNI_ERR_IO, "cannot read stdin", "%s", strerror(errno));
		goto out;
	}
	if (cni_env_parse(&env, env_get, &err) != 0)
		goto out;
	if (env.cmd == CMD_VERSION) {
		rc = print_version(in, len);
		goto out;
	}
	if (netconf_parse(in, len, &nc, &err) != 0)
		goto out;
	setup_logging(&nc);
	rc = dispatch(&env, &nc, &err) == 0 ? 0 : 1;
out:
	if (err.code != CNI_OK) {
		netconf_peek_version(in != NULL ? in : "", len, version, sizeof(version));
		cni_err_print(&err, cni_version_supported(version) ? version : CNI_VERSION_LATEST,
			      stdout);
		log_errorx("%s: %s", err.msg, err.details);
		rc = 1;
	}
	fflush(stdout);
	netconf_free(&nc);
	free(in);
	log_close();
	return rc;
}
