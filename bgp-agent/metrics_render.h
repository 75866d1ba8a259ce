/* The metrics page in Prometheus' text format (0.0.4), rendered from the
 * status summary (status_report_build_summary: the data `bgp-agent status`
 * shows) and the latency histograms. Pure: no I/O, no clock. */
#ifndef BGP_AGENT_METRICS_RENDER_H
#define BGP_AGENT_METRICS_RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "latency.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The page (malloc'd, NUL-terminated, length in *len), or NULL when out of
 * memory. Missing fields render as 0 / "unknown". */
char *metrics_render(const json_t *status, const struct latency_hist *const hists[LATENCY_KINDS],
		     size_t *len);

#endif
