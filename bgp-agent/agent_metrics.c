/* The agent's side of the metrics endpoint: a scrape first refreshes what
 * `status` asks bgpd (peer counters, refused routes), then renders the same
 * summary status builds. */
#include "agent_state.h"
#include "latency.h"
#include "metrics_render.h"

static bool refresh(void *arg)
{
	return status_query_refresh(arg);
}

static char *render(void *arg, size_t *len)
{
	const struct latency_hist *hists[LATENCY_KINDS];
	json_t *status = status_report_build_summary(arg);
	char *page;

	for (int k = 0; k < LATENCY_KINDS; k++)
		hists[k] = latency_get((enum latency_kind)k);
	page = status != NULL ? metrics_render(status, hists, len) : NULL;
	json_decref(status);
	return page;
}

int agent_metrics_open(struct agent *a)
{
	const struct metrics_source src = { .refresh = refresh, .render = render, .arg = a };

	if (a->cfg.metrics.listen[0] == '\0')
		return 0;
	a->metrics = metrics_server_open(a->loop, a->cfg.metrics.listen, &src);
	return a->metrics != NULL ? 0 : -1;
}
