/* `bgp-agent status [-c FILE] [--json]`: asks the running agent over its
 * control socket and prints the answer. */
#include <stdio.h>

#include "commands.h"
#include "config.h"
#include "control_server.h"
#include "status_print.h"

int cmd_status(const struct cli_options *opt)
{
	struct agent_config cfg;
	json_t *reply = NULL;
	const char *error;
	char err[512];
	int rc = 1;

	if (config_load(opt->config_path, &cfg, stderr) != 0) {
		config_free(&cfg);
		return 2;
	}
	if (control_request(cfg.control.socket, "status", &reply, err, sizeof(err)) != 0) {
		fprintf(stderr, "bgp-agent: %s\n", err);
		goto out;
	}
	error = json_string_value(json_object_get(reply, "error"));
	if (error != NULL) {
		fprintf(stderr, "bgp-agent: the agent answered: %s\n", error);
		goto out;
	}
	if (opt->json)
		rc = status_print_json(reply, stdout) == 0 ? 0 : 1;
	else {
		status_print_text(reply, stdout);
		rc = 0;
	}
out:
	json_decref(reply);
	config_free(&cfg);
	return rc;
}
