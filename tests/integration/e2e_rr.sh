#!/bin/bash
# End to end, route-reflector mode: two racks joined by a plain router, two FRR
# route reflectors, three nodes (node1 and node3 in rack 1, node2 in rack 2).
# A pod CIDR of the other rack is reflected with the owning node as next hop,
# which is not on-link: the agent installs it via the router (recursive next
# hop) and writes it once; a restarted agent adopts it unchanged; it follows
# when the node's route to the other rack changes (also to a multipath one);
# it is refused (status says why) when the next hop leads into a blackhole;
# and a node that leaves (FRR stopped, link cut) is withdrawn everywhere.
# timeout: 90
LAB=rf$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
need_root
MODE=rr DUALSTACK=0 NODES=3
on_cleanup lab_down
FOLLOW_LIMIT_MS=2000  # measured 60-150 ms (50 ms debounce); the rest is margin for a loaded machine
HOLD_MS=9000          # peer_entry's hold_time (tests/lab/lab.sh)
GR_RESTART_MS=5000    # graceful_restart.restart_time of the lab nodes (tests/lab/agent.conf.tmpl)

route_of() { ip -n "$(ns "$1")" route show proto "$LAB_PROTO" exact "$2"; }
route_via() { route_of "$1" "$2" | grep -q "via $3 "; } # NODE PREFIX GATEWAY
# ecmp_via NODE PREFIX GW1 GW2: the route has exactly these two next hops.
ecmp_via() {
	local r; r=$(route_of "$1" "$2")
	[ "$(grep -c 'nexthop via' <<<"$r")" = 2 ] && grep -q "via $3 " <<<"$r" && grep -q "via $4 " <<<"$r"
}
# ms_until SECONDS COMMAND...: polls every 10 ms; prints how long until
# COMMAND succeeded, or returns 1 on timeout.
ms_until() {
	local t end; t=$(now_ms); end=$((t + $1 * 1000)); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.01
	done
	echo $(( $(now_ms) - t ))
}

t0=$(now_ms)
if ! lab_up; then not_ok "rr lab up (router, 2 reflectors, 3 nodes in 2 racks)"; lab_dump; finish; exit 1; fi
ok "rr lab up (router, 2 reflectors, 3 nodes in 2 racks)"
pods=ok
for n in 1 2 3; do lab_pod_add "node$n" pod1 >/dev/null || pods=failed; done
check_eq "a pod per node created with bgp-bridge" "$pods" ok
if wait_until 30 lab_converged; then
	ok "converged: every node has routes to every other node's pod CIDR"
	note "rr mode: converged $(( $(now_ms) - t0 )) ms after lab start"
else
	not_ok "converged: every node has routes to every other node's pod CIDR"; lab_dump
fi
check "the reflectors pass node2's next hop on unchanged (192.168.2.12 on node1's bgpd)" \
	sh -c "ip netns exec $(ns node1) vtysh -N $(ns node1) -c 'show bgp ipv4 unicast $(pod_cidr 2) json' | grep -q '\"ip\":\"192.168.2.12\"'"
check "node1 -> node2's pods (other rack) via the router 192.168.1.1" route_via node1 "$(pod_cidr 2)" 192.168.1.1
check "node2 -> node1's pods (other rack) via the router 192.168.2.1" route_via node2 "$(pod_cidr 1)" 192.168.2.1
check "node1 -> node3's pods (same rack) directly via 192.168.1.13" route_via node1 "$(pod_cidr 3)" 192.168.1.13
check "every pod reaches every other pod across both racks (3 pods, 6 pings)" lab_all_pods_reach
status_json() { "$BUILD_DIR/bgp-agent" status --json -c "$LAB_STATE/$1/agent.conf"; }
# The resolved route must compare equal to what the kernel reports back, or
# every sync would rewrite it.
check_eq "node1 wrote its routes once: none replaced since start" \
	"$(status_json node1 | jq '.sync.since_start.replaced')" 0

# --- the agent restarts: the recursive routes are adopted, not rewritten --------
mon=$LAB_STATE/node1-monitor.log
ip -n "$(ns node1)" monitor route >"$mon" 2>&1 &
mon_pid=$!
track_pid "$mon_pid"
lab_agent_stop node1
lab_agent_start node1
synced() { [ "$(status_json node1 | jq '.sync.syncs')" -ge 2 ]; }
check "node1's agent restarted and synced twice" wait_until 20 synced
check "ip monitor route ran throughout" kill "$mon_pid"
check_eq "... without touching a route of the kernel (ip monitor route saw nothing)" "$(grep -c 10.244 "$mon")" 0
check "node1 -> node2's pods still via the router" route_via node1 "$(pod_cidr 2)" 192.168.1.1

# --- the resolving route changes -----------------------------------------------
ip -n "$(ns node1)" route replace "$(rr_subnet 2)" via 192.168.1.254
if dt=$(ms_until 10 route_via node1 "$(pod_cidr 2)" 192.168.1.254); then
	ok "node1's route to rack 2 now via 192.168.1.254: its pod route follows"
	note "resolution change followed in $dt ms"
	check "... within ${FOLLOW_LIMIT_MS} ms" test "$dt" -le "$FOLLOW_LIMIT_MS"
else
	not_ok "node1's route to rack 2 now via 192.168.1.254: its pod route follows"; lab_dump
fi
check "node1's pod still reaches node2's over the new gateway" lab_ping node1-pod1 node2-pod1
check "node3 (not changed) still via 192.168.1.1" route_via node3 "$(pod_cidr 2)" 192.168.1.1
ip -n "$(ns node1)" route replace "$(rr_subnet 2)" nexthop via 192.168.1.1 nexthop via 192.168.1.254
if dt=$(ms_until 10 ecmp_via node1 "$(pod_cidr 2)" 192.168.1.1 192.168.1.254); then
	ok "node1's route to rack 2 made multipath: its pod route gets both gateways (ECMP)"
	note "multipath resolution followed in $dt ms"
else
	not_ok "node1's route to rack 2 made multipath: its pod route gets both gateways (ECMP)"; lab_dump
fi
check "node1's pod reaches node2's over the two gateways" lab_ping node1-pod1 node2-pod1

# --- a next hop that resolves nowhere usable ---------------------------------------
# zebra counts a blackhole as resolving, so bgpd keeps the path valid and best;
# the agent must not install a route into it and must say why.
ip -n "$(ns node1)" route add blackhole 192.168.2.12/32
unresolved_in_status() {
	"$BUILD_DIR/bgp-agent" status --json -c "$LAB_STATE/node1/agent.conf" |
		jq -e --arg p "$(pod_cidr 2)" '[.rejected[] | select(.prefix == $p and (.reason | test("unresolved")))] | length == 1'
}
check "next hop behind a blackhole: node1's route to node2's pods is removed" \
	wait_until 10 sh -c "[ -z \"\$(ip -n $(ns node1) route show proto $LAB_PROTO exact $(pod_cidr 2))\" ]"
check "status lists it as rejected: next hop 192.168.2.12 unresolved" wait_until 5 unresolved_in_status
ip -n "$(ns node1)" route del blackhole 192.168.2.12/32
check "blackhole gone: the route is back via both gateways" \
	wait_until 10 ecmp_via node1 "$(pod_cidr 2)" 192.168.1.1 192.168.1.254
check "pods reach each other again (6 pings)" lab_all_pods_reach

# --- a node leaves ------------------------------------------------------------------
gone_everywhere() {
	local h
	for h in node1 node3; do [ -z "$(route_of "$h" "$(pod_cidr 2)")" ] || return 1; done
	for h in $(lab_tors); do vty "$h" "show bgp ipv4 unicast $(pod_cidr 2)" | grep -q 'Network not in table' || return 1; done
}
frr_stop node2
if dt=$(ms_until 30 gone_everywhere); then
	ok "node2's FRR stopped: both reflectors, node1 and node3 withdrew its pod CIDR"
	note "node2 gone: withdrawn everywhere $dt ms after its FRR stopped (GR restart time ${GR_RESTART_MS} ms)"
	check "... within the GR restart time + 3 s" test "$dt" -le $((GR_RESTART_MS + 3000))
else
	not_ok "node2's FRR stopped: both reflectors, node1 and node3 withdrew its pod CIDR"; lab_dump
fi
check "node1 and node3 still reach each other's pods" lab_ping node1-pod1 node3-pod1

# --- a node's link goes down ---------------------------------------------------
gone3() {
	local h
	[ -z "$(route_of node1 "$(pod_cidr 3)")" ] || return 1
	for h in $(lab_tors); do vty "$h" "show bgp ipv4 unicast $(pod_cidr 3)" | grep -q 'Network not in table' || return 1; done
}
ip -n "$(ns lan)" link set p-node3 down
if dt=$(ms_until 30 gone3); then
	ok "node3's link cut: both reflectors and node1 withdrew its pod CIDR"
	note "node3 gone: withdrawn $dt ms after its link was cut (hold time ${HOLD_MS} ms, GR restart time ${GR_RESTART_MS} ms)"
	check "... within hold time + GR restart time + 3 s" test "$dt" -le $((HOLD_MS + GR_RESTART_MS + 3000))
else
	not_ok "node3's link cut: both reflectors and node1 withdrew its pod CIDR"; lab_dump
fi
check "agents stop on SIGTERM with no sanitizer report in their logs" lab_agents_clean
finish
