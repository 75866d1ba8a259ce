/* The status printers (tables are aligned to the widest cell, JSON is the
 * same document) and the parser of FRR's filtered-routes answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frr_filtered.h"
#include "status_print.h"

static const char *const status_doc =
	"{\"agent\":{\"version\":\"1.2.3\",\"pid\":77,\"node\":\"node1\",\"config\":\"/etc/a.conf\","
	"\"started\":0,\"asn\":65001,\"table\":254,\"protocol\":52,\"last_reload\":\"none\",\"tcp_md5_failures\":7},"
	"\"frr\":{\"state\":\"applied\",\"bgpd_connected\":true,\"bgpd_pid\":12,"
	"\"last_result\":\"ok\",\"since\":0,\"reloads\":1,\"unchanged\":0},"
	"\"peers\":[{\"name\":\"tor1\",\"address\":\"192.168.1.1\",\"remote_as\":65000,"
	"\"state\":\"Established\",\"established\":true,\"bfd\":\"down\",\"last_reset\":\"\",\"uptime_s\":3725,"
	"\"prefixes_received\":6,\"prefixes_accepted\":2,\"prefixes_filtered\":4,\"end_of_rib\":true},"
	"{\"name\":\"spine-long-name\",\"address\":\"fd00::1\",\"remote_as\":4200000000,"
	"\"state\":\"Active\",\"established\":false,\"bfd\":\"off\",\"md5\":true,"
	"\"last_reset\":\"Waiting for peer OPEN\",\"uptime_s\":0,"
	"\"prefixes_received\":0,\"prefixes_accepted\":0,\"prefixes_filtered\":0,\"end_of_rib\":false}],"
	"\"advertised\":[{\"prefix\":\"10.244.1.0/24\",\"anchor\":true}],"
	"\"learned\":[{\"prefix\":\"10.244.100.0/24\",\"type\":\"unicast\",\"metric\":20,"
	"\"nexthops\":[{\"via\":\"192.168.1.1\"},{\"via\":\"fe80::1\",\"dev\":\"eth1\"}]}],"
	"\"installed\":[{\"prefix\":\"10.244.1.0/24\",\"type\":\"unreachable\",\"metric\":1,\"nexthops\":[]}],"
	"\"rejected\":[{\"prefix\":\"0.0.0.0/0\",\"type\":\"unicast\",\"metric\":20,"
	"\"nexthops\":[{\"via\":\"192.168.1.1\"}],\"reason\":\"0.0.0.0/0 is a default route\","
	"\"by\":\"frr\",\"peer\":\"tor1\"}],"
	"\"sync\":{\"last_sync\":0,\"stale_sweep\":\"every peer sent End-of-RIB\",\"held\":0,"
	"\"since_start\":{\"added\":3,\"replaced\":0,\"deleted\":1,\"failed\":0}}}";

static char *print_text(void)
{
	json_error_t jerr;
	json_t *st = json_loads(status_doc, 0, &jerr);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(st);
	status_print_text(st, out);
	fclose(out);
	json_decref(st);
	return buf;
}

static void test_text_tables_aligned(void **state)
{
	char *text = print_text();

	(void)state;
	/* Columns padded to the widest cell ("spine-long-name", "Established"). */
	assert_non_null(strstr(text, "PEER             ADDRESS      AS          STATE        BFD   UPTIME  "));
	/* A BFD session down while BGP is up shows. */
	assert_non_null(strstr(text, "tor1             192.168.1.1  65000       Established  down  01:02:05"));
	assert_non_null(strstr(text, "spine-long-name  fd00::1      4200000000  Active       off   -"));
	assert_non_null(strstr(text, "  spine-long-name: last reset: Waiting for peer OPEN\n"
				     "  spine-long-name: the kernel counted 7 TCP-MD5 failures"));
	assert_non_null(strstr(text, "10.244.100.0/24  via 192.168.1.1, via fe80::1 dev eth1"));
	assert_non_null(strstr(text, "10.244.1.0/24  unreachable"));
	assert_non_null(strstr(text, "0.0.0.0/0  via 192.168.1.1  frr (tor1)  0.0.0.0/0 is a default route"));
	assert_non_null(strstr(text, "since start +3 ~0 -1, 0 failed; last sync never,"));
	assert_non_null(strstr(text, "Rejected (import policy, unresolved next hops) (1):"));
	free(text);
}

static void test_json_is_the_same_document(void **state)
{
	json_t *st = json_loads(status_doc, 0, NULL), *back;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(status_print_json(st, out), 0);
	fclose(out);
	back = json_loads(buf, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(st, back));
	json_decref(st);
	json_decref(back);
	free(buf);
}

static void test_filtered_routes_parse(void **state)
{
	const char *json = "{\"bgpTableVersion\":1,\"receivedRoutes\":{"
			   "\"0.0.0.0/0\":{\"network\":\"0.0.0.0/0\",\"nextHop\":\"192.168.1.1\"},"
			   "\"10.244.50.0/25\":{\"nextHop\":\"192.168.1.1\"}}}";
	struct route_set s;
	char err[128], buf[PREFIX_STRLEN];

	(void)state;
	route_set_init(&s);
	assert_int_equal(frr_filtered_parse(json, strlen(json), &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 2);
	route_set_sort(&s);
	assert_string_equal(prefix_format(&s.routes[0].dst, buf, sizeof(buf)), "0.0.0.0/0");
	assert_int_equal(s.routes[0].n_nh, 1);
	assert_string_equal(prefix_format(&s.routes[1].dst, buf, sizeof(buf)), "10.244.50.0/25");
	route_set_free(&s);
}

static void test_filtered_routes_without_adj_rib_in(void **state)
{
	const char *text = "% Inbound soft reconfiguration not enabled\n";
	struct route_set s;
	char err[128];

	(void)state;
	route_set_init(&s);
	assert_int_equal(frr_filtered_parse(text, strlen(text), &s, err, sizeof(err)), -1);
	assert_int_equal(s.n, 0);
	assert_non_null(strstr(err, "not JSON"));
	route_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_tables_aligned),
		cmocka_unit_test(test_json_is_the_same_document),
		cmocka_unit_test(test_filtered_routes_parse),
		cmocka_unit_test(test_filtered_routes_without_adj_rib_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
