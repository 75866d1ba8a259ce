#!/bin/bash
# timeout: 90
# Concurrency and robustness: 50 concurrent ADDs get 50 distinct addresses on
# one bridge; a small pool is exhausted cleanly (ADD 101, STATUS 50); kill -9
# in the middle of ADD followed by DEL leaves no veth and no allocation.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node

# --- 50 concurrent ADDs -----------------------------------------------------------
N=50
CC=$(conf ccnet '[[{"subnet":"10.244.4.0/24"}],[{"subnet":"fd00:10:244:4::/64"}]]')
for i in $(seq 1 $N); do ns_add "p$i"; done
for i in $(seq 1 $N); do
	( cni ADD "ctr-$i" eth0 "p$i" "$CC"; printf '%s\n' "$RC $OUT" >"$CNI_DIR/add.$i" ) &
done
wait
fails=0
for i in $(seq 1 $N); do
	read -r rc _ <"$CNI_DIR/add.$i"
	[ "$rc" = 0 ] || fails=$((fails + 1))
done
check_eq "$N concurrent ADDs all succeed" "$fails" 0
v4=$(for i in $(seq 1 $N); do cut -d' ' -f2- "$CNI_DIR/add.$i" | jq -r '.ips[0].address'; done | sort -u | wc -l)
v6=$(for i in $(seq 1 $N); do cut -d' ' -f2- "$CNI_DIR/add.$i" | jq -r '.ips[1].address'; done | sort -u | wc -l)
check_eq "$N distinct IPv4 addresses" "$v4" $N
check_eq "$N distinct IPv6 addresses" "$v6" $N
check_eq "$N allocations per family recorded" "$(allocations ccnet)" $((N * 2))
check_eq "$N ports on the bridge" \
	"$(ip -n "$(ns node)" -o link show master br-ccnet | wc -l)" $N
check_eq "bridge has exactly one IPv4 gateway address" \
	"$(ip -n "$(ns node)" -4 -o addr show br-ccnet | wc -l)" 1
check "pod 1 pings pod $N" pings p1 \
	"$(cut -d' ' -f2- "$CNI_DIR/add.$N" | jq -r '.ips[0].address' | cut -d/ -f1)"
for i in $(seq 1 $N); do
	( cni DEL "ctr-$i" eth0 "p$i" "$CC"; echo "$RC" >"$CNI_DIR/del.$i" ) &
done
wait
check_eq "$N concurrent DELs all succeed" "$(cat "$CNI_DIR"/del.* | sort -u)" 0
check_eq "no allocation left" "$(allocations ccnet)" 0
check_eq "no veth left" "$(node_veths)" 0

# --- exhaustion ---------------------------------------------------------------------
# /29: .0 network, .1 gateway, .7 broadcast -> .2 .. .6 are the five usable.
EX=$(conf exnet '[[{"subnet":"10.244.5.0/29"}]]' '{"cniVersion":"1.1.0"}')
got=""
for i in 1 2 3 4 5; do
	cni ADD "ex-$i" eth0 "p$i" "$EX"
	got="$got $(jq -r '.ips[0].address' <<<"$OUT")"
done
check_eq "five usable addresses, never network/gateway/broadcast" "$got" \
	" 10.244.5.2/29 10.244.5.3/29 10.244.5.4/29 10.244.5.5/29 10.244.5.6/29"
cni ADD ex-6 eth0 p6 "$EX"
check_eq "sixth ADD fails with 101" "$RC $(code)" "1 101"
check "exhaustion message is clear" grep -q "exhausted" <<<"$OUT"
check_eq "the failed ADD left no veth" "$(node_veths 5)" 5
cni STATUS "" "" "" "$EX"
check_eq "STATUS reports 50 when the pool is exhausted" "$RC $(code)" "1 50"
cni DEL ex-3 eth0 p3 "$EX"
cni STATUS "" "" "" "$EX"
check_eq "STATUS is fine after one DEL" "$RC:$OUT" "0:"
cni ADD ex-6 eth0 p6 "$EX"
check_eq "round-robin reuses the freed address only after a full pass" \
	"$(jq -r '.ips[0].address' <<<"$OUT")" "10.244.5.4/29"
for i in 1 2 4 5 6; do cni DEL "ex-$i" eth0 "p$i" "$EX"; done
check_eq "exhaustion test cleaned up" "$(allocations exnet) $(node_veths)" "0 0"

# --- corrupted entry: skipped and reported, never reused --------------------------
mkdir -p "$CNI_DIR/ipam/exnet"
printf 'garbage' >"$CNI_DIR/ipam/exnet/10.244.5.5"
for i in 1 2 3 4 5; do cni ADD "co-$i" eth0 "p$i" "$EX"; done
check_eq "with a corrupted entry only four ADDs succeed" "$RC $(code)" "1 101"
check "the corrupted entry is named in the log" grep -q "10.244.5.5' is corrupted" "$CNI_DIR/stderr"
check_eq "the corrupted entry is still there" "$(cat "$CNI_DIR/ipam/exnet/10.244.5.5")" garbage
for i in 1 2 3 4 5; do cni DEL "co-$i" eth0 "p$i" "$EX"; done
rm -f "$CNI_DIR/ipam/exnet/10.244.5.5"

# --- kill -9 during ADD, then DEL -------------------------------------------------------
KC=$(conf kilnet '[[{"subnet":"10.244.6.0/24"}],[{"subnet":"fd00:10:244:16::/64"}]]')
killed=0
for i in $(seq 1 8); do
	netns=/var/run/netns/$(ns "p$i")
	printf '%s' "$KC" >"$CNI_DIR/kc.json"
	ip netns exec "$(ns node)" env CNI_COMMAND=ADD CNI_CONTAINERID="k-$i" CNI_IFNAME=eth0 \
		CNI_NETNS="$netns" CNI_PATH=/usr/lib/cni "$BIN" <"$CNI_DIR/kc.json" \
		>/dev/null 2>&1 &
	pid=$!
	sleep "0.00$((RANDOM % 9))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	cni DEL "k-$i" eth0 "p$i" "$KC"
	[ "$RC" = 0 ] || not_ok "DEL after kill -9 number $i failed: $OUT"
done
note "$killed of 8 ADDs were killed before they finished"
check_eq "after kill -9 + DEL: no allocation left" "$(allocations kilnet)" 0
check_eq "after kill -9 + DEL: no veth on the node" "$(node_veths)" 0
node_veths >/dev/null
left=0
for i in $(seq 1 8); do
	n=$(ip -n "$(ns "p$i")" -o link show type veth | wc -l)
	left=$((left + n))
done
check_eq "after kill -9 + DEL: no veth in the pods" "$left" 0
finish
