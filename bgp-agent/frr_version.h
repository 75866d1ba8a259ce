/* Which FRR the agent talks to: bgpd's `show version`, asked (without waiting) each
 * time bgpd (re)appears, kept for the log and `bgp-agent status`. */
#ifndef BGP_AGENT_FRR_VERSION_H
#define BGP_AGENT_FRR_VERSION_H

#include <stddef.h>

#include "config.h"
#include "event_loop.h"
#include "frr_vty.h"

#define FRR_VERSION_MAX 64

/* "FRRouting 8.4.4 (host) on Linux(6.1.0)." (the first line of `show
 * version`) → "FRRouting 8.4.4". 0, or -1 when text does not start like that
 * (out is then ""). */
int frr_version_parse(const char *text, char *out, size_t size);

/* The command and parser telling whether bgpd has any BGP instance yet (a
 * `router bgp`): bgpd started with a bootstrap configuration has none.
 * Returns the number of instances (`"totalVrfs"`), or -1 when json is not
 * such an answer. */
#define FRR_BGP_INSTANCES_CMD "show bgp vrfs json"
long frr_bgp_instances_parse(const char *json, size_t len);
/* Asks cfg's bgpd asynchronously (at most FRR_VERSION_TIMEOUT_MS); the
 * answer lands in out ("" until bgpd answered usefully). */
struct frr_version_query {
	struct frr_vty vty;
	struct frr_reply reply;
	char *out;
	size_t size;
};
#define FRR_VERSION_TIMEOUT_MS 1000

int frr_version_query_init(struct frr_version_query *q, struct event_loop *loop,
			   const struct agent_config *cfg, char *out, size_t size);
void frr_version_query_free(struct frr_version_query *q);
void frr_version_query_start(struct frr_version_query *q);

#endif
