/* Golden tests of the FRR rendering: every tests/golden/render/NAME.conf
 * renders byte for byte to NAME.frr (hostname = the node name), twice in a
 * row identically. Run from the repository root (as `make unit` does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "config.h"
#include "render_frr.h"

#define GOLDEN_DIR "tests/golden/render"
#define TEMPLATE "frr-templates/frr.conf.tmpl"

static char *render_golden(const char *conf_path)
{
	struct agent_config cfg;
	char *out = NULL;

	if (config_load(conf_path, &cfg, stderr) != 0)
		fail_msg("%s does not load", conf_path);
	assert_int_equal(render_frr_config_from(&cfg, cfg.node.name, TEMPLATE, &out, stderr), 0);
	config_free(&cfg);
	return out;
}

static int check_golden(const char *name)
{
	char conf[PATH_MAX], want_path[PATH_MAX];
	char *want, *got, *again;
	int failed = 0;

	snprintf(conf, sizeof(conf), "%s/%s.conf", GOLDEN_DIR, name);
	snprintf(want_path, sizeof(want_path), "%s/%s.frr", GOLDEN_DIR, name);
	want = read_whole_file(want_path, NULL);
	if (want == NULL)
		fail_msg("%s: missing", want_path);
	got = render_golden(conf);
	again = render_golden(conf);
	if (strcmp(got, want) != 0) {
		print_error("%s: rendering differs from %s; got:\n%s", conf, want_path, got);
		failed = 1;
	}
	if (strcmp(got, again) != 0) {
		print_error("%s: two renderings differ", conf);
		failed = 1;
	}
	free(want);
	free(got);
	free(again);
	return failed;
}

static void test_golden_files(void **state)
{
	DIR *dir = opendir(GOLDEN_DIR);
	struct dirent *e;
	int n = 0, failed = 0;

	(void)state;
	if (dir == NULL)
		fail_msg("%s: not found (run from the repository root)", GOLDEN_DIR);
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char name[256];

		if (len < 6 || strcmp(e->d_name + len - 5, ".conf") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
		failed += check_golden(name);
		n++;
	}
	closedir(dir);
	/* ToR eBGP, iBGP RR clients, node mesh, dual-stack, unnumbered, bfd+password */
	assert_true(n >= 6);
	assert_int_equal(failed, 0);
}

/* The public entry point takes the template from cfg->frr.templates and the
 * machine's hostname; the output differs from the golden one only there. */
static void test_render_frr_config(void **state)
{
	struct agent_config cfg;
	char cwd[PATH_MAX - 32], host[256], line[300], *out = NULL;

	(void)state;
	assert_int_equal(config_load(GOLDEN_DIR "/tor-ebgp.conf", &cfg, stderr), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(cfg.frr.templates, sizeof(cfg.frr.templates), "%s/frr-templates", cwd);
	assert_int_equal(render_frr_config(&cfg, &out, stderr), 0);
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	snprintf(line, sizeof(line), "\nhostname %s\n", host);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "\nrouter bgp 65001\n bgp router-id 192.168.1.11\n"));
	free(out);
	snprintf(cfg.frr.templates, sizeof(cfg.frr.templates), "/nonexistent");
	assert_int_equal(render_frr_config(&cfg, &out, NULL), -1);
	assert_null(out);
	config_free(&cfg);
}

/* The policy the issue asks for, stated directly (not only via the goldens). */
static void test_policy_lines(void **state)
{
	char *out = render_golden(GOLDEN_DIR "/dual-stack.conf");
	const char *deny_own = "ip prefix-list BGP-AGENT-IMPORT-V4 seq 10 deny 10.244.0.192/26\n";
	const char *permit = "ip prefix-list BGP-AGENT-IMPORT-V4 seq 15 permit 10.244.0.0/22 ge 26 le 26\n";

	(void)state;
	assert_non_null(strstr(out, "\nbgp no-rib\n"));
	assert_non_null(strstr(out, "\nfrr defaults datacenter\n"));
	assert_non_null(strstr(out, "ip prefix-list BGP-AGENT-IMPORT-V4 seq 5 deny 0.0.0.0/0\n"));
	assert_non_null(strstr(out, "ipv6 prefix-list BGP-AGENT-IMPORT-V6 seq 5 deny ::/0\n"));
	assert_non_null(strstr(out, deny_own));
	assert_non_null(strstr(out, permit));
	assert_true(strstr(out, deny_own) < strstr(out, permit)); /* denies first */
	assert_non_null(strstr(out, "ip prefix-list BGP-AGENT-EXPORT-V4 seq 10 permit 10.244.0.192/26\n"));
	/* the IPv4 session carries IPv4 only, the IPv6 session IPv6 only */
	assert_null(strstr(out, "address-family ipv6 unicast\n  network fd00:10:244:3::/64\n"
			   "  neighbor 192.168.1.1"));
	assert_non_null(strstr(out, "  neighbor fd00:192:168:1::1 route-map BGP-AGENT-IMPORT-V6 in\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_files),
		cmocka_unit_test(test_render_frr_config),
		cmocka_unit_test(test_policy_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
