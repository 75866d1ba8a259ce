/* The agent daemon (`bgp-agent run`): one epoll loop over signals, timers,
 * the kernel's route/link events and the control socket. */
#ifndef BGP_AGENT_DAEMON_H
#define BGP_AGENT_DAEMON_H

#include <stdbool.h>

#include "config.h"

/* Runs until SIGTERM/SIGINT. Takes over cfg (its contents are moved; cfg is
 * left zeroed). Routes are left in the kernel on exit, so a restart causes no
 * churn (`bgp-agent cleanup` removes them). verbose (-v) keeps the debug
 * level across reloads, whatever log.level says. Returns the exit status. */
int daemon_run(struct agent_config *cfg, bool verbose);

#endif
