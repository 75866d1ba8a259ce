/* bgp_peers on `show bgp neighbors json` captured from real FRR 8.4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "atomic_file.h"
#include "bgp_peers.h"
#include "fixture_path.h"

static void parse_fixture(const char *name, struct bgp_peers *peers)
{
	char path[512], err[256] = "";
	size_t len;
	char *json = read_whole_file(fixture_path(name, path, sizeof(path)), &len);

	if (json == NULL)
		fail_msg("cannot read %s", path);
	if (bgp_peers_parse(json, len, peers, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(json);
}

static void test_all_established(void **state)
{
	struct bgp_peers peers = { 0 };
	const struct bgp_peer *p;

	(void)state;
	parse_fixture("frr/neighbors.json", &peers);
	assert_int_equal(peers.n, 3);
	p = bgp_peers_find(&peers, "192.168.1.1");
	assert_non_null(p);
	assert_true(p->established);
	assert_string_equal(p->state, "Established");
	assert_string_equal(p->hostname, "t1");
	assert_int_equal(p->remote_as, 65000);
	assert_true(p->has_addr);
	assert_string_equal(p->ifname, "");
	assert_true(p->uptime_ms > 0);
	/* t1 sends 6 IPv4 prefixes (incl. the ones our policy refuses) and 2 IPv6. */
	assert_true(p->af[BGP_AF_IPV4_UNICAST].active);
	assert_int_equal(p->af[BGP_AF_IPV4_UNICAST].accepted, 6);
	assert_int_equal(p->af[BGP_AF_IPV4_UNICAST].received, 6);
	assert_int_equal(p->af[BGP_AF_IPV6_UNICAST].accepted, 2);
	/* FRR's default graceful-restart helper mode reports End-of-RIB. */
	assert_true(p->af[BGP_AF_IPV4_UNICAST].eor_received);
	assert_true(p->af[BGP_AF_IPV6_UNICAST].eor_received);
	/* The unnumbered peer: keyed by interface, link-local address known. */
	p = bgp_peers_find(&peers, "e3");
	assert_non_null(p);
	assert_string_equal(p->ifname, "e3");
	assert_true(p->has_addr);
	assert_int_equal(p->addr.family, AF_INET6);
	assert_true(IN6_IS_ADDR_LINKLOCAL(&p->addr.u.v6));
	assert_int_equal(p->remote_as, 65003);
	assert_int_equal(p->af[BGP_AF_IPV4_UNICAST].accepted, 1);
	assert_true(p->af[BGP_AF_IPV4_UNICAST].eor_received);
	/* Lookup by address value, not spelling; unknown ids are NULL. */
	assert_non_null(bgp_peers_find(&peers, "192.168.2.1"));
	assert_null(bgp_peers_find(&peers, "192.168.9.9"));
	assert_null(bgp_peers_find(&peers, "e9"));
	bgp_peers_free(&peers);
	assert_int_equal(peers.n, 0);
}

static void test_one_down(void **state)
{
	struct bgp_peers peers = { 0 };
	const struct bgp_peer *p;

	(void)state;
	parse_fixture("frr/neighbors_one_down.json", &peers);
	assert_int_equal(peers.n, 3);
	p = bgp_peers_find(&peers, "192.168.2.1");
	assert_non_null(p);
	assert_false(p->established);
	assert_string_equal(p->state, "Idle");
	assert_int_equal(p->uptime_ms, 0);
	assert_true(p->af[BGP_AF_IPV4_UNICAST].active); /* configured: EoR still expected */
	assert_false(p->af[BGP_AF_IPV4_UNICAST].eor_received);
	assert_int_equal(p->af[BGP_AF_IPV4_UNICAST].accepted, 0);
	p = bgp_peers_find(&peers, "192.168.1.1");
	assert_int_equal(p->af[BGP_AF_IPV4_UNICAST].accepted, 5); /* after one withdraw */
	bgp_peers_free(&peers);
}

static void test_no_instance_and_reparse(void **state)
{
	struct bgp_peers peers = { 0 };
	char err[256];

	(void)state;
	parse_fixture("frr/neighbors.json", &peers);
	parse_fixture("frr/no_instance_neighbors.json", &peers); /* replaces */
	assert_int_equal(peers.n, 0);
	assert_int_equal(bgp_peers_parse("{\"x\":", 5, &peers, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	assert_int_equal(peers.n, 0);
	bgp_peers_free(&peers);
}

static void test_not_negotiated_family_is_inactive(void **state)
{
	const char *json = "{\"10.0.0.1\":{\"bgpState\":\"Established\",\"bgpTimerUpMsec\":5,"
			   "\"neighborCapabilities\":{\"multiprotocolExtensions\":{"
			   "\"ipv4Unicast\":{\"advertisedAndReceived\":true},"
			   "\"ipv6Unicast\":{\"advertised\":true}}},"
			   "\"addressFamilyInfo\":{\"ipv4Unicast\":{\"acceptedPrefixCounter\":3},"
			   "\"ipv6Unicast\":{\"acceptedPrefixCounter\":0}}}}";
	struct bgp_peers peers = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(bgp_peers_parse(json, strlen(json), &peers, err, sizeof(err)), 0);
	assert_int_equal(peers.n, 1);
	assert_true(peers.peers[0].af[BGP_AF_IPV4_UNICAST].active);
	assert_false(peers.peers[0].af[BGP_AF_IPV6_UNICAST].active);
	assert_false(peers.peers[0].af[BGP_AF_IPV4_UNICAST].eor_received);
	assert_int_equal(peers.peers[0].uptime_ms, 5);
	bgp_peers_free(&peers);
}

/* FRR 8.4's peerBfdInfo (neighbor X bfd) and lastResetDueTo: a BFD session
 * that is down while BGP is still Established must be visible. */
static void test_bfd_state_and_last_reset(void **state)
{
	const char *json = "{\"10.0.0.1\":{\"bgpState\":\"Established\","
			   "\"lastResetDueTo\":\"BFD down received\","
			   "\"peerBfdInfo\":{\"type\":\"single hop\",\"detectMultiplier\":3,"
			   "\"rxMinInterval\":100,\"txMinInterval\":100,\"status\":\"Down\","
			   "\"lastUpdate\":\"0:00:00:01\"}},"
			   "\"10.0.0.2\":{\"bgpState\":\"Active\"}}";
	struct bgp_peers peers = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(bgp_peers_parse(json, strlen(json), &peers, err, sizeof(err)), 0);
	assert_int_equal(peers.n, 2);
	assert_true(peers.peers[0].established);
	assert_string_equal(peers.peers[0].bfd_status, "Down");
	assert_string_equal(peers.peers[0].last_reset, "BFD down received");
	assert_string_equal(peers.peers[1].bfd_status, "");
	assert_string_equal(peers.peers[1].last_reset, "");
	bgp_peers_free(&peers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_established),
		cmocka_unit_test(test_one_down),
		cmocka_unit_test(test_no_instance_and_reparse),
		cmocka_unit_test(test_not_negotiated_family_is_inactive),
		cmocka_unit_test(test_bfd_state_and_last_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
