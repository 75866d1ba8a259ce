/* Temporary: lets bgp-agent link until the daemon part lands; its author
 * deletes this file together with adding cmd_run/cmd_status/cmd_cleanup. */
#include "commands.h"
#include "log.h"

static int not_available(const char *name)
{
	log_errorx("\"%s\" is not available yet in this build", name);
	return 1;
}

int cmd_run(const struct cli_options *opt)
{
	(void)opt;
	return not_available("run");
}

int cmd_status(const struct cli_options *opt)
{
	(void)opt;
	return not_available("status");
}

int cmd_cleanup(const struct cli_options *opt)
{
	(void)opt;
	return not_available("cleanup");
}
