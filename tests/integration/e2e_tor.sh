#!/bin/bash
# End to end, ToR mode, dual-stack (one lab for all of it): every pod reaches
# every other pod over IPv4 and IPv6; a fourth node joins with no config change
# anywhere else; a hostile speaker's routes (default, another node's
# more-specific, outside the cluster) are never installed; a route deleted by hand comes back; a node whose link is cut has
# its routes removed from the others within the hold time; so has a node
# whose FRR is killed.
# timeout: 200
LAB=et$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
need_root
MODE=tor DUALSTACK=${E2E_TOR_DUALSTACK:-1} NODES=3
on_cleanup lab_down
HOLD_MS=9000   # datacenter profile: keepalive 3 s, hold 9 s
GR_RESTART_MS=5000   # graceful_restart.restart_time of the lab nodes (tests/lab/agent.conf.tmpl)

# Every config a join must leave alone: the ToR's file and running config, each
# existing node's agent.conf, rendered frr.conf and running config.
config_sums() {
	local n
	sha256sum "/etc/frr/$(ns tor)/frr.conf"
	vty tor "show running-config" | sha256sum
	for n in 1 2 3; do
		sha256sum "$LAB_STATE/node$n/agent.conf" "/etc/frr/$(ns "node$n")/frr.conf"
		vty "node$n" "show running-config" | sha256sum
	done
}

t0=$(now_ms)
lab_up_checked "lab up (ToR + 3 nodes with FRR and bgp-agent)"
pods=ok
for n in 1 2 3; do lab_pods_add "node$n" 2 || pods=failed; done
check_eq "2 pods per node created with bgp-bridge (CNI ADD in the node namespace)" "$pods" ok
if wait_until 60 lab_converged; then
	ok "converged: every node has an agent route to every other node's pod CIDR"
	note "ToR mode: 3 nodes converged $(( $(now_ms) - t0 )) ms after lab start"
else
	not_ok "converged: every node has an agent route to every other node's pod CIDR"
	lab_dump
fi
check "every pod reaches every other pod (6 pods, 30 pings)" lab_all_pods_reach
[ "$DUALSTACK" = 1 ] && check "every pod reaches every other pod over IPv6 (30 pings)" lab_all_pods_reach 6
check "ToR sees 3 dynamic IPv4 neighbors" sh -c "[ \$(ip netns exec $(ns tor) vtysh -N $(ns tor) -c 'show bgp ipv4 unicast summary json' | jq '[.peers | to_entries[] | select(.key | contains(\".\")) | select(.value.state == \"Established\")] | length') = 3 ]"

# --- a fourth node joins ---------------------------------------------------
before=$(config_sums)
t=$(now_ms)
check "node4 joins the running lab" lab_node_add 4
check "a pod on node4" lab_pods_add node4 1
if wait_until 60 lab_converged; then
	ok "node4 converged: all 4 nodes have routes to each other"
	note "join: node4 reachable $(( $(now_ms) - t )) ms after it was created (namespace, FRR, agent, pod)"
else
	not_ok "node4 converged: all 4 nodes have routes to each other"; lab_dump
fi
check "every pod reaches every other pod, node4's included (7 pods, 42 pings)" lab_all_pods_reach
[ "$DUALSTACK" = 1 ] && check "... and over IPv6 (42 pings)" lab_all_pods_reach 6
check_eq "no config changed on the ToR or nodes 1-3 (checksums)" "$(config_sums)" "$before"

# --- a hostile speaker on the node network ------------------------------------
# It peers with the ToR (accepted by the listen range, as any node would be) and
# advertises a default route, a more-specific of node2's pod CIDR, and a prefix
# outside the cluster — per address family in use.
BAD="0.0.0.0/0 10.244.2.0/25 172.16.0.0/16"
BAD6="::/0 fd00:10:244:2::/80 2001:db8::/32"
{
	cat <<'EOF'
frr defaults datacenter
hostname rogue
router bgp 65066
 bgp router-id 192.168.1.66
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 192.168.1.1 remote-as 65000
 neighbor fd00:192:168:1::1 remote-as 65000
 address-family ipv4 unicast
  network 0.0.0.0/0
  network 10.244.2.0/25
  network 172.16.0.0/16
  no neighbor fd00:192:168:1::1 activate
 exit-address-family
EOF
	if [ "$DUALSTACK" = 1 ]; then
		cat <<'EOF'
 address-family ipv6 unicast
  network ::/0
  network fd00:10:244:2::/80
  network 2001:db8::/32
  neighbor fd00:192:168:1::1 activate
 exit-address-family
EOF
	fi
	echo '!'
} >"$LAB_STATE/rogue.conf"
rogue_up() {
	lab_router_up rogue 192.168.1.66 "$LAB_STATE/rogue.conf" &&
		ip -n "$(ns rogue)" addr add fd00:192:168:1::66/64 dev eth0 nodad
}
check "hostile speaker 192.168.1.66 (AS 65066) starts" rogue_up
tor_passed_on() { # AFI NODE-ADDRESS PREFIXES: the ToR sent the bad routes to a node
	local out p
	out=$(vty tor "show bgp $1 unicast neighbors $2 advertised-routes")
	for p in $3; do grep -qF "$p" <<<"$out" || return 1; done
}
check "the ToR accepted the hostile IPv4 routes and advertised them to node1" \
	wait_until 30 tor_passed_on ipv4 192.168.1.11 "$BAD"
[ "$DUALSTACK" = 1 ] && check "... and the hostile IPv6 routes" \
	wait_until 30 tor_passed_on ipv6 fd00:192:168:1::11 "$BAD6"
sleep 3 # far beyond the agent's reaction time to a BGP change
none_installed() { # NODE
	local p
	for p in $BAD; do [ -z "$(ip -4 -n "$(ns "$1")" route show exact "$p")" ] || return 1; done
	[ "$DUALSTACK" = 1 ] || return 0
	for p in $BAD6; do [ -z "$(ip -6 -n "$(ns "$1")" route show exact "$p")" ] || return 1; done
}
all_bad=$BAD
[ "$DUALSTACK" = 1 ] && all_bad="$BAD $BAD6"
for n in 1 2 3 4; do
	check "node$n installed none of $all_bad" none_installed "node$n"
done
check "pods on node2's lower half still reached via node2 (no /25 hijack)" lab_ping node1-pod1 node2-pod1
[ "$DUALSTACK" = 1 ] && check "... and over IPv6 (no /80 hijack)" lab_ping node1-pod1 node2-pod1 6
ip -n "$(ns lan)" link set p-rogue down

# --- a route deleted by hand comes back ------------------------------------------
ip -n "$(ns node1)" route del "$(pod_cidr 2)" proto "$LAB_PROTO"
t=$(now_ms)
if wait_until 40 lab_has_route node1 "$(pod_cidr 2)"; then
	ok "route deleted by hand on node1 comes back"
	note "hand-deleted route restored after $(( $(now_ms) - t )) ms"
else
	not_ok "route deleted by hand on node1 comes back"
fi

# --- a node goes away (link cut) ---------------------------------------------------
gone_everywhere() {
	local n
	for n in 1 2 4; do
		! lab_has_route "node$n" "$(pod_cidr 3)" || return 1
		[ "$DUALSTACK" = 1 ] && { ! lab_has_route "node$n" "$(pod_cidr6 3)" || return 1; }
	done
	return 0
}
ip -n "$(ns lan)" link set p-node3 down
t=$(now_ms)
if wait_until 30 gone_everywhere; then
	dt=$(( $(now_ms) - t ))
	ok "node3's link cut: nodes 1, 2, 4 removed its pod CIDR"
	note "node3 gone: routes removed $dt ms after the link cut (hold time ${HOLD_MS} ms, GR restart time ${GR_RESTART_MS} ms)"
	check "removed within hold time + GR restart time (+3 s margin for a loaded machine)" \
		test "$dt" -le $((HOLD_MS + GR_RESTART_MS + 3000))
else
	not_ok "node3's link cut: nodes 1, 2, 4 removed its pod CIDR"; lab_dump
fi
check "nodes 1, 2, 4 still reach each other's pods" lab_ping node1-pod1 node4-pod1

# --- a node goes away (its FRR killed) ------------------------------------------------
gone4() {
	local n
	for n in 1 2; do ! lab_has_route "node$n" "$(pod_cidr 4)" || return 1; done
}
kill -9 "$(cat "$(frr_dir node4)/bgpd.pid")" "$(cat "$(frr_dir node4)/zebra.pid")"
t=$(now_ms)
if wait_until 30 gone4; then
	ok "node4's FRR killed (SIGKILL): nodes 1 and 2 removed its pod CIDR"
	dt=$(( $(now_ms) - t ))
	note "node4's FRR killed: routes removed $dt ms later (the kernel closes bgpd's TCP session at once; the ToR keeps them stale for the GR restart time)"
	check "not withdrawn before the GR restart time ran out (the ToR is a graceful-restart helper)" \
		test "$dt" -ge $((GR_RESTART_MS - 1000))
else
	not_ok "node4's FRR killed (SIGKILL): nodes 1 and 2 removed its pod CIDR"; lab_dump
fi
check "nodes 1 and 2 still reach each other's pods" lab_ping node1-pod1 node2-pod2
check "agents stop on SIGTERM with no sanitizer report in their logs" lab_agents_clean
finish
