#!/bin/bash
# Agent + FRR restart with routes in place, the node's own pod CIDR sorting
# between learned prefixes (one before it, one after): the routes held until
# End-of-RIB and the anchor are one sorted desired set. Regression: the held
# routes were appended to the sorted set and then binary-searched, the anchor
# was missed, added a second time, and every sync failed with "File exists"
# ("2 failed" in status) until End-of-RIB.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

lan_node1_tor1 10.244.1.0/24 10.244.9.0/24
agent_conf node1 192.168.1.11 65001 10.244.5.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
agent_start node1
three_installed() {
	[ "$(kroutes node1 | grep -cE '^(10\.244\.(1|9)\.0/24 via|unreachable 10\.244\.5\.0/24)')" = 3 ]
}
check "learned routes and the anchor installed" wait_until 40 three_installed
before=$(kroutes node1)

# The node restarts its agent and FRR while the ToR is silent: the desired
# set is the anchor plus the held routes for as long as End-of-RIB is missing.
# The agent stops first: a running one drops the routes of a peer that goes
# down at once (the BMP feed's Peer Down).
agent_stop node1
vty tor1 "configure terminal" "router bgp 65000" "neighbor 192.168.1.11 shutdown" >/dev/null
frr_stop node1
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
log_lines=$(wc -l <"$WORK/node1-agent.log")
agent_start node1
check "restarted agent connects to the new bgpd" wait_until 20 sh -c \
	"grep -c 'connected to bgpd' '$WORK/node1-agent.log' | grep -q 2"
syncs_after() { agent_status node1 --json | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['sync']['syncs'] >= $1 else 1)"; }
check "the restarted agent synced the kernel at least twice before End-of-RIB" wait_until 30 syncs_after 2
check_eq "no \"File exists\" while stale routes are held" \
	"$(tail -n +"$((log_lines + 1))" "$WORK/node1-agent.log" | grep -c 'File exists')" 0
check_eq "status: 0 failed since the restart" "$(agent_status node1 --json | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["sync"]["since_start"]["failed"])')" 0
check_eq "routes unchanged while held" "$(kroutes node1)" "$before"

vty tor1 "configure terminal" "router bgp 65000" "no neighbor 192.168.1.11 shutdown" >/dev/null
check "End-of-RIB after the ToR is back" wait_until 40 sh -c \
	"grep -c 'sent End-of-RIB' '$WORK/node1-agent.log' | grep -q 2"
sleep 1
check_eq "routes unchanged after End-of-RIB" "$(kroutes node1)" "$before"
check_eq "still 0 failed" "$(agent_status node1 --json | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["sync"]["since_start"]["failed"])')" 0

agent_stop node1
check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
