#!/bin/bash
# The agent's BMP station against a real bgpd (FRR, `bgpd -M bmp`, `bmp
# listener` on the node's loopback), through tests/tools/bmp_dump: Initiation
# (session up), Peer Up, the full post-policy table with next hops (IPv4, and
# IPv6 with its link-local next hop), End-of-RIB, a withdrawal in bounded
# time, a Peer Down, and after a bgpd restart a new session and the full table
# again; a restarted station is back within a bounded time.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

DUMP=$BUILD_DIR/tools/bmp_dump
PORT=5000
N=200
prefixes=()
for i in $(seq 10 $((N + 9))); do prefixes+=("10.244.$i.0/24"); done

lan_node1_tor1 "${prefixes[@]}"
ip -n "$(ns node1)" addr add fd00::11/64 dev eth0 nodad
ip -n "$(ns tor1)" addr add fd00::1/64 dev eth0 nodad
vty tor1 "conf t" "router bgp 65000" "neighbor fd00::11 remote-as 65001" \
	"neighbor fd00::11 timers 3 9" "address-family ipv6 unicast" \
	"neighbor fd00::11 activate" "network fd10:244:1::/64" >/dev/null
cat >"$WORK/node1-frr.conf" <<CONF
frr defaults datacenter
hostname node1
!
router bgp 65001
 bgp router-id 192.168.1.11
 no bgp ebgp-requires-policy
 neighbor 192.168.1.1 remote-as 65000
 neighbor 192.168.1.1 timers 3 9
 neighbor fd00::1 remote-as 65000
 neighbor fd00::1 timers 3 9
 address-family ipv4 unicast
  no neighbor fd00::1 activate
 exit-address-family
 address-family ipv6 unicast
  neighbor fd00::1 activate
 exit-address-family
 bmp targets agent
  bmp monitor ipv4 unicast post-policy
  bmp monitor ipv6 unicast post-policy
  bmp listener 127.0.0.1 port $PORT
 exit
exit
CONF
frr_start node1 "$WORK/node1-frr.conf" "${AGENT_BGPD[@]}"
wait_until 30 bgp_established node1 192.168.1.1
wait_until 30 bgp_established node1 fd00::1
wait_until 20 sh -c "[ \$(ip netns exec $(ns node1) vtysh -N $(ns node1) \
	-c 'show bgp ipv4 unicast summary json' | grep -o '\"pfxRcd\":$N' | wc -l) = 1 ]"

# dump_start NAME: bmp_dump in node1, its output in $WORK/NAME.out.
dump_start() {
	ip netns exec "$(ns node1)" "$DUMP" -p $PORT >"$WORK/$1.out" 2>"$WORK/$1.err" &
	DUMP_PID=$!
	track_pid $DUMP_PID
}
dump_stop() { kill "$DUMP_PID" 2>/dev/null; wait "$DUMP_PID" 2>/dev/null; }
# count FILE PATTERN: lines of FILE matching the extended regex.
count() { grep -cE "$2" "$WORK/$1.out"; }
# first_ms FILE PATTERN [AFTER_LINE]: time of the first matching line.
first_ms() { grep -E "$2" "$WORK/$1.out" | head -n1 | cut -d' ' -f1; }
announced_v4() { grep -E ' route announce 10\.244\.[0-9]+\.0/24 peer 192\.168\.1\.1 nh 192\.168\.1\.1 ' \
	"$WORK/$1.out" | awk '{ print $4 }' | sort -u | wc -l; }

# --- first session: the whole table -------------------------------------------
dump_start d1
check "Initiation: the station reports the session up" \
	wait_until 5 grep -q ' session up$' "$WORK/d1.out"
check "Peer Up for both peers" \
	wait_until 5 sh -c "grep -q ' peer_up 192.168.1.1 as 65000' '$WORK/d1.out' &&
		grep -q ' peer_up fd00::1 as 65000' '$WORK/d1.out'"
check "End-of-RIB from 192.168.1.1 (ipv4) and fd00::1 (ipv6)" \
	wait_until 10 sh -c "grep -q ' eor 192.168.1.1 ipv4' '$WORK/d1.out' &&
		grep -q ' eor fd00::1 ipv6' '$WORK/d1.out'"
check_eq "all $N IPv4 prefixes announced, next hop 192.168.1.1" "$(announced_v4 d1)" $N
eor_line=$(grep -n ' eor 192.168.1.1 ipv4' "$WORK/d1.out" | head -n1 | cut -d: -f1)
last_route=$(grep -n ' route announce 10\.244\.' "$WORK/d1.out" | tail -n1 | cut -d: -f1)
check "End-of-RIB comes after the table" test "$eor_line" -gt "$last_route"

# --- a withdrawal, a peer going down ------------------------------------------
t0=$(now_ms)
vty tor1 "conf t" "router bgp 65000" "address-family ipv4 unicast" \
	"no network 10.244.10.0/24" >/dev/null
check "withdrawal of 10.244.10.0/24 seen within 2 s" \
	wait_until 2 grep -q ' route withdraw 10.244.10.0/24 peer 192.168.1.1 ' "$WORK/d1.out"
# monotonic ms of the dump vs wall ms here: measured from the dump's own clock.
note "withdrawal seen $(( $(date +%s%N) / 1000000 - t0 )) ms after the vtysh call (upper bound)"
vty tor1 "conf t" "router bgp 65000" "neighbor 192.168.1.11 shutdown" >/dev/null
check "Peer Down of 192.168.1.1 within 2 s" \
	wait_until 2 grep -q ' peer_down 192.168.1.1 ' "$WORK/d1.out"
vty tor1 "conf t" "router bgp 65000" "no neighbor 192.168.1.11 shutdown" >/dev/null
check "Peer Up again when the session is back" \
	wait_until 20 sh -c "[ \$(grep -c ' peer_up 192.168.1.1 ' '$WORK/d1.out') = 2 ]"
check "its $((N - 1)) prefixes announced again" \
	wait_until 10 sh -c "[ \$(sed -n '/ peer_down 192.168.1.1 /,\$p' '$WORK/d1.out' |
		grep -c ' route announce 10\.244\.') = $((N - 1)) ]"

# --- bgpd restarts: the station reconnects, the table comes again --------------
frr_stop node1 bgpd
check "bgpd gone: session down" wait_until 5 grep -q ' session down$' "$WORK/d1.out"
lines=$(wc -l <"$WORK/d1.out")
t0=$(now_ms)
bgpd_start node1 "${AGENT_BGPD[@]}"
check "new bgpd: session up again within 3 s" wait_until 3 sh -c \
	"tail -n +$((lines + 1)) '$WORK/d1.out' | grep -q ' session up$'"
note "session up $(( $(now_ms) - t0 )) ms after bgpd was started (poll granularity 100 ms)"
check "full IPv4 table again after the restart" wait_until 30 sh -c \
	"[ \$(tail -n +$((lines + 1)) '$WORK/d1.out' | grep -E ' route announce 10\.244\.' |
		awk '{ print \$4 }' | sort -u | wc -l) = $((N - 1)) ]"

# --- the station restarts: back at once ----------------------------------------
dump_stop
check "first dump: no parse error" grep -q 'parse_errors 0 ' "$WORK/d1.out"
t0=$(now_ms)
dump_start d2
check "restarted station: session up within 1 s" wait_until 1 grep -q ' session up$' "$WORK/d2.out"
note "session up $(( $(now_ms) - t0 )) ms after the station was started (poll granularity 100 ms)"
check "restarted station: End-of-RIB and the whole table" wait_until 10 sh -c \
	"grep -q ' eor 192.168.1.1 ipv4' '$WORK/d2.out'"
check_eq "restarted station: $((N - 1)) IPv4 prefixes" "$(announced_v4 d2)" $((N - 1))
check "IPv6 prefix with global and link-local next hop" \
	grep -qE ' route announce fd10:244:1::/64 peer fd00::1 nh fd00::1 ll fe80::' "$WORK/d2.out"
# FRR 8.4: a path whose next hop is not resolved yet when it arrives is sent as
# a withdrawal, and nothing follows when it becomes valid (the learner's
# table-version check covers it). Noted, not asserted: it depends on timing.
grep -q ' route announce fd10:244:1::/64' "$WORK/d1.out" ||
	note "FRR sent fd10:244:1::/64 only as a withdrawal in the first session (not valid on arrival)"
dump_stop
check "no parse errors, no warnings" sh -c "grep -q 'parse_errors 0 ' '$WORK/d2.out' &&
	! grep -q 'closing the connection' '$WORK/d1.err' '$WORK/d2.err'"
check "no sanitizer report from the station (SANITIZE=1 builds)" \
	sh -c "! grep -qE 'Sanitizer|runtime error' '$WORK/d1.err' '$WORK/d2.err'"

finish
