#!/bin/bash
# bgpd's BMP feed drives learning. The agent connects to bgpd's BMP listener
# (status: feed connected); a change on the ToR reaches the kernel through
# per-prefix queries, without a full-table fetch; the ToR going away leaves
# the kernel through the feed's Peer Down; the full fetch at connect agrees
# with what the feed taught. With bgpd started without the BMP module the
# agent learns through the vty as before and status says "waiting".
# timeout: 120
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

# The periodic full fetch (kernel.resync_interval) must not fall into the
# window that counts fetches.
RESYNC=300
lan_node1_tor1 10.244.7.0/24 10.244.8.0/24
conf=$(agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }')
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
agent_start node1
two_routes() { [ "$(kroutes node1 | grep -c ' via 192.168.1.1 ')" = 2 ]; }
check "routes installed" wait_until 40 two_routes
# stat GROUP KEY: one value of the agent's status.
stat() {
	agent_status node1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]][sys.argv[2]])' "$1" "$2"
}
feed_is() { [ "$(stat feed state)" = "$1" ]; }
check "status: feed connected" wait_until 15 feed_is connected
gate_open() { [ "$(stat sync stale_sweep_allowed)" = True ]; }
check "the restart gate opens (End-of-RIB from the feed)" wait_until 20 gate_open
check "Feed line in the status text" sh -c "ip netns exec $(ns node1) $AGENT status -c $conf | grep -q '^Feed:   BMP connected'"
sleep 1.5 # the fetch at connect is done
check_eq "the full fetch at connect agrees with the feed" "$(stat sync disagreements)" 0
fetches=$(stat sync fetches)
queried=$(stat sync prefixes_queried)

tor_change() { vty tor1 "configure terminal" "router bgp 65000" "address-family ipv4 unicast" "$@" >/dev/null; }
changed() { has_route node1 '^10\.244\.9\.0/24 via 192\.168\.1\.1' && no_route node1 '^10\.244\.8\.0/24'; }
t0=$(now_ms)
tor_change "network 10.244.9.0/24" "no network 10.244.8.0/24"
if wait_until 10 changed; then
	note "one change on the ToR: in the kernel after $(( $(now_ms) - t0 )) ms"
	ok "one change: announced and withdrawn prefix follow"
else
	not_ok "one change not followed: $(kroutes node1 | tr '\n' ';')"
fi
check "the change was asked per prefix" test "$(stat sync prefixes_queried)" -ge $((queried + 2))
check_eq "no full-table fetch for it" "$(stat sync fetches)" "$fetches"

gone() { ! kroutes node1 | grep -q ' via 192\.168\.1\.1'; }
t0=$(now_ms)
vty tor1 "configure terminal" "router bgp 65000" "neighbor 192.168.1.11 shutdown" >/dev/null
if wait_until 10 gone; then
	note "ToR session shut: its routes left the kernel after $(( $(now_ms) - t0 )) ms"
	ok "ToR down: its routes leave the kernel"
else
	not_ok "ToR down: routes stay: $(kroutes node1 | tr '\n' ';')"
fi
check_eq "status: the feed's last event" "$(stat feed last_event)" "peer 192.168.1.1 down"
vty tor1 "configure terminal" "router bgp 65000" "no neighbor 192.168.1.11 shutdown" >/dev/null
check "ToR back: routes back" wait_until 30 two_routes

# bgpd without the BMP module: learning through the vty alone.
agent_stop node1
frr_stop node1
frr_start node1 "$(frr_bootstrap node1)" -n
agent_start node1
check "without the BMP module: routes installed" wait_until 40 two_routes
check "without the BMP module: feed waiting" wait_until 10 feed_is waiting
tor_change "network 10.244.10.0/24"
check "without the BMP module: a change is learned by the poll" \
	wait_until 10 has_route node1 '^10\.244\.10\.0/24 via 192\.168\.1\.1'
agent_stop node1
check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
