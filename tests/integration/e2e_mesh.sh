#!/bin/bash
# End to end, node-mesh mode (no ToR): three nodes in an iBGP full mesh
# (AS 64512), dual-stack pod CIDRs. Every pod reaches every other pod over
# IPv4 and IPv6, and each route's next hop is the owning node itself.
# timeout: 120
LAB=em$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
need_root
MODE=mesh DUALSTACK=${E2E_MESH_DUALSTACK:-1} NODES=3
on_cleanup lab_down

t0=$(now_ms)
if ! lab_up; then not_ok "mesh lab up (3 nodes, no ToR)"; lab_dump; finish; exit 1; fi
ok "mesh lab up (3 nodes, no ToR)"
pods=ok
for n in 1 2 3; do
	for p in 1 2; do lab_pod_add "node$n" "pod$p" >/dev/null || pods=failed; done
done
check_eq "2 pods per node created with bgp-bridge" "$pods" ok
if wait_until 60 lab_converged; then
	ok "converged: every node has routes to every other node's pod CIDRs"
	note "mesh mode (dual-stack=$DUALSTACK): converged $(( $(now_ms) - t0 )) ms after lab start"
else
	not_ok "converged: every node has routes to every other node's pod CIDRs"; lab_dump
fi
check "node1 has 2 established iBGP sessions per address family in use" \
	sh -c "[ \$(ip netns exec $(ns node1) vtysh -N $(ns node1) -c 'show bgp neighbors json' | jq '[.[] | select(.bgpState == \"Established\")] | length') -ge 2 ]"
check "iBGP keeps the next hop: node1 reaches node2's pods via 192.168.1.12 directly" \
	sh -c "ip -n $(ns node1) route show proto $LAB_PROTO exact $(pod_cidr 2) | grep -q 'via 192.168.1.12'"
check "every pod reaches every other pod over IPv4 (6 pods, 30 pings)" lab_all_pods_reach
if [ "$DUALSTACK" = 1 ]; then
	check "every pod has an IPv6 address" sh -c "! grep -L . $LAB_STATE/node*/pods/*.ip6 | grep -q ."
	check "every pod reaches every other pod over IPv6 (30 pings)" lab_all_pods_reach 6
fi
check "agents stop on SIGTERM with no sanitizer report in their logs" lab_agents_clean

# `lab.sh down` (what `make demo-down` runs) removes everything of this lab.
leftovers() {
	ip netns list | awk '{print $1}' | grep "^$LAB-"
	ls -d /var/run/frr/"$LAB"-* /etc/frr/"$LAB"-* "$LAB_STATE" 2>/dev/null
	for n in $(ip netns list | awk '{print $1}' | grep "^$LAB-"); do ip netns pids "$n"; done
}
check "lab.sh down succeeds" env LAB="$LAB" "$REPO/tests/lab/lab.sh" down
check_eq "nothing of the lab is left (namespaces, FRR dirs, state dir)" "$(leftovers)" ""
finish
