#!/bin/bash
# End to end, restarts and reconfiguration (one ToR lab, two nodes):
# - agent restart on node1: a continuous pod-to-pod ping loses nothing, and no
#   route of ours is deleted (and re-added) in either node's kernel;
# - FRR restart on node1: node1's routes stay in its kernel meanwhile and BGP
#   recovers; the packet loss of a ping across the restart is reported;
# - config change + SIGHUP adding a second ToR as a peer: the existing session
#   is not reset (same connection count, uptime continues).
# timeout: 150
LAB=er$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
need_root
MODE=tor DUALSTACK=0 NODES=2
on_cleanup lab_down

# monitor_start NAME: `ip monitor route` in node NAME into $LAB_STATE/mon-NAME;
# its pid in MON_PID. (No $(...): the job must be a child of this shell.)
monitor_start() {
	ip -n "$(ns "$1")" monitor route >"$LAB_STATE/mon-$1" 2>&1 &
	MON_PID=$!
	track_pid "$MON_PID"
}
# deleted_ours FILE: the cluster routes the monitor saw deleted.
deleted_ours() { grep -E '^Deleted .*10\.244\.' "$1"; }
# ping_start SRC DST SECONDS: a ping every 50 ms; its pid in PING_PID.
ping_start() {
	ip netns exec "$(ns "$1")" ping -i 0.05 -W 1 -w "$3" "$(lab_pod_ip "$2")" \
		>"$LAB_STATE/ping.out" 2>&1 &
	PING_PID=$!
	track_pid "$PING_PID"
}
ping_counts() { sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$LAB_STATE/ping.out"; }

if ! lab_up; then not_ok "lab up (ToR + 2 nodes)"; lab_dump; finish; exit 1; fi
ok "lab up (ToR + 2 nodes)"
check "a pod on each node (bgp-bridge)" eval 'lab_pod_add node1 pod1 >/dev/null && lab_pod_add node2 pod1 >/dev/null'
if wait_until 60 lab_converged; then ok "converged"; else not_ok "converged"; lab_dump; fi
check "node1-pod1 reaches node2-pod1" lab_ping node1-pod1 node2-pod1

# --- agent restart ------------------------------------------------------------------
monitor_start node1; m1=$MON_PID
monitor_start node2; m2=$MON_PID
sleep 0.3
ping_start node1-pod1 node2-pod1 8; pp=$PING_PID
sleep 1
t=$(now_ms)
lab_agent_stop node1
lab_agent_start node1
if wait_until 20 lab_agent_ready node1; then
	ok "agent on node1 is back (answers status)"
else
	not_ok "agent on node1 is back (answers status)"; lab_dump
fi
dt=$(( $(now_ms) - t ))
note "agent restart: stopped and answering again after $dt ms"
check "agent restart happened inside the ping window (1 s + $dt ms < 8 s)" test "$dt" -lt 6000
wait "$pp"
read -r sent recv <<<"$(ping_counts)"
note "agent restart: $recv of $sent pings (every 50 ms) answered"
check "agent restart: continuous ping lost no packet ($recv/$sent)" test "${sent:-0}" -gt 0 -a "${sent:-0}" = "${recv:-x}"
kill "$m1" "$m2" 2>/dev/null
check_eq "agent restart: no route of ours deleted in node1's kernel" "$(deleted_ours "$LAB_STATE/mon-node1")" ""
check_eq "agent restart: no route of ours deleted in node2's kernel" "$(deleted_ours "$LAB_STATE/mon-node2")" ""
note "agent restart: route messages seen on node1 (adds/replaces): $(grep -c '10\.244\.' "$LAB_STATE/mon-node1")"

# --- FRR restart --------------------------------------------------------------------
monitor_start node1; m1=$MON_PID
sleep 0.3
ping_start node1-pod1 node2-pod1 12; pp=$PING_PID
sleep 1
t=$(now_ms)
check "FRR on node1 restarts (zebra + bgpd, rendered config)" lab_frr_restart node1
check "FRR restart: node1's route to node2's pods stays in the kernel meanwhile" lab_has_route node1 "$(pod_cidr 2)"
if wait_until 40 bgp_established node1 192.168.1.1 && wait_until 40 lab_converged; then
	ok "FRR restart: BGP session to the ToR recovered and routes converged"
	note "FRR restart: recovered $(( $(now_ms) - t )) ms after the restart began"
else
	not_ok "FRR restart: BGP session to the ToR recovered and routes converged"; lab_dump
fi
wait "$pp"
read -r sent recv <<<"$(ping_counts)"
kill "$m1" 2>/dev/null
check_eq "FRR restart: node1's own routes were never deleted from its kernel" "$(deleted_ours "$LAB_STATE/mon-node1")" ""
note "FRR restart: $recv of $sent pings answered across the restart (node2's route back to node1" \
	"depends on the ToR keeping node1's prefix while node1's session is down)"
check "FRR restart: pods reach each other again afterwards" wait_until 20 lab_ping node1-pod1 node2-pod1

# --- SIGHUP with a second peer ------------------------------------------------------
session() { # field of node1's session to PEER
	vty node1 "show bgp neighbors $1 json" | jq -r --arg p "$1" ".[\$p].$2"
}
check "second ToR (192.168.1.2) starts" lab_tor2_up
est_before=$(session 192.168.1.1 connectionsEstablished)
up_before=$(session 192.168.1.1 bgpTimerUpMsec)
sed -i 's|^\(  { name = "tor"; .*}\)$|\1,\n  { name = "tor2"; address = "192.168.1.2"; asn = 65000; hold_time = 9; keepalive = 3; }|' \
	"$LAB_STATE/node1/agent.conf"
check "node1's config now has two peers" "$BUILD_DIR/bgp-agent" check-config -c "$LAB_STATE/node1/agent.conf"
if ! kill -HUP "$(lab_agent_pid node1)"; then
	not_ok "node1's agent is running to receive SIGHUP"; lab_dump
fi
check "after SIGHUP node1 peers with the second ToR" wait_until 30 bgp_established node1 192.168.1.2
check_eq "the session to the first ToR was not reset (connections established)" \
	"$(session 192.168.1.1 connectionsEstablished)" "$est_before"
up_after=$(session 192.168.1.1 bgpTimerUpMsec)
check "the session to the first ToR kept its uptime ($up_before -> $up_after ms)" test "$up_after" -gt "$up_before"
check "still Established to the first ToR" bgp_established node1 192.168.1.1
check "agents stop on SIGTERM with no sanitizer report in their logs" lab_agents_clean
finish
