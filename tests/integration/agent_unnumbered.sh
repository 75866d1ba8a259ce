#!/bin/bash
# timeout: 120
# BGP unnumbered (RFC 5549) end to end: two nodes joined by one link that has
# no IPv4 address at all, each running FRR + bgp-agent with an `interface`
# peer. Each node must install the other's pod CIDR as an IPv4 route via the
# peer's IPv6 link-local address, and pod gateways must reach each other.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

ns_add node1 && ns_add node2 || exit 1
ns_link node1 eth1 node2 eth1 || exit 1
for n in 1 2; do
	# The pod gateway (what bgp-bridge puts on cni0) gives the node a route for
	# its pod CIDR and an IPv4 source address for the ping below.
	nsx node$n ip link add cni0 type bridge
	nsx node$n ip addr add 10.244.$n.1/24 dev cni0
	nsx node$n ip link set cni0 up
	agent_conf node$n 10.0.0.$n $((65000 + n)) 10.244.$n.0/24 \
		'{ name = "link"; interface = "eth1"; asn = "external"; }' >/dev/null
	check "node$n: FRR starts" frr_start node$n "$(frr_bootstrap node$n)" "${AGENT_BGPD[@]}"
	agent_start node$n
done

route_via_ll() { # NODE PREFIX: an IPv4 route whose next hop is an IPv6 link-local address on eth1
	ip -n "$(ns "$1")" route show proto 52 "$2" | grep -Eq "via inet6 fe80:[0-9a-f:]+ dev eth1"
}
t0=$(now_ms)
check "node1: session on eth1 Established" wait_until 40 bgp_established node1 eth1
check "node1 installs 10.244.2.0/24 via node2's link-local address" \
	wait_until 30 route_via_ll node1 10.244.2.0/24
check "node2 installs 10.244.1.0/24 via node1's link-local address" \
	wait_until 30 route_via_ll node2 10.244.1.0/24
note "converged $(( $(now_ms) - t0 )) ms after the agents started"
note "node1: $(kroutes node1 | tr '\n' ' ')"
check "the link carries no IPv4 address" \
	sh -c "! ip -n $(ns node1) -4 addr show dev eth1 | grep -q inet"
check "pod gateway 10.244.1.1 reaches 10.244.2.1 across the unnumbered link" \
	nsx node1 ping -c 2 -W 2 -I 10.244.1.1 10.244.2.1
check "status lists the interface peer as Established" \
	sh -c "agent_status() { ip netns exec $(ns node1) $AGENT status -c $WORK/node1.conf --json; }; \
	       agent_status | jq -e '.peers[] | select(.state == \"Established\")' >/dev/null"
for n in 1 2; do agent_stop node$n; done
check_agent_logs_clean
finish
