#include "ipam_delegate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni_version.h"
#include "fd_io.h"
#include "log.h"

/* An IPAM result is a few hundred bytes; anything near this is garbage. */
#define DELEGATE_OUTPUT_MAX (1024 * 1024)

extern char **environ;

static int find_plugin(const char *cni_path, const char *type, char *out, size_t len)
{
	const char *p = cni_path;

	while (p != NULL && *p != '\0') {
		const char *colon = strchr(p, ':');
		int n = colon != NULL ? (int)(colon - p) : (int)strlen(p);

		if (n > 0 && snprintf(out, len, "%.*s/%s", n, p, type) < (int)len &&
		    access(out, X_OK) == 0)
			return 0;
		p = colon != NULL ? colon + 1 : NULL;
	}
	return -1;
}

/* Our environment with CNI_COMMAND replaced. */
static char **child_env(const char *command, char *cmdvar, size_t cmdlen)
{
	size_t n = 0, j = 0;
	char **envp;

	while (environ[n] != NULL)
		n++;
	envp = calloc(n + 2, sizeof(*envp));
	if (envp == NULL)
		return NULL;
	snprintf(cmdvar, cmdlen, "CNI_COMMAND=%s", command);
	envp[j++] = cmdvar;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CNI_COMMAND=", 12) != 0)
			envp[j++] = environ[i];
	return envp;
}

struct spawn_io {
	int in[2], out[2];
};

static int spawn(const char *path, const char *command, struct spawn_io *io, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t pipe_sig;
	char cmdvar[64], *argv[] = { (char *)path, NULL };
	char **envp = child_env(command, cmdvar, sizeof(cmdvar));
	int rc;

	if (envp == NULL)
		return ENOMEM;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, io->in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, io->out[1], 1);
	/* We ignore SIGPIPE; the plugin gets the default disposition back. */
	posix_spawnattr_init(&attr);
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &pipe_sig);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, path, &fa, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	return rc;
}

/* Runs the plugin; *out gets its stdout, *status its exit status. */
static int run_plugin(const char *path, const char *command, const char *input,
		      char **out, int *status, struct cni_err *err)
{
	struct spawn_io io = { { -1, -1 }, { -1, -1 } };
	pid_t pid;
	int rc;

	if (pipe2(io.in, O_CLOEXEC) != 0 || pipe2(io.out, O_CLOEXEC) != 0) {
		rc = errno;
		goto fail;
	}
	rc = spawn(path, command, &io, &pid);
	if (rc != 0)
		goto fail;
	close(io.in[0]);
	close(io.out[1]);
	/* We write all of stdin before reading stdout: make sure the pipe holds
	 * it, so a plugin that answers before reading cannot deadlock us. */
	if (strlen(input) > 60000)
		fcntl(io.in[1], F_SETPIPE_SZ, (int)strlen(input) + 4096);
	if (fd_write_all(io.in[1], input, strlen(input)) != 0)
		log_warn("writing stdin of '%s'", path);
	close(io.in[1]);
	*out = fd_read_all(io.out[0], DELEGATE_OUTPUT_MAX, NULL);
	close(io.out[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (io.in[i] >= 0)
			close(io.in[i]);
		if (io.out[i] >= 0)
			close(io.out[i]);
	}
	return cni_err_set(err, CNI_ERR_DELEGATE, "cannot run IPAM plugin", "'%s': %s", path,
			   strerror(rc));
}

/* The delegate's error JSON becomes our error, code and all. */
static int pass_error(const char *type, const char *out, int status, struct cni_err *err)
{
	json_t *o = json_loads(out != NULL ? out : "", 0, NULL);
	json_t *code = json_object_get(o, "code"), *msg = json_object_get(o, "msg");
	json_t *det = json_object_get(o, "details");

	if (json_is_integer(code))
		cni_err_set(err, (int)json_integer_value(code),
			    json_is_string(msg) ? json_string_value(msg) : "IPAM plugin failed",
			    "IPAM plugin '%s'%s%s", type, json_is_string(det) ? ": " : "",
			    json_is_string(det) ? json_string_value(det) : "");
	else
		cni_err_set(err, CNI_ERR_DELEGATE, "IPAM plugin failed",
			    "'%s' exited with status %d without an error object", type,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	json_decref(o);
	return -1;
}

static int run_once(const struct netconf *nc, const struct cni_env *env, const char *command,
		    const char *input, json_t **result, struct cni_err *err)
{
	char path[PATH_MAX], *out = NULL;
	json_error_t jerr;
	int status = 0;

	if (find_plugin(env->path, nc->ipam.type, path, sizeof(path)) != 0)
		return cni_err_set(err, CNI_ERR_DELEGATE, "IPAM plugin not found",
				   "'%s' is not in CNI_PATH '%s'", nc->ipam.type, env->path);
	if (run_plugin(path, command, input, &out, &status, err) != 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		pass_error(nc->ipam.type, out, status, err);
		free(out);
		return -1;
	}
	*result = NULL;
	if (out != NULL && out[0] != '\0') {
		*result = json_loads(out, 0, &jerr);
		if (*result == NULL)
			cni_err_set(err, CNI_ERR_DELEGATE, "IPAM plugin answered garbage",
				    "%s: output:%d:%d: %s", nc->ipam.type, jerr.line,
				    jerr.column, jerr.text);
	}
	status = out != NULL && out[0] != '\0' && *result == NULL ? -1 : 0;
	free(out);
	return status;
}

/* Newest version in both our list and the delegate's VERSION answer. */
static int best_common_version(const struct netconf *nc, const struct cni_env *env,
			       char *out, size_t len, struct cni_err *err)
{
	json_t *v = NULL, *list, *e;
	int best = -1;
	size_t i;

	if (run_once(nc, env, "VERSION", "{\"cniVersion\":\"" CNI_VERSION_LATEST "\"}", &v,
		     err) != 0)
		return -1;
	list = json_object_get(v, "supportedVersions");
	json_array_foreach(list, i, e) {
		int idx = cni_version_index(json_string_value(e));

		if (idx > best && idx <= cni_version_index(nc->cni_version))
			best = idx;
	}
	json_decref(v);
	if (best < 0)
		return cni_err_set(err, CNI_ERR_VERSION, "incompatible CNI version",
				   "IPAM plugin '%s' supports no version we speak", nc->ipam.type);
	snprintf(out, len, "%s", cni_versions_supported()[best]);
	return 0;
}

static char *config_with_version(const struct netconf *nc, const char *version)
{
	json_t *copy = json_deep_copy(nc->root);
	char *s;

	json_object_set_new(copy, "cniVersion", json_string(version));
	s = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return s;
}

static int run_with_fallback(const struct netconf *nc, const struct cni_env *env,
			     const char *command, json_t **result, struct cni_err *err)
{
	char *input = json_dumps(nc->root, JSON_COMPACT), version[16];
	struct cni_err first = { 0 };
	int rc;

	if (input == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "delegate input");
	rc = run_once(nc, env, command, input, result, &first);
	free(input);
	if (rc == 0 || first.code != CNI_ERR_VERSION) {
		if (rc != 0)
			*err = first;
		return rc;
	}
	if (best_common_version(nc, env, version, sizeof(version), err) != 0)
		return -1;
	log_debug("IPAM plugin '%s' speaks %s, retrying with it", nc->ipam.type, version);
	input = config_with_version(nc, version);
	if (input == NULL)
		return cni_err_set(err, CNI_ERR_INTERNAL, "out of memory", "delegate input");
	rc = run_once(nc, env, command, input, result, err);
	free(input);
	return rc;
}

int ipam_delegate_run(const struct netconf *nc, const struct cni_env *env,
		      const char *command, struct cni_result *res, struct cni_err *err)
{
	json_t *out = NULL;
	int rc = run_with_fallback(nc, env, command, &out, err);

	if (rc == 0 && res != NULL) {
		if (out == NULL)
			rc = cni_err_set(err, CNI_ERR_DELEGATE, "IPAM plugin answered nothing",
					 "'%s' printed no result for %s", nc->ipam.type, command);
		else
			rc = result_from_json(out, "IPAM result", res, err);
	}
	json_decref(out);
	return rc;
}

int ipam_delegate_supports(const struct netconf *nc, const struct cni_env *env,
			   const char *version, struct cni_err *err)
{
	json_t *v = NULL, *list, *e;
	size_t i;
	int found = 0;

	if (run_once(nc, env, "VERSION", "{\"cniVersion\":\"" CNI_VERSION_LATEST "\"}", &v,
		     err) != 0)
		return -1;
	list = json_object_get(v, "supportedVersions");
	json_array_foreach(list, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), version) == 0)
			found = 1;
	json_decref(v);
	return found;
}
