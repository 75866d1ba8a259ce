/* The phases of config_load() (config.c): defaults -> parse (config_parse.c,
 * the only libconfig user) -> derived defaults -> validate (config_validate.c).
 * Internal to the config module. */
#ifndef BGP_AGENT_CONFIG_PHASES_H
#define BGP_AGENT_CONFIG_PHASES_H

#include "config.h"
#include "config_source.h"

/* Default per-peer limit of accepted prefixes per address family: four times
 * Kubernetes' supported maximum of 5,000 nodes, so a legitimate cluster never
 * hits it, while a peer leaking a full table is still cut off. */
#define DEFAULT_PEER_MAX_PREFIXES 20000

/* bgpd's BMP listener on the node's loopback: BGP's 179 behind "110", a port
 * nothing else of a node is known to take. */
#define DEFAULT_BMP_PORT 11019

void config_defaults(struct agent_config *cfg);
void config_peer_defaults(struct peer_config *peer);
/* Reads path into cfg; every error is reported through src. Returns -1 only
 * when the file could not be read or parsed at all (no struct to validate). */
int config_parse_file(const char *path, struct agent_config *cfg, struct config_source *src);
/* Fills defaults that depend on other keys (socket from the pathspace, ...). */
void config_derive_defaults(struct agent_config *cfg, const struct config_source *src);
/* Cross-field checks over the plain struct; errors reported through src. */
void config_validate(const struct agent_config *cfg, struct config_source *src);
/* The key reference as data, for the documentation check (tests/docs/):
 * one line per key, "KEY<TAB>TYPE<TAB>RANGE<TAB>DEFAULT", straight from the
 * parser's key tables and config_defaults(). */
void config_keys_describe(FILE *out);

#endif
