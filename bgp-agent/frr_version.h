/* Which FRR the agent talks to: bgpd's `show version`, asked once each time
 * bgpd (re)appears, kept for the log and `bgp-agent status`. */
#ifndef BGP_AGENT_FRR_VERSION_H
#define BGP_AGENT_FRR_VERSION_H

#include <stddef.h>

#include "config.h"

#define FRR_VERSION_MAX 64

/* "FRRouting 8.4.4 (host) on Linux(6.1.0)." (the first line of `show
 * version`) → "FRRouting 8.4.4". 0, or -1 when text does not start like that
 * (out is then ""). */
int frr_version_parse(const char *text, char *out, size_t size);
/* Asks cfg's bgpd, waiting at most timeout_ms; out is "" when it did not
 * answer usefully. 0 or -1. */
int frr_version_fetch(const struct agent_config *cfg, int timeout_ms, char *out, size_t size);

#endif
