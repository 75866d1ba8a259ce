/* `bgp-agent run -c FILE`: the daemon in the foreground, logging plain lines
 * to stderr (systemd adds time stamps) or to log.file. */
#include <stdio.h>

#include "commands.h"
#include "config.h"
#include "daemon.h"
#include "log.h"

int cmd_run(const struct cli_options *opt)
{
	struct agent_config cfg;
	int rc;

	if (config_load(opt->config_path, &cfg, stderr) != 0) {
		config_free(&cfg);
		return 2;
	}
	log_init("bgp-agent", opt->verbose ? LOG_LVL_DEBUG : cfg.log.level, stderr);
	rc = daemon_run(&cfg, opt->verbose);
	config_free(&cfg);
	return rc;
}
