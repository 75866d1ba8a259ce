/* The CNI conflist: exact JSON for a dual-stack node (IPv4 range set first,
 * keys sorted), and byte-identical on a second rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cni_conflist.h"
#include "config.h"

static const char want_dual[] =
	"{\n"
	"  \"cniVersion\": \"1.0.0\",\n"
	"  \"name\": \"bgp-bridge\",\n"
	"  \"plugins\": [\n"
	"    {\n"
	"      \"bridge\": \"cni0\",\n"
	"      \"ipam\": {\n"
	"        \"ranges\": [\n"
	"          [\n"
	"            {\n"
	"              \"subnet\": \"10.244.0.192/26\"\n"
	"            }\n"
	"          ],\n"
	"          [\n"
	"            {\n"
	"              \"subnet\": \"fd00:10:244:3::/64\"\n"
	"            }\n"
	"          ]\n"
	"        ],\n"
	"        \"type\": \"bgp-bridge\"\n"
	"      },\n"
	"      \"isDefaultGateway\": true,\n"
	"      \"isGateway\": true,\n"
	"      \"mtu\": 1500,\n"
	"      \"type\": \"bgp-bridge\"\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void test_dual_stack(void **state)
{
	struct agent_config cfg;
	char *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(config_load("tests/golden/render/dual-stack.conf", &cfg, stderr), 0);
	assert_int_equal(cni_conflist_render(&cfg, &a), 0);
	assert_string_equal(a, want_dual);
	assert_int_equal(cni_conflist_render(&cfg, &b), 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	config_free(&cfg);
}

static void test_settings_follow_config(void **state)
{
	struct agent_config cfg;
	char *out = NULL;

	(void)state;
	assert_int_equal(config_load("tests/golden/render/tor-ebgp.conf", &cfg, stderr), 0);
	snprintf(cfg.cni.bridge, sizeof(cfg.cni.bridge), "br-pods");
	snprintf(cfg.cni.network, sizeof(cfg.cni.network), "pods");
	cfg.cni.mtu = 9000;
	assert_int_equal(cni_conflist_render(&cfg, &out), 0);
	assert_non_null(strstr(out, "\"name\": \"pods\""));
	assert_non_null(strstr(out, "\"bridge\": \"br-pods\""));
	assert_non_null(strstr(out, "\"mtu\": 9000"));
	assert_non_null(strstr(out, "\"subnet\": \"10.244.1.0/24\""));
	assert_null(strstr(out, "fd00"));
	free(out);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_settings_follow_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
