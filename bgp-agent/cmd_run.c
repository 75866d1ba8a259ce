/* `bgp-agent run -c FILE`: the daemon in the foreground, logging plain lines
 * to stderr (systemd adds time stamps) or to log.file. */
#include <stdio.h>

#include "commands.h"
#include "config.h"
#include "daemon.h"
#include "instance_lock.h"
#include "log.h"

int cmd_run(const struct cli_options *opt)
{
	struct agent_config cfg;
	struct instance_lock lock;
	int rc;

	if (config_load(opt->config_path, &cfg, stderr) != 0) {
		config_free(&cfg);
		return 2;
	}
	log_init("bgp-agent", opt->verbose ? LOG_LVL_DEBUG : cfg.log.level, stderr);
	/* Before anything is touched: a second agent leaves the first alone. */
	if (instance_lock_acquire(&cfg, opt->wait_s >= 0 ? (unsigned)opt->wait_s
					 : INSTANCE_WAIT_DEFAULT_S, &lock) != 0) {
		config_free(&cfg);
		return 1;
	}
	rc = daemon_run(&cfg, opt->verbose);
	instance_lock_release(&lock);
	config_free(&cfg);
	return rc;
}
