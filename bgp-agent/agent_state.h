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
#include "reconcile.h"

struct agent {
	struct agent_config cfg;
	struct event_loop *loop;
	struct frr_apply frr;
	struct reconciler rec;
	struct control_server ctl;
	int signal_fd;
	bool stop;
	bool verbose;                /* -v: debug level whatever the file says */
	time_t started;
	char frr_version[FRR_VERSION_MAX]; /* bgpd's, "" until it answered */
	unsigned n_reloads;          /* successful SIGHUP reloads */
	char last_reload[256];       /* outcome of the last SIGHUP */
};

/* The answer to `status`, built from the live state (see status_report.c). */
json_t *status_report_build(struct agent *a);

#endif
