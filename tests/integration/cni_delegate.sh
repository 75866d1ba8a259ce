#!/bin/bash
# timeout: 60
# IPAM delegated to the reference host-local (ADD/CHECK/DEL, the 1.1.0 ->
# 1.0.0 version fallback, release on a later ADD failure), chaining after us
# with the reference portmap, tuning and bandwidth, and GC.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
for p in a b c d; do ns_add "$p"; done

# --- delegation to host-local ---------------------------------------------------------
HL=$(jq -cn --arg d "$CNI_DIR/hl" '{cniVersion:"1.0.0", name:"hlnet", type:"bgp-bridge",
	bridge:"br-hl", isGateway:true, isDefaultGateway:true,
	ipam:{type:"host-local", dataDir:$d, ranges:[[{subnet:"10.244.7.0/24"}]]}}')
hl_ips() { find "$CNI_DIR/hl/hlnet" -name '10.*' 2>/dev/null | wc -l; }
cni ADD ctr-a eth0 a "$HL"
check_eq "ADD with host-local IPAM exits 0" "$RC" 0
RA=$OUT
check_eq "address from host-local" "$(jq -r '.ips[0].address' <<<"$RA")" "10.244.7.2/24"
check_eq "host-local recorded it" "$(hl_ips)" 1
check "pod pings the gateway" pings a 10.244.7.1
cni CHECK ctr-a eth0 a "$(with_prev "$HL" "$RA")"
check_eq "CHECK (delegated to host-local CHECK) passes" "$RC:$OUT" "0:"
rm -f "$CNI_DIR/hl/hlnet/10.244.7.2"
cni CHECK ctr-a eth0 a "$(with_prev "$HL" "$RA")"
check "CHECK fails when host-local lost the reservation" [ "$RC" = 1 ]
note "host-local CHECK said: $OUT"
cni DEL ctr-a eth0 a "$(with_prev "$HL" "$RA")"
check_eq "DEL with host-local exits 0" "$RC" 0

HL11=$(jq -c '.cniVersion = "1.1.0"' <<<"$HL")
cni ADD ctr-b eth0 b "$HL11"
check_eq "1.1.0 config works with host-local (speaks 1.0.0)" "$RC $(jq -r .cniVersion <<<"$OUT")" "0 1.1.0"
cni GC "" "" "" "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$HL11")"
check_eq "GC with host-local (no 1.1.0) is skipped, not an error" "$RC" 0
check_eq "host-local's reservation is untouched by the skipped GC" "$(hl_ips)" 1
cni STATUS "" "" "" "$HL11"
check_eq "STATUS with host-local is skipped, not an error" "$RC" 0
cni DEL ctr-b eth0 b "$HL11"
check_eq "host-local reservations released" "$(hl_ips)" 0

# A later failure (the interface name is taken in the pod) releases the
# delegate's allocation again.
ip -n "$(ns c)" link add eth0 type veth peer name other0
cni ADD ctr-c eth0 c "$HL"
check_eq "ADD fails when eth0 exists in the pod" "$RC $(code)" "1 103"
check_eq "host-local allocation was released by the rollback" "$(hl_ips)" 0
ip -n "$(ns c)" link del eth0

# --- chaining: portmap, tuning, bandwidth after us ----------------------------------------
BB=$(conf chnet '[[{"subnet":"10.244.8.0/24"}]]')
cni ADD ctr-d eth0 d "$BB"
check_eq "our ADD in the chain" "$RC" 0
R=$OUT
PM=$(jq -cn --argjson r "$R" '{cniVersion:"1.0.0", name:"chnet", type:"portmap",
	capabilities:{portMappings:true},
	runtimeConfig:{portMappings:[{hostPort:18080, containerPort:80, protocol:"tcp"}]},
	prevResult:$r}')
ref portmap ADD ctr-d eth0 d "$PM"
check_eq "portmap accepts our result" "$RC" 0
check_eq "portmap passes our ips on" "$(jq -r '.ips[0].address' <<<"$OUT")" "10.244.8.2/24"
check "portmap installed its DNAT rule for our address" \
	sh -c "ip netns exec $(ns node) iptables-save -t nat | grep -q 'to-destination 10.244.8.2:80'"
R=$OUT
TU=$(jq -cn --argjson r "$R" '{cniVersion:"1.0.0", name:"chnet", type:"tuning",
	sysctl:{"net.ipv4.conf.eth0.rp_filter":"2"}, prevResult:$r}')
ref tuning ADD ctr-d eth0 d "$TU"
check_eq "tuning accepts our result" "$RC" 0
check_eq "tuning applied its sysctl in the pod" "$(nsx d sysctl -n net.ipv4.conf.eth0.rp_filter)" 2
R=$OUT
BW=$(jq -cn --argjson r "$R" '{cniVersion:"1.0.0", name:"chnet", type:"bandwidth",
	ingressRate:8000000, ingressBurst:800000, prevResult:$r}')
ref bandwidth ADD ctr-d eth0 d "$BW"
check_eq "bandwidth accepts our result" "$RC" 0
hv=$(jq -r '.interfaces[1].name' <<<"$R")
check "bandwidth shaped our host veth" \
	sh -c "ip netns exec $(ns node) tc qdisc show dev $hv | grep -q tbf"
R=$OUT
cni CHECK ctr-d eth0 d "$(with_prev "$BB" "$R")"
check_eq "our CHECK against the chain's final result passes" "$RC:$OUT" "0:"
ref bandwidth CHECK ctr-d eth0 d "$(with_prev "$BW" "$R")"
check_eq "bandwidth CHECK passes" "$RC" 0
ref bandwidth DEL ctr-d eth0 d "$(with_prev "$BW" "$R")"
ref tuning DEL ctr-d eth0 d "$(with_prev "$TU" "$R")"
ref portmap DEL ctr-d eth0 d "$(with_prev "$PM" "$R")"
check_eq "portmap DEL" "$RC" 0
cni DEL ctr-d eth0 d "$(with_prev "$BB" "$R")"
check_eq "our DEL at the end of the chain" "$RC $(allocations chnet)" "0 0"

# Chained after another plugin: prevResult's interfaces and ips are kept and
# our ips index our own interface.
PREV='{"cniVersion":"1.0.0","interfaces":[{"name":"lo0"}],"ips":[{"address":"192.0.2.9/32","interface":0}]}'
cni ADD ctr-d eth0 d "$(with_prev "$BB" "$PREV")"
check_eq "ADD with a prevResult keeps it" \
	"$(jq -r '[.interfaces[0].name, .ips[0].address, .ips[1].interface] | join(" ")' <<<"$OUT")" \
	"lo0 192.0.2.9/32 3"
cni DEL ctr-d eth0 d "$BB"

# --- GC of built-in allocations ------------------------------------------------------------
G=$(conf gcnet '[[{"subnet":"10.244.10.0/24"}]]' '{"cniVersion":"1.1.0"}')
for p in a b c; do cni ADD "gc-$p" eth0 "$p" "$G"; done
check_eq "three allocations before GC" "$(allocations gcnet)" 3
ip -n "$(ns node)" link add gcforeign type veth peer name gcpeer
ip -n "$(ns node)" link set gcforeign master br-gcnet
cni GC "" "" "" "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID:"gc-b", ifname:"eth0"}]}' <<<"$G")"
check_eq "GC exits 0" "$RC:$OUT" "0:"
check_eq "GC kept only the valid attachment" "$(allocations gcnet)" 1
check_eq "the kept one belongs to gc-b" \
	"$(head -n1 "$CNI_DIR"/ipam/gcnet/10.*)" "gc-b/eth0"
check_eq "GC removed the host veths of the stale attachments" \
	"$(ip -n "$(ns node)" -j -d link show master br-gcnet |
	   jq -r '[.[] | .ifalias // .ifname] | sort | join(" ")')" "gc-b/eth0/gcnet gcforeign"
check "GC left a foreign port of the bridge alone" ip -n "$(ns node)" link show dev gcforeign
check "pod gc-b still works after GC" pings b 10.244.10.1
ip -n "$(ns node)" link del gcforeign
cni GC "" "" "" "$G"
check_eq "GC without valid-attachments is refused (7)" "$RC $(code)" "1 7"
for p in a b c; do cni DEL "gc-$p" eth0 "$p" "$G"; done
check_eq "GC test cleaned up" "$(allocations gcnet) $(node_veths)" "0 0"
finish
