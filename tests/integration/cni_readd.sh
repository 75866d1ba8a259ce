#!/bin/bash
# timeout: 40
# A repeated ADD of an existing attachment (same container id and ifname) is
# refused with error 105 and books nothing, whether into the same or another
# netns, also when racing; the live pod keeps its veth and address, and a
# failing ADD rolls back only what it created (also with host-local, and
# with static IPAM, which would hand out the same address twice).
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
for p in a b c d; do ns_add "$p"; done
C=$(conf renet '[[{"subnet":"10.244.13.0/24"}]]')
# pod_addr POD: the pod's IPv4 address on eth0 ("" if none).
pod_addr() { ip -n "$(ns "$1")" -j -4 addr show dev eth0 2>/dev/null | jq -r '.[0].addr_info[0].local // empty'; }
host_index() { ip -n "$(ns node)" -j link show type veth | jq -r '.[0].ifindex'; }

cni ADD r1 eth0 a "$C"; RES=$OUT
check_eq "first ADD exits 0" "$RC" 0
A1=$(jq -r '.ips[0].address | split("/")[0]' <<<"$RES")
IDX=$(host_index)

cni ADD r1 eth0 a "$C"
check_eq "ADD again into the same netns: refused with 105" "$RC $(code)" "1 105"
check "the error names the attachment" grep -q "r1/eth0" <<<"$OUT"
cni ADD r1 eth0 b "$C"
check_eq "ADD again into another netns: refused with 105" "$RC $(code)" "1 105"
check_eq "still one allocation" "$(allocations renet)" 1
check_eq "the live pod's host veth is the same link" "$(node_veths 1) $(host_index)" "1 $IDX"
check_eq "the live pod keeps its address" "$(pod_addr a)" "$A1"
check_eq "the other netns got nothing" "$(ip -n "$(ns b)" -o link show | grep -c eth0)" 0
check "the live pod still reaches its gateway" pings a 10.244.13.1
cni CHECK r1 eth0 a "$(with_prev "$C" "$RES")"
check_eq "CHECK of the live pod passes" "$RC:$OUT" "0:"

# A failing ADD of a new attachment (its eth0 name is taken in the pod)
# releases its own address only.
ip -n "$(ns c)" link add eth0 type veth peer name other0
cni ADD r3 eth0 c "$C"
check_eq "ADD into a pod whose eth0 exists: 103" "$RC $(code)" "1 103"
check_eq "its rollback left the live pod's allocation" "$(allocations renet)" 1
check_eq "and the live pod's veth and address" "$(node_veths 1) $(pod_addr a)" "1 $A1"
cni ADD r2 eth0 d "$C"
check_eq "a new pod gets another address" "$RC $([ "$(pod_addr d)" != "$A1" ] && echo differs)" "0 differs"
cni DEL r2 eth0 d "$C"

# Racing duplicates: exactly one of 8 concurrent ADDs of one attachment wins.
cni DEL r1 eth0 a "$C"
node_veths >/dev/null
for i in $(seq 1 8); do ns_add "x$i"; done
for i in $(seq 1 8); do
	( cni ADD race eth0 "x$i" "$C"; echo "$RC $(code)" >"$CNI_DIR/race.$i" ) &
done
wait
check_eq "one concurrent ADD won, the others got 105" \
	"$(cat "$CNI_DIR"/race.* | sort | uniq -c | awk '{print $1 ":" $2 $3}' | sort | tr '\n' ' ')" "1:0 7:1105 "
check_eq "one allocation, one veth" "$(allocations renet) $(node_veths 1)" "1 1"
cni DEL race eth0 "" "$C"
check_eq "cleaned up" "$(allocations renet) $(node_veths)" "0 0"

# Delegated to host-local, which refuses the duplicate itself: the failing
# ADD rolls back nothing of the live pod.
HL=$(jq -c --arg d "$CNI_DIR/hl" '.name = "rehl" | .ipam = {type:"host-local", dataDir:$d,
	ranges:[[{subnet:"10.244.17.0/24"}]]}' <<<"$C")
cni ADD h1 eth0 a "$HL"
check_eq "host-local: first ADD exits 0" "$RC" 0
IDX=$(host_index)
cni ADD h1 eth0 b "$HL"
check_eq "host-local: ADD again into another netns fails" "$RC" 1
check_eq "host-local: the live pod keeps veth and address" "$(node_veths 1) $(host_index) $(pod_addr a)" \
	"1 $IDX 10.244.17.2"
check_eq "host-local: still one allocation" "$(ls "$CNI_DIR/hl/rehl" | grep -c '^10\.')" 1
cni DEL h1 eth0 a "$HL"
check_eq "host-local: cleaned up" "$(node_veths) $(ls "$CNI_DIR/hl/rehl" | grep -c '^10\.')" "0 0"

# Delegated to static IPAM, which hands out the same address again: the live
# pod's up veth stops the second ADD before the delegate is asked.
ST=$(jq -c '.name = "rest" | .ipam = {type:"static", addresses:[{address:"10.244.18.5/24"}]}' <<<"$C")
cni ADD s1 eth0 a "$ST"
check_eq "static: first ADD exits 0" "$RC" 0
IDX=$(host_index)
cni ADD s1 eth0 b "$ST"
check_eq "static: ADD again into another netns: refused with 105" "$RC $(code)" "1 105"
check_eq "static: the live pod keeps veth and address" "$(node_veths 1) $(host_index) $(pod_addr a)" \
	"1 $IDX 10.244.18.5"
check_eq "static: the other netns got nothing" "$(ip -n "$(ns b)" -o link show | grep -c eth0)" 0
cni DEL s1 eth0 a "$ST"
cni ADD s1 eth0 b "$ST"
check_eq "static: after DEL the attachment can be added again (elsewhere)" "$RC $(pod_addr b)" "0 10.244.18.5"
cni DEL s1 eth0 b "$ST"
check_eq "static: cleaned up" "$(node_veths)" 0
finish
