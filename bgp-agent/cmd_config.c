/* The configuration subcommands: check-config and render. Both only read;
 * neither touches FRR, the kernel or the file system beyond the config. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "render_frr.h"

int cmd_check_config(const struct cli_options *opt)
{
	struct agent_config cfg;
	int rc = 2;

	if (config_load(opt->config_path, &cfg, stderr) == 0) {
		printf("%s: configuration OK (%zu peer%s)\n", opt->config_path, cfg.n_peers,
		       cfg.n_peers == 1 ? "" : "s");
		rc = 0;
	}
	config_free(&cfg);
	return rc;
}

int cmd_render(const struct cli_options *opt)
{
	struct agent_config cfg;
	char *out = NULL;
	int rc = 2;

	if (config_load(opt->config_path, &cfg, stderr) == 0 &&
	    render_frr_config(&cfg, &out, stderr) == 0) {
		fputs(out, stdout);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	free(out);
	config_free(&cfg);
	return rc;
}
