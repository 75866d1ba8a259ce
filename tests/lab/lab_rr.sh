# Lab MODE=rr (sourced by lab.sh): two racks joined by a router, two route
# reflectors, every node an iBGP client of both (AS 64512).
#
#   lan     the switches: br1 for rack 1 (192.168.1.0/24), br2 for rack 2
#           (192.168.2.0/24)
#   router  a plain router (no BGP): 192.168.R.1 in rack R (and 192.168.1.254,
#           a second gateway for tests), connected routes plus a static route
#           per node pod CIDR — the part of a fabric that carries pod traffic
#           between racks
#   rr1/rr2 route reflectors at 192.168.1.2 and 192.168.2.2 (rr-frr.conf.tmpl)
#   nodeN   in rack 1 when N is odd, rack 2 when even, at 192.168.R.(10+N),
#           with a static route to the other rack via its router: the route
#           that resolves the BGP next hops of the other rack's pod CIDRs
#
# A node reaches pods of its own rack directly and those of the other rack via
# 192.168.R.1: the agent resolves the reflected next hop (the owning node, not
# on-link) through the node's route to the other rack, as zebra would.

rr_rack() { echo $(( ($1 - 1) % 2 + 1 )); }
rr_other_rack() { echo $(( 3 - $1 )); }
rr_subnet() { echo "192.168.$1.0/24"; }
rr_gateway() { echo "192.168.$1.1"; }
rr_reflectors() { echo 1 2; }
rr_reflector_addr() { echo "192.168.$1.2"; }

lab_rr_peers() { # N: both reflectors
	local m peers=()
	for m in $(rr_reflectors); do
		peers+=("$(peer_entry "rr$m" "$(rr_reflector_addr "$m")" internal)")
	done
	join_lines "${peers[@]}"
}

# lab_rr_attach NAME RACK ADDRESS: NAME's eth0 on the rack's switch, with its
# address and the route to the other rack via the router.
lab_rr_attach() {
	local other; other=$(rr_other_rack "$2")
	ns_link "$1" eth0 lan "p-$1" && ip -n "$(ns lan)" link set "p-$1" master "br$2" || return 1
	ip -n "$(ns "$1")" addr add "$3/24" dev eth0 &&
		ip -n "$(ns "$1")" route add "$(rr_subnet "$other")" via "$(rr_gateway "$2")"
}

lab_rr_router_up() {
	local r
	lab_ns_add router || return 1
	for r in 1 2; do
		ns_bridge lan "br$r" || return 1
		ns_link router "eth$r" lan "p-router$r" &&
			ip -n "$(ns lan)" link set "p-router$r" master "br$r" || return 1
		ip -n "$(ns router)" addr add "$(rr_gateway "$r")/24" dev "eth$r" || return 1
	done
	ip -n "$(ns router)" addr add 192.168.1.254/24 dev eth1
}

lab_rr_reflector_up() { # M
	local name=rr$1 conf=$LAB_STATE/rr$1-frr.conf
	render "$LAB_DIR/rr-frr.conf.tmpl" NAME="$name" ADDRESS="$(rr_reflector_addr "$1")" >"$conf"
	lab_ns_add "$name" && lab_rr_attach "$name" "$1" "$(rr_reflector_addr "$1")" || return 1
	frr_start "$name" "$conf" 2>>"$LAB_STATE/frr-start.log"
}

lab_rr_up() {
	local m
	lab_ns_add lan && lab_rr_router_up || return 1
	for m in $(rr_reflectors); do lab_rr_reflector_up "$m" || return 1; done
}

# lab_rr_node_net N: node N on its rack, and the router's route to its pods.
lab_rr_node_net() {
	local rack; rack=$(rr_rack "$1")
	lab_rr_attach "node$1" "$rack" "$(node_addr "$1")" &&
		ip -n "$(ns router)" route replace "$(pod_cidr "$1")" via "$(node_addr "$1")"
}
