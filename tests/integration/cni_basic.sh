#!/bin/bash
# timeout: 60
# bgp-bridge ADD/CHECK/DEL on real namespaces: one pod, several pods, pings,
# IPv6 and dual-stack, CHECK after tampering, DEL twice, DEL after the netns
# is gone, result formats per cniVersion.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
for p in a b c v6 ds; do ns_add "$p"; done

V4='[[{"subnet":"10.244.1.0/24"}]]'
C4=$(conf v4net "$V4")

# --- single pod -------------------------------------------------------------
cni ADD ctr-a eth0 a "$C4"
check_eq "ADD pod a exits 0" "$RC" 0
RA=$OUT
check_eq "result has bridge, host veth, container interface" \
	"$(jq -r '[.interfaces[].name] | join(",")' <<<"$RA" | cut -d, -f1,3)" "br-v4net,eth0"
check_eq "container interface carries the sandbox" "$(jq -r '.interfaces[2].sandbox' <<<"$RA")" \
	"/var/run/netns/$(ns a)"
check_eq "first address after the gateway" "$(jq -r '.ips[0].address' <<<"$RA")" "10.244.1.2/24"
check_eq "ips point at the container interface" "$(jq -r '.ips[0].interface' <<<"$RA")" 2
check_eq "1.0.0 ips carry no version field" "$(jq -r '.ips[0] | has("version")' <<<"$RA")" false
check_eq "default route via the gateway" "$(jq -r '.routes[0] | .dst + " " + .gw' <<<"$RA")" \
	"0.0.0.0/0 10.244.1.1"
check_eq "container MAC in result is the real one" "$(jq -r '.interfaces[2].mac' <<<"$RA")" \
	"$(ip -n "$(ns a)" -j link show eth0 | jq -r '.[0].address')"
hv=$(jq -r '.interfaces[1].name' <<<"$RA")
check_eq "host veth MAC in result is the real one" "$(jq -r '.interfaces[1].mac' <<<"$RA")" \
	"$(ip -n "$(ns node)" -j link show "$hv" | jq -r '.[0].address')"
check "host veth is a port of the bridge" \
	sh -c "ip -n $(ns node) -j link show $hv | jq -e '.[0].master == \"br-v4net\"' >/dev/null"
check "bridge has the gateway address" \
	sh -c "ip -n $(ns node) -4 addr show br-v4net | grep -q 10.244.1.1/24"
check "pod a pings the gateway" pings a 10.244.1.1

# --- several pods, pod to pod --------------------------------------------------
cni ADD ctr-b eth0 b "$C4"; RB=$OUT
cni ADD ctr-c eth0 c "$C4"; RC_=$OUT
check_eq "pods b and c get the next addresses" \
	"$(jq -r '.ips[0].address' <<<"$RB") $(jq -r '.ips[0].address' <<<"$RC_")" \
	"10.244.1.3/24 10.244.1.4/24"
check "pod a pings pod b" pings a 10.244.1.3
check "pod c pings pod a" pings c 10.244.1.2

# --- CHECK -----------------------------------------------------------------------
cni CHECK ctr-a eth0 a "$(with_prev "$C4" "$RA")"
check_eq "CHECK right after ADD passes" "$RC:$OUT" "0:"
ip -n "$(ns a)" addr del 10.244.1.2/24 dev eth0
cni CHECK ctr-a eth0 a "$(with_prev "$C4" "$RA")"
check_eq "CHECK after removing the address fails with 111" "$RC $(code)" "1 111"
ip -n "$(ns b)" route del default
cni CHECK ctr-b eth0 b "$(with_prev "$C4" "$RB")"
check_eq "CHECK after removing the default route fails with 112" "$RC $(code)" "1 112"
ip -n "$(ns node)" link set "$(jq -r '.interfaces[1].name' <<<"$RC_")" nomaster
cni CHECK ctr-c eth0 c "$(with_prev "$C4" "$RC_")"
check_eq "CHECK with the veth off the bridge fails with 110" "$RC $(code)" "1 110"

# --- DEL -----------------------------------------------------------------------
cni DEL ctr-a eth0 a "$(with_prev "$C4" "$RA")"
check_eq "DEL exits 0 with empty output" "$RC:$OUT" "0:"
check "host veth of pod a is gone" wait_until 5 sh -c "! ip -n $(ns node) link show dev $hv"
cni DEL ctr-a eth0 a "$(with_prev "$C4" "$RA")"
check_eq "second DEL succeeds too" "$RC" 0
ip netns del "$(ns b)"
cni DEL ctr-b eth0 b "$C4"
check_eq "DEL after the netns is gone succeeds" "$RC" 0
cni DEL ctr-c eth0 "" "$C4"
check_eq "DEL without CNI_NETNS succeeds" "$RC" 0
check_eq "all allocations released" "$(allocations v4net)" 0
check_eq "no veth left on the node" "$(node_veths)" 0

# --- re-ADD right after DEL, and syncDelete ---------------------------------------
cni ADD ctr-r eth0 a "$C4"; R1=$OUT
cni DEL ctr-r eth0 a "$C4"
cni ADD ctr-r eth0 a "$C4"
check_eq "ADD right after DEL of the same attachment succeeds" "$RC" 0
check "the new pod interface works" pings a 10.244.1.1
CS=$(jq -c '.syncDelete = true' <<<"$C4")
cni DEL ctr-r eth0 a "$CS"
check_eq "syncDelete: DEL exits 0" "$RC" 0
check_eq "syncDelete: the veth is gone when DEL returns" \
	"$(ip -n "$(ns node)" -o link show type veth | wc -l)" 0
check_eq "syncDelete: allocation released" "$(allocations v4net)" 0

# --- a veth of our name that belongs to someone else is never touched ---------------
cni ADD ctr-z eth0 a "$CS"; zhv=$(jq -r '.interfaces[1].name' <<<"$OUT")
check_eq "host veth alias names the attachment" \
	"$(ip -n "$(ns node)" -j -d link show "$zhv" | jq -r '.[0].ifalias')" "ctr-z/eth0/v4net"
cni DEL ctr-z eth0 a "$CS"
ip -n "$(ns node)" link add "$zhv" type veth peer name zpeer
ip -n "$(ns node)" link set "$zhv" alias "someone-else/eth0"
cni ADD ctr-z eth0 a "$CS"
check_eq "ADD refuses a same-named veth of another attachment (103)" "$RC $(code)" "1 103"
cni DEL ctr-z eth0 a "$CS"
check_eq "DEL succeeds" "$RC" 0
check "DEL left the other attachment's veth alone" ip -n "$(ns node)" link show dev "$zhv"
ip -n "$(ns node)" link del "$zhv"

# --- IPv6 only -------------------------------------------------------------------
C6=$(conf v6net '[[{"subnet":"fd00:10:244:6::/64"}]]')
cni ADD ctr-v6 eth0 v6 "$C6"
check_eq "IPv6 ADD exits 0" "$RC" 0
check_eq "IPv6 address" "$(jq -r '.ips[0].address' <<<"$OUT")" "fd00:10:244:6::2/64"
check_eq "IPv6 address is not tentative (DAD off)" \
	"$(ip -n "$(ns v6)" -6 addr show dev eth0 scope global tentative | wc -l)" 0
check_eq "accept_dad is 0 on the pod interface" \
	"$(nsx v6 sysctl -n net.ipv6.conf.eth0.accept_dad)" 0
check "IPv6 pod pings its gateway" pings v6 fd00:10:244:6::1
cni DEL ctr-v6 eth0 v6 "$C6"
check_eq "IPv6 DEL exits 0" "$RC" 0

# --- dual-stack, old and new result formats -------------------------------------
DS='[[{"subnet":"10.244.9.0/24"}],[{"subnet":"fd00:10:244:9::/64"}]]'
CD=$(conf dsnet "$DS" '{"cniVersion":"0.3.1"}')
cni ADD ctr-ds eth0 ds "$CD"
check_eq "dual-stack ADD exits 0" "$RC" 0
check_eq "one address of each family" "$(jq -r '[.ips[].address] | join(" ")' <<<"$OUT")" \
	"10.244.9.2/24 fd00:10:244:9::2/64"
check_eq "0.3.1 result carries ips[].version" "$(jq -r '[.ips[].version] | join(",")' <<<"$OUT")" "4,6"
check_eq "two default routes" "$(jq -r '[.routes[].dst] | join(" ")' <<<"$OUT")" "0.0.0.0/0 ::/0"
check "dual-stack pod pings v4 gateway" pings ds 10.244.9.1
check "dual-stack pod pings v6 gateway" pings ds fd00:10:244:9::1
cni DEL ctr-ds eth0 ds "$CD"
check_eq "dual-stack DEL releases both" "$RC $(allocations dsnet)" "0 0"

# --- options: mtu, hairpinMode, promiscMode, forceAddress, logFile --------------------
ns_add o
CO=$(conf optnet '[[{"subnet":"10.244.14.0/24"}]]' \
	"$(jq -cn --arg l "$CNI_DIR/opt.log" '{mtu:1400, hairpinMode:true, promiscMode:true,
	  logFile:$l, logLevel:"debug"}')")
ip -n "$(ns node)" link add br-optnet type bridge
ip -n "$(ns node)" addr add 10.244.14.77/24 dev br-optnet
cni ADD ctr-o eth0 o "$CO"
check_eq "a foreign address on the bridge is refused without forceAddress (7)" "$RC $(code)" "1 7"
check "the foreign address is quoted" grep -q "10.244.14.77/24" <<<"$OUT"
check_eq "the refused ADD left the bridge as it was" \
	"$(ip -n "$(ns node)" -4 -o addr show br-optnet | awk '{print $4}')" "10.244.14.77/24"
cni ADD ctr-o eth0 o "$(jq -c '.forceAddress = true' <<<"$CO")"
check_eq "forceAddress replaces it" \
	"$RC $(ip -n "$(ns node)" -4 -o addr show br-optnet | awk '{print $4}')" "0 10.244.14.1/24"
ohv=$(jq -r '.interfaces[1].name' <<<"$OUT")
check_eq "mtu on the pod interface" "$(ip -n "$(ns o)" -j link show eth0 | jq '.[0].mtu')" 1400
check_eq "mtu on the host veth" "$(ip -n "$(ns node)" -j link show "$ohv" | jq '.[0].mtu')" 1400
check "hairpin mode on the bridge port" \
	sh -c "ip netns exec $(ns node) bridge -d link show dev $ohv | grep -q 'hairpin on'"
check "bridge is promiscuous" \
	sh -c "ip -n $(ns node) link show br-optnet | grep -q PROMISC"
check "debug log went to logFile" grep -q "ADD ctr-o/eth0" "$CNI_DIR/opt.log"
cni DEL ctr-o eth0 o "$CO"
check_eq "options pod DEL" "$RC" 0

# --- the example conflist from config/ works as written -----------------------------
ns_add x
CX=$(jq -c --arg d "$CNI_DIR/ipam" '.plugins[0] + {cniVersion, name} | .ipam.dataDir = $d' \
	"$REPO/config/10-bgp-bridge.conflist")
cni ADD ctr-x eth0 x "$CX"
check_eq "example conflist: ADD" "$RC $(jq -r '[.ips[].address] | join(" ")' <<<"$OUT")" \
	"0 10.244.1.2/24 fd00:10:244:1::2/64"
cni DEL ctr-x eth0 x "$CX"
check_eq "example conflist: DEL" "$RC" 0

# --- 1.1.0 result ------------------------------------------------------------------
C11=$(conf v4net "$V4" '{"cniVersion":"1.1.0"}')
cni ADD ctr-c eth0 c "$C11"
check_eq "1.1.0 ADD answers in 1.1.0" "$RC $(jq -r .cniVersion <<<"$OUT")" "0 1.1.0"
cni DEL ctr-c eth0 c "$C11"
finish
