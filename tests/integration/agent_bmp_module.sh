#!/bin/bash
# The agent and bgpd's BMP module: a bgpd started without -M bmp gets no `bmp
# targets` block (it would refuse the whole config over it), the agent says so
# in its log and the routes come through the vty as before. bgpd restarted
# with -M bmp: the agent renders and applies the block, bgpd listens on
# 127.0.0.1:frr.bmp_port, and a BMP station there receives the table.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

lan_node1_tor1 10.244.7.0/24 10.244.8.0/24
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
frr_start node1 "$(frr_bootstrap node1)" -n
agent_start node1
routes_in() { [ "$(ip -n "$(ns node1)" route show proto 52 | grep -c ' via 192.168.1.1 ')" = 2 ]; }
check "bgpd without -M bmp: the agent says so in its log" wait_until 20 \
	grep -q 'runs without the BMP module' "$WORK/node1-agent.log"
check "... and still installs the routes (through the vty)" wait_until 40 routes_in
check "... and its config applied has no bmp block" sh -c \
	"! vty node1 'show running-config' | grep -q 'bmp targets'"

frr_stop node1 bgpd
bgpd_start node1 "${AGENT_BGPD[@]}"
listener() { vty node1 'show running-config' | grep -qx '  bmp listener 127.0.0.1 port 11019'; }
check "bgpd restarted with -M bmp: the agent applies the bmp block" wait_until 30 listener
check "bgpd listens on 127.0.0.1:11019" wait_until 5 sh -c \
	"ip netns exec $(ns node1) ss -Htln 'sport = :11019' | grep -q 127.0.0.1:11019"
check "routes installed again" wait_until 40 routes_in
# bgpd sends End-of-RIB over BMP only for peers up when the station connects.
check "session to tor1 up again" wait_until 30 bgp_established node1 192.168.1.1
ip netns exec "$(ns node1)" "$BUILD_DIR/tools/bmp_dump" -p 11019 -s 3 >"$WORK/dump.out" 2>&1
check "a BMP station on it gets the table and End-of-RIB" sh -c \
	"grep -q ' route announce 10.244.7.0/24 peer 192.168.1.1 nh 192.168.1.1 ' '$WORK/dump.out' &&
	 grep -q ' eor 192.168.1.1 ipv4' '$WORK/dump.out'"
check "the warning is not repeated for the bgpd with the module" \
	test "$(grep -c 'runs without the BMP module' "$WORK/node1-agent.log")" = 1
agent_stop node1
check_agent_logs_clean
finish
