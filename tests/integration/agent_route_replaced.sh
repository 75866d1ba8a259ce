#!/bin/bash
# Issue 7 item 8: a protocol-52 route changed by someone else (`ip route
# replace` with another next hop or type, or a second route of our protocol
# for the same prefix) is noticed from the route event and repaired within
# 2 s, far below the resync interval (60 s here), like a deletion.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

RESYNC=60
BOUND_MS=2000
lan_node1_tor1 10.244.7.0/24
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
agent_start node1
check "route installed" wait_until 40 has_route node1 '^10\.244\.7\.0/24 via 192\.168\.1\.1 '
want=$(kroutes node1)
sleep 1 # past the agent's own start-up events

routes_are_wanted() { [ "$(kroutes node1)" = "$want" ]; }
# repaired_within WHAT IP-ROUTE-ARGS...: changes the route with ip route, then
# checks the agent's routes are back to $want within BOUND_MS.
repaired_within() {
	local what=$1 t0 ms; shift
	ip -n "$(ns node1)" route "$@" || { not_ok "$what: ip route $*"; return; }
	t0=$(now_ms)
	if wait_until 10 routes_are_wanted; then
		ms=$(( $(now_ms) - t0 ))
		note "$what: repaired after $ms ms"
		check "$what: repaired within $BOUND_MS ms (resync every ${RESYNC} s)" test "$ms" -le "$BOUND_MS"
	else
		not_ok "$what: not repaired: $(kroutes node1 | tr '\n' ';')"
	fi
}
repaired_within "replaced with another next hop" \
	replace 10.244.7.0/24 via 192.168.1.99 proto 52 metric 20
repaired_within "replaced with a blackhole" \
	replace blackhole 10.244.7.0/24 proto 52 metric 20
repaired_within "a second route of our protocol (another metric)" \
	add 10.244.7.0/24 via 192.168.1.99 proto 52 metric 5
repaired_within "the anchor replaced by a unicast route" \
	replace 10.244.1.0/24 via 192.168.1.99 proto 52 metric 4278198272
# The restart gate opening (End-of-RIB + 5 s quiet) syncs once more by design:
# wait for it, so that only syncs caused by the repairs are counted.
gate_open() { agent_status node1 --json | python3 -c 'import json,sys; sys.exit(not json.load(sys.stdin)["sync"]["stale_sweep_allowed"])'; }
check "the restart gate opened" wait_until 15 gate_open
sleep 1
syncs_a=$(agent_status node1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sync"]["syncs"])')
sleep 2
syncs_b=$(agent_status node1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sync"]["syncs"])')
check_eq "quiet afterwards: its own repairs trigger no further syncs" "$syncs_b" "$syncs_a"

agent_stop node1
check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
