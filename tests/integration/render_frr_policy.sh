#!/bin/bash
# timeout: 120
# The rendered policy, exercised by real FRR: a ToR namespace peers with a
# node namespace running the rendered tor-ebgp config. The ToR offers good and
# bad prefixes; the node accepts only node-sized prefixes inside the cluster
# CIDR (not the default route, not its own pod CIDR, not other lengths, not
# outside), and advertises only its own pod CIDR. Adding a peer with
# frr-reload.py --reload leaves the established session untouched.
. "$(dirname "$0")/../lib/testlib.sh"
need_root
AGENT=$BUILD_DIR/bgp-agent
tmp=$(mktemp -d /tmp/render-policy.XXXXXX)
track_path "$tmp"

ns_add node
ns_add tor
ns_link node eth0 tor eth0
ip -n "$(ns node)" addr add 192.168.1.11/24 dev eth0
ip -n "$(ns tor)" addr add 192.168.1.1/24 dev eth0
# import-check: the node advertises its pod CIDR only while a route exists.
ip -n "$(ns node)" route add blackhole 10.244.1.0/24

{ cat "$REPO/tests/golden/render/tor-ebgp.conf"; echo "frr = { templates = \"$REPO/frr-templates\"; };"; } >"$tmp/node.conf"
check "render the node config" bash -c "'$AGENT' render -c '$tmp/node.conf' >'$tmp/node.frr'"
cat >"$tmp/tor.frr" <<'CONF'
frr defaults datacenter
hostname tor
!
router bgp 65000
 bgp router-id 192.168.1.1
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 192.168.1.11 remote-as 65001
 !
 address-family ipv4 unicast
  network 0.0.0.0/0
  network 10.99.0.0/24
  network 10.244.1.0/24
  network 10.244.2.0/24
  network 10.244.3.0/25
  network 10.244.4.0/24
  network 10.244.0.0/16
  neighbor 192.168.1.11 activate
 exit-address-family
exit
!
CONF
# The rendered file has the `bmp targets` block: bgpd with its BMP module, as it runs for the agent.
check "FRR starts on the node" frr_start node "$tmp/node.frr" -M bmp
check "FRR starts on the ToR" frr_start tor "$tmp/tor.frr"
check "session comes up" wait_until 60 bgp_established node 192.168.1.1

# routes_from NAME PEER: the prefixes NAME accepted from PEER (after policy), sorted.
routes_from() {
	vty "$1" "show bgp ipv4 unicast neighbors $2 routes json" |
		python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin).get("routes", {}))))'
}
accepted() { routes_from node 192.168.1.1; }
has_route_from() { routes_from "$1" "$2" | grep -qw "$3"; }
wait_until 30 has_route_from node 192.168.1.1 10.244.4.0/24
check_eq "node accepts exactly the node-sized cluster prefixes" "$(accepted)" "10.244.2.0/24 10.244.4.0/24"
# What the ToR learned from the node: only the node's pod CIDR.
wait_until 30 has_route_from tor 192.168.1.11 10.244.1.0/24
check_eq "ToR learns only the node's pod CIDR" "$(routes_from tor 192.168.1.11)" "10.244.1.0/24"
check_eq "bgp no-rib: no BGP route in the node's kernel" "$(ip -n "$(ns node)" route show proto bgp)" ""

# Add a second peer: the running session must not be reset.
est() { vty node "show bgp neighbors 192.168.1.1 json" | sed -n 's/.*"connectionsEstablished":\([0-9]*\).*/\1/p'; }
before=$(est)
sed 's/^peers = .*/peers = ( { name = "tor"; address = "192.168.1.1"; asn = 65000; }, { name = "tor2"; address = "192.168.1.2"; asn = 65002; } );/' \
	"$tmp/node.conf" >"$tmp/node2.conf"
check "render with one more peer" bash -c "'$AGENT' render -c '$tmp/node2.conf' >'$tmp/node2.frr'"
check "frr-reload.py --reload applies it" \
	nsx node /usr/lib/frr/frr-reload.py --pathspace "$(ns node)" --reload "$tmp/node2.frr"
sleep 2
check "the new neighbor exists" bash -c "ip netns exec $(ns node) vtysh -N $(ns node) -c 'show bgp summary' | grep -q 192.168.1.2"
check "the ToR session is still Established" bgp_established node 192.168.1.1
check_eq "the ToR session was not re-established" "$(est)" "$before"
check_eq "and still accepts the same prefixes" "$(accepted)" "10.244.2.0/24 10.244.4.0/24"
finish
