/* The metrics page: every family has HELP and TYPE, values come from the
 * status summary, state sets mark exactly the current state, histograms are
 * cumulative, label values are escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_render.h"

static const char *const summary =
	"{\"agent\":{\"version\":\"1.2.3\",\"started\":1700000000,\"reloads\":2,"
	"\"tcp_md5_failures\":7},"
	"\"frr\":{\"state\":\"applied\",\"version\":\"8.4.4\",\"bgpd_connected\":true,"
	"\"bgpd_answering\":false,\"reloads\":3,\"unchanged\":1,\"failed\":4},"
	"\"peers\":[{\"name\":\"tor1\",\"address\":\"192.168.1.1\",\"state\":\"Established\","
	"\"established\":true,\"bfd\":\"down\",\"uptime_s\":3725,\"prefixes_received\":6,"
	"\"prefixes_accepted\":2,\"prefixes_filtered\":4},"
	"{\"name\":\"q\\\"\\\\\\n\",\"address\":\"eth1\",\"state\":\"Clearing\","
	"\"established\":false,\"bfd\":\"off\",\"uptime_s\":0,\"prefixes_received\":0,"
	"\"prefixes_accepted\":0,\"prefixes_filtered\":0}],"
	"\"routes\":{\"learned\":5,\"desired\":6,\"installed\":7,\"rejected\":1,\"stale\":2,\"failed\":3},"
	"\"sync\":{\"syncs\":11,\"fetches\":12,"
	"\"since_start\":{\"added\":3,\"replaced\":8,\"deleted\":1,\"failed\":9}}}";

static char *render(const char *doc, struct latency_hist *h)
{
	const struct latency_hist *hists[LATENCY_KINDS] = { &h[0], &h[1], &h[2] };
	json_error_t jerr;
	json_t *st = json_loads(doc, 0, &jerr);
	size_t len = 0;
	char *page;

	assert_non_null(st);
	page = metrics_render(st, hists, &len);
	json_decref(st);
	assert_non_null(page);
	assert_int_equal(strlen(page), len);
	return page;
}

static void has_line(const char *page, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strstr(page, want) == NULL)
		fail_msg("missing line \"%s\" in:\n%s", line, page);
}

static void test_values(void **state)
{
	struct latency_hist h[LATENCY_KINDS] = { 0 };
	char *page = render(summary, h);

	(void)state;
	assert_true(strncmp(page, "# HELP bgp_agent_up ", 20) == 0);
	has_line(page, "bgp_agent_up 1");
	has_line(page, "bgp_agent_build_info{version=\"1.2.3\",frr_version=\"8.4.4\"} 1");
	has_line(page, "bgp_agent_start_time_seconds 1700000000");
	has_line(page, "# TYPE bgp_agent_config_reloads_total counter");
	has_line(page, "bgp_agent_config_reloads_total 2");
	has_line(page, "bgp_agent_tcp_md5_failures_total 7");
	has_line(page, "bgp_agent_peer_up{peer=\"tor1\",address=\"192.168.1.1\"} 1");
	has_line(page, "bgp_agent_peer_uptime_seconds{peer=\"tor1\",address=\"192.168.1.1\"} 3725");
	has_line(page, "bgp_agent_peer_prefixes_received{peer=\"tor1\",address=\"192.168.1.1\"} 6");
	has_line(page, "bgp_agent_peer_prefixes_accepted{peer=\"tor1\",address=\"192.168.1.1\"} 2");
	has_line(page, "bgp_agent_peer_prefixes_filtered{peer=\"tor1\",address=\"192.168.1.1\"} 4");
	has_line(page, "bgp_agent_routes_learned 5");
	has_line(page, "bgp_agent_routes_desired 6");
	has_line(page, "bgp_agent_routes_installed 7");
	has_line(page, "bgp_agent_routes_rejected 1");
	has_line(page, "bgp_agent_routes_stale 2");
	has_line(page, "bgp_agent_routes_failed 3");
	has_line(page, "bgp_agent_kernel_route_changes_total{change=\"replaced\"} 8");
	has_line(page, "bgp_agent_kernel_route_failures_total 9");
	has_line(page, "bgp_agent_kernel_syncs_total 11");
	has_line(page, "bgp_agent_feed_fetches_total 12");
	has_line(page, "bgp_agent_bgpd_connected 1");
	has_line(page, "bgp_agent_bgpd_answering 0");
	has_line(page, "bgp_agent_frr_applies_total{result=\"applied\"} 3");
	has_line(page, "bgp_agent_frr_applies_total{result=\"unchanged\"} 1");
	has_line(page, "bgp_agent_frr_applies_total{result=\"failed\"} 4");
	free(page);
}

static void test_state_sets(void **state)
{
	struct latency_hist h[LATENCY_KINDS] = { 0 };
	char *page = render(summary, h);
	const char *tor = "peer=\"tor1\",address=\"192.168.1.1\"";
	char line[256];

	(void)state;
	snprintf(line, sizeof(line), "bgp_agent_peer_session_state{%s,state=\"Established\"} 1", tor);
	has_line(page, line);
	snprintf(line, sizeof(line), "bgp_agent_peer_session_state{%s,state=\"Idle\"} 0", tor);
	has_line(page, line);
	snprintf(line, sizeof(line), "bgp_agent_peer_bfd_state{%s,state=\"down\"} 1", tor);
	has_line(page, line);
	snprintf(line, sizeof(line), "bgp_agent_peer_bfd_state{%s,state=\"up\"} 0", tor);
	has_line(page, line);
	/* A state outside the set shows too; the label value is escaped. */
	has_line(page, "bgp_agent_peer_session_state{peer=\"q\\\"\\\\\\n\",address=\"eth1\","
		       "state=\"Clearing\"} 1");
	has_line(page, "bgp_agent_peer_session_state{peer=\"q\\\"\\\\\\n\",address=\"eth1\","
		       "state=\"Established\"} 0");
	has_line(page, "bgp_agent_frr_apply_state{state=\"applied\"} 1");
	has_line(page, "bgp_agent_frr_apply_state{state=\"failed\"} 0");
	free(page);
}

static void test_histograms(void **state)
{
	struct latency_hist h[LATENCY_KINDS] = { 0 };
	char *page;

	(void)state;
	latency_hist_add(&h[LATENCY_KERNEL_SYNC], 400);     /* <= 0.0005 */
	latency_hist_add(&h[LATENCY_KERNEL_SYNC], 500);     /* <= 0.0005: bounds are inclusive */
	latency_hist_add(&h[LATENCY_KERNEL_SYNC], 30000);   /* <= 0.05 */
	latency_hist_add(&h[LATENCY_KERNEL_SYNC], 90000000); /* +Inf only */
	latency_hist_add(&h[LATENCY_FRR_APPLY], 1500000);
	page = render(summary, h);
	has_line(page, "# TYPE bgp_agent_kernel_sync_duration_seconds histogram");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_bucket{le=\"0.0005\"} 2");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_bucket{le=\"0.025\"} 2");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_bucket{le=\"0.05\"} 3");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_bucket{le=\"60\"} 3");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_bucket{le=\"+Inf\"} 4");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_sum 90.030900");
	has_line(page, "bgp_agent_kernel_sync_duration_seconds_count 4");
	has_line(page, "bgp_agent_frr_apply_duration_seconds_bucket{le=\"1\"} 0");
	has_line(page, "bgp_agent_frr_apply_duration_seconds_bucket{le=\"2.5\"} 1");
	has_line(page, "bgp_agent_feed_duration_seconds_count 0");
	free(page);
}

/* Before bgpd ever answered: no peers known, fields missing. */
static void test_empty(void **state)
{
	struct latency_hist h[LATENCY_KINDS] = { 0 };
	char *page = render("{}", h);

	(void)state;
	has_line(page, "bgp_agent_up 1");
	has_line(page, "bgp_agent_build_info{version=\"\",frr_version=\"\"} 1");
	has_line(page, "bgp_agent_routes_installed 0");
	has_line(page, "bgp_agent_frr_apply_state{state=\"unknown\"} 1");
	assert_null(strstr(page, "bgp_agent_peer_up{"));
	free(page);
}

/* Every family: HELP, then TYPE, each once; every sample line belongs to the
 * family announced last. */
static void test_families(void **state)
{
	struct latency_hist h[LATENCY_KINDS] = { 0 };
	char *page = render(summary, h), *save = NULL, family[128] = "";
	size_t n_families = 0;

	(void)state;
	for (char *line = strtok_r(page, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			snprintf(family, sizeof(family), "%.*s", (int)strcspn(line + 7, " "), line + 7);
			n_families++;
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			assert_int_equal(strncmp(line + 7, family, strlen(family)), 0);
		} else {
			assert_true(strlen(family) > 0);
			assert_int_equal(strncmp(line, family, strlen(family)), 0);
		}
	}
	assert_int_equal(n_families, 29);
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_state_sets),
		cmocka_unit_test(test_histograms),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_families),
	};
	return cmocka_run_group_tests_name("metrics_render", tests, NULL, NULL);
}
