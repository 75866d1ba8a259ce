#include "status_query.h"

#include <stdio.h>

#include "agent_state.h"
#include "frr_filtered.h"
#include "frr_learn.h"
#include "log.h"
#include "metrics_server.h"

static const char *const af_name[BGP_AF_COUNT] = { "ipv4", "ipv6" };

int status_query_init(struct status_query *q, struct event_loop *loop,
		      const struct agent_config *cfg)
{
	memset(q, 0, sizeof(*q));
	return frr_vty_open_bgpd(&q->vty, loop, cfg);
}

void status_query_free(struct status_query *q)
{
	frr_vty_free(&q->vty);
	frr_reply_free(&q->reply);
	json_decref(q->filtered);
	json_decref(q->last_filtered);
	q->filtered = q->last_filtered = NULL;
}

static void on_reply(void *arg, int rc, struct frr_reply *reply);

/* Step k >= 1 asks for peer (k-1)/BGP_AF_COUNT's refused routes of family
 * (k-1)%BGP_AF_COUNT; families the cluster does not use are skipped. */
static int send_step(struct agent *a)
{
	struct status_query *q = &a->status;
	char cmd[160], id[PEER_ID_MAX];

	if (q->step == 0)
		return frr_vty_request(&q->vty, BGP_PEERS_CMD, STATUS_VTY_MS, &q->reply, on_reply, a);
	for (;; q->step++) {
		size_t peer = (q->step - 1) / BGP_AF_COUNT;
		int af = (int)((q->step - 1) % BGP_AF_COUNT);

		if (peer >= a->cfg.n_peers)
			return 1; /* round complete */
		if (!frr_learn_af_in_use(&a->cfg, af))
			continue;
		config_peer_id(&a->cfg.peers[peer], id, sizeof(id));
		snprintf(cmd, sizeof(cmd), FRR_FILTERED_CMD_FMT, af_name[af], id);
		return frr_vty_request(&q->vty, cmd, STATUS_VTY_MS, &q->reply, on_reply, a);
	}
}

static void round_done(struct agent *a, bool complete)
{
	struct status_query *q = &a->status;
	json_t *report;

	if (complete) {
		json_decref(q->last_filtered);
		q->last_filtered = q->filtered;
	} else {
		json_decref(q->filtered);
	}
	q->filtered = NULL;
	if (q->metrics_waiting) {
		q->metrics_waiting = false;
		metrics_server_refreshed(a->metrics);
	}
	if (q->n_waiting == 0)
		return;
	/* One report for every client that waited on this round. */
	report = status_report_build(a);
	for (size_t i = 0; i < q->n_waiting; i++)
		control_server_answer(&a->ctl, q->waiting[i], json_incref(report));
	json_decref(report);
	q->n_waiting = 0;
}

static void take_reply(struct agent *a, const struct frr_reply *reply)
{
	struct status_query *q = &a->status;

	if (q->step == 0) {
		reconcile_peers_update(a->rec, reply);
		return;
	}
	status_report_add_filtered(a, a->cfg.peers[(q->step - 1) / BGP_AF_COUNT].name, reply,
				   q->filtered);
}

static void on_reply(void *arg, int rc, struct frr_reply *reply)
{
	struct agent *a = arg;
	int next;

	reconcile_bgpd_outcome(a->rec, rc, STATUS_VTY_MS);
	if (rc != FRR_VTY_OK) {
		log_debug("status: bgpd: %s; answering with what is known", frr_vty_strerror(rc));
		round_done(a, false);
		return;
	}
	take_reply(a, reply);
	a->status.step++;
	next = send_step(a);
	if (next != FRR_VTY_OK)
		round_done(a, next == 1);
}

/* Starts a round, or joins the running one; false when none can run now
 * (bgpd known not to answer, or not reachable). */
static bool join_round(struct agent *a)
{
	struct status_query *q = &a->status;

	if (reconcile_bgpd_silent_since(a->rec) != 0)
		return false;
	if (frr_vty_busy(&q->vty))
		return true;
	q->step = 0;
	q->filtered = json_array();
	if (send_step(a) != FRR_VTY_OK) {
		json_decref(q->filtered);
		q->filtered = NULL;
		return false;
	}
	return true;
}

enum control_result status_query_start(struct agent *a, uint64_t client_id, json_t **reply)
{
	struct status_query *q = &a->status;

	if (q->n_waiting == CONTROL_CLIENTS_MAX || !join_round(a)) {
		*reply = status_report_build(a);
		return CONTROL_ANSWERED;
	}
	q->waiting[q->n_waiting++] = client_id;
	return CONTROL_DEFERRED;
}

bool status_query_refresh(struct agent *a)
{
	if (!join_round(a))
		return false;
	a->status.metrics_waiting = true;
	return true;
}
