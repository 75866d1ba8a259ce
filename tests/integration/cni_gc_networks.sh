#!/bin/bash
# timeout: 40
# Two networks on one bridge: GC and DEL of one network never touch the other
# network's pods. The host veth's alias names the network, and GC removes only
# veths whose alias names the network it was called for; a veth with an alias
# from before (no network) is left to DEL.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
for p in a b c; do ns_add "$p"; done
SHARED='{"cniVersion":"1.1.0", "bridge":"br-shared"}'
N1=$(conf gcone '[[{"subnet":"10.244.14.0/24"}]]' "$SHARED")
N2=$(conf gctwo '[[{"subnet":"10.244.15.0/24"}]]' "$SHARED")
# valid CONF [ID...]: CONF with those eth0 attachments as valid-attachments.
valid() {
	local c=$1; shift
	jq -c --args '. + {"cni.dev/valid-attachments": [$ARGS.positional[] |
		{containerID: ., ifname: "eth0"}]}' "$@" <<<"$c"
}
port_aliases() {
	ip -n "$(ns node)" -j -d link show master br-shared |
		jq -r '[.[] | .ifalias // .ifname] | sort | join(" ")'
}

cni ADD pa eth0 a "$N1"; check_eq "ADD of pa into gcone" "$RC" 0
cni ADD pb eth0 b "$N2"; check_eq "ADD of pb into gctwo" "$RC" 0
check_eq "both on the shared bridge, aliases name the network" "$(port_aliases)" \
	"pa/eth0/gcone pb/eth0/gctwo"

cni GC "" "" "" "$(valid "$N1" pa)"
check_eq "GC of gcone (pa valid) exits 0" "$RC:$OUT" "0:"
check_eq "GC of gcone left gctwo's veth" "$(node_veths 2) $(port_aliases)" \
	"2 pa/eth0/gcone pb/eth0/gctwo"
check "gctwo's pod still has eth0 and reaches its gateway" pings b 10.244.15.1
check_eq "gctwo still holds its address" "$(allocations gctwo)" 1

cni DEL pb eth0 b "$N1"
check_eq "DEL of pb's id in gcone exits 0" "$RC" 0
check_eq "and leaves gctwo's veth alone" "$(port_aliases)" "pa/eth0/gcone pb/eth0/gctwo"

cni GC "" "" "" "$(valid "$N1")"
check_eq "GC of gcone with nothing valid exits 0" "$RC:$OUT" "0:"
check_eq "it removed gcone's pod only" "$(node_veths 1) $(port_aliases) $(allocations gcone)" \
	"1 pb/eth0/gctwo 0"
check "gctwo's pod still works" pings b 10.244.15.1

# A host veth named before the alias held the network: not provably gcone's.
cni ADD pc eth0 c "$N1"
hv=$(jq -r '.interfaces[1].name' <<<"$OUT")
ip -n "$(ns node)" link set "$hv" alias pc/eth0
cni GC "" "" "" "$(valid "$N1")"
check_eq "GC leaves a veth whose alias names no network" "$(node_veths 2)" 2
cni DEL pc eth0 c "$N1"
check_eq "DEL still removes such a veth of its attachment" "$RC $(node_veths 1)" "0 1"
cni DEL pb eth0 b "$N2"
check_eq "cleaned up" "$(node_veths) $(allocations gcone) $(allocations gctwo)" "0 0 0"
finish
