/* The subcommands of bgp-agent (main.c holds the table and the option parsing). */
#ifndef BGP_AGENT_COMMANDS_H
#define BGP_AGENT_COMMANDS_H

#include <stdbool.h>

#define DEFAULT_CONFIG_PATH "/etc/bgp-agent/agent.conf"

struct cli_options {
	const char *config_path; /* -c FILE, default DEFAULT_CONFIG_PATH */
	bool json;               /* --json (status) */
	bool verbose;            /* -v: debug logging */
	int wait_s;              /* --wait SECONDS (run); -1: INSTANCE_WAIT_DEFAULT_S */
};

/* Each returns the process exit status: 0 ok, 1 runtime failure, 2 bad
 * configuration or usage. */
int cmd_run(const struct cli_options *opt);
int cmd_check_config(const struct cli_options *opt);
int cmd_render(const struct cli_options *opt);
int cmd_status(const struct cli_options *opt);
int cmd_cleanup(const struct cli_options *opt);

#endif
