#!/bin/bash
# Restarts without churn: the agent restarting adopts the routes already in
# the kernel (an `ip monitor route` running across the restart records no
# change of our routes); FRR restarting (zebra + bgpd) leaves the kernel
# routes in place, the agent re-applies its config to the new bgpd, the routes
# are re-learned and a route withdrawn meanwhile is swept after End-of-RIB.
# timeout: 150
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

lan_node1_tor1 10.244.7.0/24 10.244.8.0/24 10.244.9.0/24
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
# The agent first, FRR 4 s later: it retries with back-off, logging once.
agent_start node1
sleep 4
check_eq "FRR not running: one log line, not one per retry" \
	"$(grep -c 'bgpd is not running' "$WORK/node1-agent.log")" 1
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
check "FRR started later: the agent applies its config (back-off <= 4 s here)" \
	wait_until 20 grep -q 'configuration applied to bgpd' "$WORK/node1-agent.log"
check "routes installed" wait_until 60 sh -c \
	"[ \$(ip -n $(ns node1) route show proto 52 | grep -c ' via 192.168.1.1 ') = 3 ]"
check "stale sweep enabled by End-of-RIB (not by the grace timer)" \
	wait_until 20 grep -q 'sent End-of-RIB' "$WORK/node1-agent.log"

# --- agent restart: no churn ---------------------------------------------------
before=$(kroutes node1)
nsx node1 ip monitor route >"$WORK/monitor-agent.txt" 2>&1 &
mon=$!
track_pid $mon
sleep 0.3
agent_stop node1
agent_start node1
check "restarted agent reconnects to bgpd" \
	wait_until 20 sh -c "grep -c 'connected to bgpd' '$WORK/node1-agent.log' | grep -q 2"
check "restarted agent allows the sweep after End-of-RIB" \
	wait_until 30 sh -c "grep -c 'sent End-of-RIB' '$WORK/node1-agent.log' | grep -q 2"
# state "applied" with 0 reloads sent: the restarted agent's --test found no difference.
frr_applied_without_reload() {
	agent_status node1 --json | python3 -c '
import json, sys
f = json.load(sys.stdin)["frr"]
sys.exit(0 if f["state"] == "applied" and f["reloads"] == 0 else 1)'
}
check "restarted agent finds FRR already configured and sends nothing" \
	wait_until 20 frr_applied_without_reload
note "FRR apply after the agent restart: $(agent_status node1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["frr"]["last_result"])')"
sleep 1
kill $mon 2>/dev/null; wait $mon 2>/dev/null
note "ip monitor during the agent restart: $(wc -l <"$WORK/monitor-agent.txt") lines"
check_eq "no route change recorded while the agent restarted" \
	"$(grep -c 'proto 52\|proto bgp-agent' "$WORK/monitor-agent.txt")" 0
check_eq "kernel routes identical after the agent restart" "$(kroutes node1)" "$before"

# --- FRR restart: routes kept, config re-applied, routes re-learned -------------
nsx node1 ip monitor route >"$WORK/monitor-frr.txt" 2>&1 &
mon=$!
track_pid $mon
sleep 0.3
pid_before=$(cat "$(frr_dir node1)/bgpd.pid")
frr_stop node1
check "routes stay while FRR is down" has_route node1 '^10\.244\.7\.0/24 via'
# Meanwhile tor1 withdraws one prefix: after FRR is back it must go (after EoR).
vty tor1 "configure terminal" "router bgp 65000" "address-family ipv4 unicast" \
	"no network 10.244.9.0/24" >/dev/null
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
check "agent notices the new bgpd and re-applies its config" \
	wait_until 30 grep -q 'bgpd restarted (pid' "$WORK/node1-agent.log"
check "session re-established with the re-applied config" wait_until 40 bgp_established node1 192.168.1.1
check "bgpd pid changed" sh -c "[ \$(cat $(frr_dir node1)/bgpd.pid) != $pid_before ]"
check "prefix withdrawn while FRR was down is swept after End-of-RIB" \
	wait_until 30 no_route node1 '^10\.244\.9\.0/24'
sleep 1
kill $mon 2>/dev/null; wait $mon 2>/dev/null
check_eq "routes still present were never deleted during the FRR restart" \
	"$(grep -E '^Deleted .*10\.244\.(7|8)\.0/24' "$WORK/monitor-frr.txt" | wc -l)" 0
check "remaining routes still installed" sh -c \
	"[ \$(ip -n $(ns node1) route show proto 52 | grep -c ' via 192.168.1.1 ') = 2 ]"

# --- FRR restart with the full config (as a node reboot / systemd restart does) --
# Measured trap: the ToR sends End-of-RIB 1.6-2.5 s before its routes here;
# sweeping on End-of-RIB alone deleted every learned route for that long.
nsx node1 ip monitor route >"$WORK/monitor-frr2.txt" 2>&1 &
mon=$!
track_pid $mon
sleep 0.3
gates=$(grep -c 'stale routes may now be removed' "$WORK/node1-agent.log")
cp "/etc/frr/$(ns node1)/frr.conf" "$WORK/node1-running.conf"
frr_stop node1
frr_start node1 "$WORK/node1-running.conf" "${AGENT_BGPD[@]}"
check "FRR restarted with its full config: session back" wait_until 40 bgp_established node1 192.168.1.1
check "the agent re-opens the sweep gate after the restart" wait_until 30 sh -c \
	"[ \$(grep -c 'stale routes may now be removed' '$WORK/node1-agent.log') -gt $gates ]"
sleep 1
kill $mon 2>/dev/null; wait $mon 2>/dev/null
check_eq "no route of ours deleted during the full-config FRR restart" \
	"$(grep -cE '^Deleted .*(proto 52|proto bgp-agent)' "$WORK/monitor-frr2.txt")" 0

agent_stop node1
check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
