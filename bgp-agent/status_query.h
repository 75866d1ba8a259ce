/* What `status` asks bgpd (fresh peer counters, the routes FRR's inbound
 * policy refused), asked asynchronously on a connection of its own: the
 * control client waits, the event loop does not. Clients arriving while a
 * round runs join it; all get their answer when it ends, at the latest
 * STATUS_VTY_MS per request. While bgpd is known not to answer, status is
 * answered at once from what the agent knows. */
#ifndef BGP_AGENT_STATUS_QUERY_H
#define BGP_AGENT_STATUS_QUERY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "control_server.h"
#include "event_loop.h"
#include "frr_vty.h"

#define STATUS_VTY_MS 500

struct agent;

struct status_query {
	struct frr_vty vty;
	struct frr_reply reply;
	uint64_t waiting[CONTROL_CLIENTS_MAX]; /* control clients to answer */
	size_t n_waiting;
	size_t step;           /* 0: peers; then one per (peer, family) */
	json_t *filtered;      /* FRR-refused routes of the running round */
	json_t *last_filtered; /* of the last complete round */
	bool metrics_waiting;  /* a scrape waits for this round (metrics_server) */
};

int status_query_init(struct status_query *q, struct event_loop *loop,
		      const struct agent_config *cfg);
void status_query_free(struct status_query *q);
/* The `status` command: answers now (*reply) or later (CONTROL_DEFERRED). */
enum control_result status_query_start(struct agent *a, uint64_t client_id, json_t **reply);
/* For a scrape: runs (or joins) a round and tells a->metrics when it ends.
 * false: no round can run now; answer with what is known. */
bool status_query_refresh(struct agent *a);

#endif
