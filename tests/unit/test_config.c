/* config_load(): every key of config/agent.conf parsed, defaults, 4-byte AS
 * numbers, and each invalid case reported as FILE:LINE: message. Fixtures are
 * written into a temporary directory so each case shows its own lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"

static char tmpdir[] = "/tmp/test_config.XXXXXX";
static char path[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/agent.conf", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(tmpdir);
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Loads text; returns what config_load printed (caller frees) and its rc. */
static char *load(const char *text, struct agent_config *cfg, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&out, &len);

	assert_non_null(err);
	write_file(text);
	*rc = config_load(path, cfg, err);
	fclose(err);
	return out;
}

static void assert_prefix(const struct prefix *p, const char *want)
{
	char buf[PREFIX_STRLEN];

	assert_string_equal(prefix_format(p, buf, sizeof(buf)), want);
}

static void assert_addr(const struct ip_addr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	assert_string_equal(ip_addr_format(a, buf, sizeof(buf)), want);
}

/* The documented example uses every key: all of them must land in the struct. */
static void test_example_every_key(void **state)
{
	struct agent_config cfg;
	const struct peer_config *p;

	(void)state;
	assert_int_equal(config_load("config/agent.conf", &cfg, stderr), 0);
	assert_string_equal(cfg.node.name, "node1");
	assert_addr(&cfg.node.address, "192.168.1.11");
	assert_int_equal(cfg.node.asn, 65001);
	assert_int_equal(cfg.node.n_pod_cidrs, 2);
	assert_prefix(&cfg.node.pod_cidrs[0], "10.244.1.0/24");
	assert_prefix(&cfg.node.pod_cidrs[1], "fd00:10:244:1::/64");
	assert_int_equal(cfg.cluster.n_pod_cidrs, 2);
	assert_prefix(&cfg.cluster.pod_cidrs[1], "fd00:10:244::/48");
	assert_int_equal(cfg.cluster.node_mask_v4, 24);
	assert_int_equal(cfg.cluster.node_mask_v6, 64);
	assert_int_equal(cfg.n_peers, 4);
	p = &cfg.peers[0];
	assert_string_equal(p->name, "tor");
	assert_true(p->has_address);
	assert_addr(&p->address, "192.168.1.1");
	assert_int_equal(p->remote_as, PEER_AS_NUMBER);
	assert_int_equal(p->asn, 65000);
	assert_string_equal(p->password, "change-me");
	assert_true(p->bfd);
	assert_int_equal(p->max_prefixes, 20000);
	assert_int_equal(p->hold_time, 9);
	assert_int_equal(p->keepalive, 3);
	assert_false(p->multihop);
	assert_int_equal(p->bfd_interval_ms, 100);
	assert_int_equal(p->bfd_multiplier, 3);
	assert_int_equal(p->ttl_security_hops, 1);
	assert_true(p->line > 0);
	assert_int_equal(cfg.peers[1].remote_as, PEER_AS_INTERNAL);
	assert_int_equal(cfg.peers[2].address.family, AF_INET6);
	p = &cfg.peers[3];
	assert_false(p->has_address);
	assert_string_equal(p->interface, "eth1");
	assert_int_equal(p->remote_as, PEER_AS_EXTERNAL);
	assert_string_equal(cfg.frr.pathspace, "");
	assert_string_equal(cfg.frr.run_dir, "/var/run/frr");
	assert_string_equal(cfg.frr.config_file, "/etc/frr/frr.conf");
	assert_string_equal(cfg.frr.templates, "/usr/share/bgp-agent/frr-templates");
	assert_string_equal(cfg.frr.reload_cmd, "/usr/lib/frr/frr-reload.py");
	assert_int_equal(cfg.kernel.table, 254);
	assert_int_equal(cfg.kernel.protocol, 52);
	assert_int_equal(cfg.kernel.resync_interval, 30);
	assert_int_equal(cfg.kernel.grace_period, 120);
	assert_true(cfg.kernel.ecmp);
	assert_string_equal(cfg.cni.conflist, "/etc/cni/net.d/10-bgp-bridge.conflist");
	assert_string_equal(cfg.cni.network, "bgp-bridge");
	assert_string_equal(cfg.cni.bridge, "cni0");
	assert_int_equal(cfg.cni.mtu, 1500);
	assert_int_equal(cfg.log.level, LOG_LVL_INFO);
	assert_string_equal(cfg.log.file, "");
	assert_string_equal(cfg.control.socket, "/run/bgp-agent/node1.sock");
	config_free(&cfg);
}

#define MINIMAL \
	"node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n" \
	"         pod_cidrs = [ \"10.244.1.0/24\" ]; };\n" \
	"cluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n"

static void test_defaults(void **state)
{
	struct agent_config cfg;
	int rc;
	char *out = load(MINIMAL "peers = ( { name = \"t\"; address = \"192.168.1.1\"; asn = 65000;"
			 " hold_time = 30; } );\n", &cfg, &rc);

	(void)state;
	assert_string_equal(out, "");
	assert_int_equal(rc, 0);
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.cluster.node_mask_v4, 24);
	assert_int_equal(cfg.cluster.node_mask_v6, 64);
	assert_string_equal(cfg.frr.config_file, "/etc/frr/frr.conf");
	assert_int_equal(cfg.kernel.protocol, DEFAULT_ROUTE_PROTOCOL);
	assert_int_equal(cfg.kernel.grace_period, 120);
	assert_true(cfg.kernel.ecmp);
	assert_string_equal(cfg.cni.network, "bgp-bridge");
	assert_string_equal(cfg.control.socket, "/run/bgp-agent/n1.sock");
	assert_int_equal(cfg.peers[0].max_prefixes, 20000);
	assert_false(cfg.peers[0].bfd);
	assert_int_equal(cfg.peers[0].bfd_interval_ms, 100); /* 100 ms x 3: <= 300 ms */
	assert_int_equal(cfg.peers[0].bfd_multiplier, 3);
	assert_int_equal(cfg.peers[0].ttl_security_hops, 0);
	assert_true(cfg.graceful_restart.enabled);
	assert_int_equal(cfg.graceful_restart.restart_time, 120);
	assert_int_equal(cfg.graceful_restart.stalepath_time, 360);
	assert_int_equal(cfg.graceful_restart.select_defer_time, 360);
	assert_int_equal(cfg.peers[0].keepalive, 10); /* hold_time / 3 */
	free(out);
	config_free(&cfg);
}

/* With a pathspace, FRR's file and the control socket follow it. */
static void test_pathspace_defaults(void **state)
{
	struct agent_config cfg;
	char vty[PATH_MAX];
	int rc;
	char *out = load(MINIMAL "frr = { pathspace = \"lab-node1\"; };\n", &cfg, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(cfg.frr.config_file, "/etc/frr/lab-node1/frr.conf");
	assert_string_equal(cfg.control.socket, "/run/bgp-agent/lab-node1.sock");
	config_vty_dir(&cfg, vty, sizeof(vty));
	assert_string_equal(vty, "/var/run/frr/lab-node1");
	assert_int_equal(cfg.n_peers, 0);
	free(out);
	config_free(&cfg);
}

/* libconfig 1.5 wraps plain integers beyond 2^31 to 32 bits; "L" is exact. */
static void test_four_byte_asn(void **state)
{
	static const struct { const char *text; uint32_t want; } cases[] = {
		{ "4200000000", 4200000000u }, { "4200000000L", 4200000000u },
		{ "4294967295", 4294967295u }, { "2147483648", 2147483648u },
		{ "0xFA56EA00", 4200000000u }, { "65001", 65001 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct agent_config cfg;
		char text[512];
		int rc;
		char *out;

		snprintf(text, sizeof(text), MINIMAL "peers = ( { name = \"t\"; address = "
			 "\"192.168.1.1\"; asn = %s; } );\n", cases[i].text);
		out = load(text, &cfg, &rc);
		assert_string_equal(out, "");
		assert_int_equal(cfg.peers[0].asn, cases[i].want);
		free(out);
		config_free(&cfg);
	}
}

struct bad_case {
	const char *text;
	int line; /* 0: no line (whole-file error) */
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ MINIMAL "peers = (\n  { name = \"t\"; address = ; }\n);\n", 5, "syntax error" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  "  pods_cidr = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  2, "unknown key \"pods_cidr\" in node (did you mean \"pod_cidrs\"?)" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  "  pods_cidr = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node: missing required key \"pod_cidrs\"" },
	{ MINIMAL "\nkernal = { table = 10; };\n", 5, "unknown key \"kernal\" in the top level (did you mean \"kernel\"?)" },
	{ MINIMAL "kernel = {\n  table = 10;\n  protocol = 12;\n};\n", 6,
	  "kernel.protocol: 12 belongs to the kernel or another routing daemon" },
	{ MINIMAL "kernel = { resync_interval = 0; };\n", 4, "kernel.resync_interval: 0 is out of range 1-86400" },
	{ MINIMAL "kernel = { ecmp = \"yes\"; };\n", 4, "kernel.ecmp: expected true or false" },
	{ MINIMAL "kernel = { table = 1.5; };\n", 4, "kernel.table: expected an integer" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\";\n asn = \"65001\";\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  2, "node.asn: expected an integer" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 0;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.asn: 0 is out of range 1-4294967295" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 4294967296;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.asn: 4294967296 is out of range 1-4294967295" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = -5;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.asn: -5 is out of range 1-4294967295" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n pod_cidrs = [\n"
	  "  \"10.244.1.1/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  3, "node.pod_cidrs: " },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n pod_cidrs = [\n"
	  "  \"10.244.1.0/33\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  3, "node.pod_cidrs: " },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n pod_cidrs = [\n"
	  "  \"10.245.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  3, "node.pod_cidrs: \"10.245.1.0/24\" is not inside any of cluster.pod_cidrs" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n pod_cidrs = [\n"
	  "  \"10.244.0.0/23\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  3, "node.pod_cidrs: \"10.244.0.0/23\" must be a /24 (cluster.node_mask_v4)" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\",\n \"10.244.2.0/24\" ]; };\n"
	  "cluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  3, "node.pod_cidrs: \"10.244.2.0/24\" is a second IPv4 prefix" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\n"
	  "cluster = { pod_cidrs = [ \"10.244.0.0/16\",\n \"10.244.128.0/17\" ]; };\n",
	  4, "cluster.pod_cidrs: \"10.244.128.0/17\" overlaps \"10.244.0.0/16\"" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\n"
	  "cluster = { pod_cidrs = [ \"10.244.0.0/16\" ];\n node_mask_v4 = 33; };\n",
	  4, "cluster.node_mask_v4: 33 is out of range 1-32" },
	{ "node = { name = \"n1\"; address = \"fd00::11\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.address: \"fd00::11\" must be an IPv4 address (it is the BGP router-id)" },
	{ "node = { name = \"n1\"; address = \"0.0.0.0\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.address: \"0.0.0.0\" is not a usable address (the unspecified address; peers reach the node there)" },
	{ "node = { name = \"n1\"; address = \"127.0.0.1\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.address: \"127.0.0.1\" is not a usable address (loopback; peers reach the node there)" },
	{ "node = { name = \"n1\"; address = \"255.255.255.255\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.address: \"255.255.255.255\" is not a usable address (the broadcast address; peers reach the node there)" },
	{ "node = { name = \"n1\"; address = \"224.0.0.1\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.address: \"224.0.0.1\" is not a usable address (multicast; peers reach the node there)" },
	{ "node = { name = \"n 1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node.name: \"n 1\" must start with a letter or digit" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n};\n"
	  "cluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n",
	  1, "node: missing required key \"pod_cidrs\"" },
	{ "node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 65001;\n"
	  " pod_cidrs = [ \"10.244.1.0/24\" ]; };\n", 0, "missing required section \"cluster\"" },
	{ "node = 5;\ncluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n", 1,
	  "node: expected a group { key = value; ... }" },
	{ MINIMAL "peers = (\n { name = \"t\"; address = \"192.168.1.300\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: " },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000; },\n"
	  " { name = \"b\"; address = \"192.168.1.1\"; asn = 65000; }\n);\n", 6,
	  "peers.1.address: duplicate peer address \"192.168.1.1\" (also peer \"a\")" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000; },\n"
	  " { name = \"a\"; address = \"192.168.1.2\"; asn = 65000; }\n);\n", 6,
	  "peers.1.name: duplicate peer name \"a\"" },
	{ MINIMAL "peers = (\n { name = \"a\"; interface = \"eth0\"; asn = 65000; },\n"
	  " { name = \"b\";\n   interface = \"eth0\"; asn = 65000; }\n);\n", 7,
	  "peers.1.interface: duplicate peer interface \"eth0\" (also peer \"a\")" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; interface = \"eth0\";"
	  " asn = 65000; }\n);\n", 5, "peers.0: set exactly one of address and interface" },
	{ MINIMAL "peers = (\n { name = \"a\"; asn = 65000; }\n);\n", 5,
	  "peers.0: set exactly one of address and interface" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; }\n);\n", 5,
	  "peers.0: missing required key \"asn\"" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = \"extern\"; }\n);\n", 5,
	  "peers.0.asn: \"extern\" is not an AS number, \"internal\" or \"external\"" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"fe80::1\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"fe80::1\" is link-local; use interface" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"fd00::1\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: an IPv6 session carries only IPv6 routes, but node.pod_cidrs has no IPv6 prefix" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.11\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"192.168.1.11\" is the node's own address" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"127.0.0.1\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"127.0.0.1\" is not a usable neighbor address (loopback)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"127.8.9.10\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"127.8.9.10\" is not a usable neighbor address (loopback)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"0.0.0.0\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"0.0.0.0\" is not a usable neighbor address (the unspecified address)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"255.255.255.255\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"255.255.255.255\" is not a usable neighbor address (the broadcast address)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"224.0.0.5\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"224.0.0.5\" is not a usable neighbor address (multicast)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"239.255.255.255\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"239.255.255.255\" is not a usable neighbor address (multicast)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"::1\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"::1\" is not a usable neighbor address (loopback)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"::\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"::\" is not a usable neighbor address (the unspecified address)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"ff02::2\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"ff02::2\" is not a usable neighbor address (multicast)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"::ffff:192.168.1.1\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"::ffff:192.168.1.1\" is not a usable neighbor address (IPv4-mapped" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"10.244.1.7\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"10.244.1.7\" lies inside the node's pod CIDR \"10.244.1.0/24\"" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"10.244.9.1\"; asn = 65000; }\n);\n", 5,
	  "peers.0.address: \"10.244.9.1\" lies inside the cluster pod CIDR \"10.244.0.0/16\"" },
	{ MINIMAL "peers = (\n { name = \"a\";\n   interface = \"lo\"; asn = 65000; }\n);\n", 6,
	  "peers.0.interface: \"lo\" is the loopback" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   keepalive = 3; }\n);\n", 6, "peers.0.keepalive: needs hold_time as well" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = \"internal\";\n"
	  "   multihop = true; }\n);\n", 6, "peers.0.multihop: only for eBGP peers" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   password = \"two words\"; }\n);\n", 6, "peers.0.password: must not contain spaces" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   bfd = 1; }\n);\n", 6, "peers.0.bfd: expected true or false" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   max_prefix = 5; }\n);\n", 6, "unknown key \"max_prefix\" in peers.0 (did you mean \"max_prefixes\"?)" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   multihop = true;\n   ttl_security_hops = 1; }\n);\n", 7,
	  "peers.0.ttl_security_hops: GTSM and multihop exclude each other" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   ttl_security_hops = 255; }\n);\n", 6,
	  "peers.0.ttl_security_hops: 255 is out of range 0-254" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   bfd = true; bfd_interval_ms = 5; }\n);\n", 6,
	  "peers.0.bfd_interval_ms: 5 is out of range 10-60000" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   bfd = true; bfd_multiplier = 1; }\n);\n", 6,
	  "peers.0.bfd_multiplier: 1 is out of range 2-255" },
	{ MINIMAL "peers = (\n { name = \"a\"; address = \"192.168.1.1\"; asn = 65000;\n"
	  "   bfd_multiplier = 5; }\n);\n", 6, "peers.0.bfd_multiplier: needs bfd = true" },
	{ MINIMAL "graceful_restart = {\n  restart_time = 5000;\n};\n", 5,
	  "graceful_restart.restart_time: 5000 is out of range 0-4095" },
	{ MINIMAL "graceful_restart = {\n  stalepath_time = 0;\n};\n", 5,
	  "graceful_restart.stalepath_time: 0 is out of range 1-4095" },
	{ MINIMAL "graceful_restart = {\n  select_defer_time = 3601;\n};\n", 5,
	  "graceful_restart.select_defer_time: 3601 is out of range 0-3600" },
	{ MINIMAL "graceful_restart = {\n  enable = false;\n};\n", 5,
	  "unknown key \"enable\" in graceful_restart (did you mean \"enabled\"?)" },
	{ MINIMAL "peers = { name = \"a\"; };\n", 4, "peers: expected a list ( { ... }, { ... } )" },
	{ MINIMAL "cni = {\n  bridge = \"a-very-long-bridge\";\n};\n", 5,
	  "cni.bridge: \"a-very-long-bridge\" is too long (at most 15 characters)" },
	{ MINIMAL "cni = {\n  bridge = \"br/0\";\n};\n", 5, "cni.bridge: \"br/0\" is not a valid interface name" },
	{ MINIMAL "cni = {\n  bridge = \"lo\";\n};\n", 5, "cni.bridge: \"lo\" is the loopback, not a bridge" },
	{ MINIMAL "peers = (\n { name = \"a\";\n   interface = \"cni0\"; asn = 65000; }\n);\n", 6,
	  "peers.0.interface: \"cni0\" is the pods' bridge (cni.bridge)" },
	{ MINIMAL "frr = {\n  pathspace = \"../x\";\n};\n", 5, "frr.pathspace: \"../x\" must start with a letter" },
	{ MINIMAL "frr = {\n  run_dir = \"run/frr\";\n};\n", 5, "frr.run_dir: \"run/frr\" must be an absolute path" },
	{ MINIMAL "log = {\n  level = \"loud\";\n};\n", 5, "log.level: unknown level \"loud\"" },
	{ MINIMAL "control = {\n  socket = \"/run/bgp-agent/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\";\n};\n",
	  5, "control.socket: " },
	{ MINIMAL "metrics = {\n  listen = \"10.0.0.1\";\n};\n", 5,
	  "metrics.listen: \"10.0.0.1\" is not ADDRESS:PORT" },
	{ MINIMAL "metrics = {\n  listen = \"[fd00::1]:70000\";\n};\n", 5,
	  "metrics.listen: \"[fd00::1]:70000\": port must be 1-65535" },
	{ MINIMAL "metrics = {\n  listen = 9101;\n};\n", 5,
	  "metrics.listen: expected a string in double quotes" },
	{ MINIMAL "metrics = {\n  address = \"10.0.0.1:9101\";\n};\n", 5,
	  "unknown key \"address\" in metrics" },
};

static void test_bad_cases(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct agent_config cfg;
		char want[PATH_MAX + 512];
		int rc;
		char *out = load(c->text, &cfg, &rc);

		if (c->line > 0)
			snprintf(want, sizeof(want), "%s:%d: %s", path, c->line, c->msg);
		else
			snprintf(want, sizeof(want), "%s: %s", path, c->msg);
		if (rc != -1 || strstr(out, want) == NULL) {
			print_error("case %zu: wanted \"%s\" in:\n%s", i, want, out);
			failed++;
		}
		free(out);
		config_free(&cfg);
	}
	assert_int_equal(failed, 0);
}

/* One run reports every error, each on its own line. */
static void test_all_errors_in_one_run(void **state)
{
	struct agent_config cfg;
	int rc, lines = 0;
	char *out = load("node = { name = \"n1\"; address = \"192.168.1.11\"; asn = 0;\n"
			 " pod_cidrs = [ \"10.245.1.0/24\" ]; typo = 1; };\n"
			 "cluster = { pod_cidrs = [ \"10.244.0.0/16\" ]; };\n"
			 "peers = ( { name = \"a\"; address = \"192.168.1.1\"; asn = 65000; },\n"
			 "          { name = \"a\"; address = \"192.168.1.1\"; asn = 65000; } );\n"
			 "kernel = { protocol = 186; };\n", &cfg, &rc);

	(void)state;
	assert_int_equal(rc, -1);
	for (const char *c = out; *c != '\0'; c++)
		lines += *c == '\n';
	/* asn, typo, pod CIDR outside cluster, duplicate name, duplicate address, protocol */
	if (lines != 6)
		fail_msg("expected 6 errors, got:\n%s", out);
	free(out);
	config_free(&cfg);
}

static void test_missing_file(void **state)
{
	struct agent_config cfg;
	char *out = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&out, &len);

	(void)state;
	assert_int_equal(config_load("/nonexistent/agent.conf", &cfg, err), -1);
	fclose(err);
	assert_string_equal(out, "/nonexistent/agent.conf: cannot open: No such file or directory\n");
	free(out);
	config_free(&cfg);
}

/* @include lines libconfig mishandles (found by tests/fuzz): a directory made
 * its scanner call exit(); a missing closing quote on the last line made it
 * drop the include silently. Both must be file:line errors. */
static void test_include_errors(void **state)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "@include \"\"", "@include \"\": not a regular file" },
		{ "@include \".\"", "@include \".\": not a regular file" },
		{ "@include \"/\"", "@include \"/\": not a regular file" },
		{ "@include \"other.conf", "malformed @include (expected @include \"FILE\" on one line)" },
		{ "  @include\tpeers.conf", "malformed @include (expected @include \"FILE\" on one line)" },
		{ "@include \"a\\qb.conf\"", "malformed @include (expected @include \"FILE\" on one line)" },
		/* The file includes itself: stopped at libconfig's depth of 10. */
		{ "@include \"agent.conf\"", "@include \"agent.conf\": nested deeper than 10 (an include loop?)" },
	};
	struct agent_config cfg;
	char text[128], want[PATH_MAX + 128];
	char *out;
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "# x\n%s\n", cases[i].line);
		out = load(text, &cfg, &rc);
		assert_int_equal(rc, -1);
		snprintf(want, sizeof(want), "%s:2: %s\n", path, cases[i].msg);
		assert_string_equal(out, want);
		free(out);
		config_free(&cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_every_key),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_pathspace_defaults),
		cmocka_unit_test(test_four_byte_asn),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_all_errors_in_one_run),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_include_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
