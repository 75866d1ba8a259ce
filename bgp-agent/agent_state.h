/* The running daemon: the current configuration and one instance of each
 * part. Owned by daemon.c; the parts keep a pointer to cfg, whose contents are
 * swapped in place on a successful reload. */
#ifndef BGP_AGENT_AGENT_STATE_H
#define BGP_AGENT_AGENT_STATE_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "control_server.h"
#include "event_loop.h"
#include "frr_apply.h"
#include "frr_version.h"
#include "metrics_server.h"
#include "reconcile.h"
#include "status_query.h"

struct agent {
	struct agent_config cfg;
	struct event_loop *loop;
	struct frr_apply frr;
	struct reconciler *rec;      /* opaque: reconcile.h */
	struct control_server ctl;
	struct status_query status;
	struct metrics_server *metrics; /* NULL: metrics.listen is off */
	int signal_fd;
	bool stop;
	bool verbose;                /* -v: debug level whatever the file says */
	time_t started;
	char frr_version[FRR_VERSION_MAX]; /* bgpd's, "" until it answered */
	struct frr_version_query version_query;
	unsigned n_reloads;          /* successful SIGHUP reloads */
	char last_reload[256];       /* outcome of the last SIGHUP */
};

/* The answer to `status`, built from the live state (see status_report.c). */
json_t *status_report_build(struct agent *a);
/* The same without the route lists (counts instead): what metrics render. */
json_t *status_report_build_summary(struct agent *a);
/* Serves metrics.listen when set (agent_metrics.c). 0, or -1 after logging. */
int agent_metrics_open(struct agent *a);
/* Adds the routes in bgpd's answer to FRR_FILTERED_CMD_FMT for peer_name to
 * arr, each with the reason (see status_report.c). */
void status_report_add_filtered(struct agent *a, const char *peer_name,
				const struct frr_reply *reply, json_t *arr);

#endif
