/* The CNI conflist: exact JSON for a dual-stack node (IPv4 range set first,
 * keys sorted), and byte-identical on a second rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cni_conflist.h"
#include "config.h"
#include "netconf.h"

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

/* The bgp-bridge plugin's own parser accepts the plugin entry as a runtime
 * hands it over (conflist's cniVersion and name copied in). */
static void test_plugin_parses_it(void **state)
{
	struct agent_config cfg;
	struct netconf nc;
	struct cni_err err = { 0 };
	json_t *list, *plugin;
	char *out = NULL, *conf;
	char buf[PREFIX_STRLEN];

	(void)state;
	memset(&nc, 0, sizeof(nc));
	assert_int_equal(config_load("tests/golden/render/dual-stack.conf", &cfg, stderr), 0);
	assert_int_equal(cni_conflist_render(&cfg, &out), 0);
	list = json_loads(out, 0, NULL);
	assert_non_null(list);
	plugin = json_array_get(json_object_get(list, "plugins"), 0);
	json_object_set(plugin, "cniVersion", json_object_get(list, "cniVersion"));
	json_object_set(plugin, "name", json_object_get(list, "name"));
	conf = json_dumps(plugin, 0);
	if (netconf_parse(conf, strlen(conf), &nc, &err) != 0)
		fail_msg("bgp-bridge rejects it: %d %s %s", err.code, err.msg, err.details);
	assert_string_equal(nc.type, "bgp-bridge");
	assert_string_equal(nc.bridge, "cni0");
	assert_true(nc.is_gateway);
	assert_true(nc.is_default_gw);
	assert_int_equal(nc.mtu, 1500);
	assert_true(nc.ipam.builtin);
	assert_int_equal(nc.ipam.n_ranges, 2);
	assert_string_equal(prefix_format(&nc.ipam.ranges[0].subnet, buf, sizeof(buf)), "10.244.0.192/26");
	assert_string_equal(prefix_format(&nc.ipam.ranges[1].subnet, buf, sizeof(buf)), "fd00:10:244:3::/64");
	netconf_free(&nc);
	free(conf);
	json_decref(list);
	free(out);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_settings_follow_config),
		cmocka_unit_test(test_plugin_parses_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
