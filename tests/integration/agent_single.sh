#!/bin/bash
# One agent per table + protocol and per control socket. A second
# `bgp-agent run` (same config; another socket, same table/protocol; the same
# socket, another protocol) refuses to start with a clear message and touches
# nothing: the control socket keeps its inode, the first agent keeps answering,
# no route of ours changes. A rolling update (the new agent started while the
# old one still runs) waits for the old one and takes over without churn; after
# kill -9 the lock is gone at once.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

lan_node1_tor1 10.244.7.0/24 10.244.8.0/24
conf=$(agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }')
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
agent_start node1
check "first agent: routes installed" wait_until 40 sh -c \
	"[ \$(ip -n $(ns node1) route show proto 52 | grep -c ' via 192.168.1.1 ') = 2 ]"
check "first agent answers status" wait_until 10 agent_status node1
before=$(kroutes node1)
inode=$(stat -c %i "$WORK/node1.sock")
first=$(agent_pid node1)

nsx node1 ip monitor route >"$WORK/monitor.txt" 2>&1 &
mon=$!
track_pid $mon
sleep 0.3

# second_agent NAME CONF [ARGS]: runs a second agent to its end; its exit
# status in $WORK/NAME.rc, its output in $WORK/NAME.log.
second_agent() {
	local rc=0
	timeout 20 ip netns exec "$(ns node1)" "$AGENT" run -c "$2" "${@:3}" >"$WORK/$1.log" 2>&1 || rc=$?
	echo $rc >"$WORK/$1.rc"
}
refused() { # NAME WHAT
	check_eq "$2: exits 1" "$(cat "$WORK/$1.rc")" 1
	check "$2: says another agent (pid $first) is running" \
		grep -q "another bgp-agent (pid $first) .*; not starting (nothing was changed" "$WORK/$1.log"
	check "$2: adopted and touched no route" sh -c "! grep -q 'routes:\|anchor\|control: listening' '$WORK/$1.log'"
	check_eq "$2: the control socket is the first agent's (same inode)" \
		"$(stat -c %i "$WORK/node1.sock" 2>/dev/null)" "$inode"
	check "$2: the first agent still answers status" agent_status node1
}
start=$(date +%s%N)
second_agent same "$conf" --wait 0
refused same "same config"
check "same config: refused at once (--wait 0): $(( ($(date +%s%N) - start) / 1000000 )) ms" \
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ]

sed "s|$WORK/node1.sock|$WORK/node1-other.sock|" "$conf" >"$WORK/other-sock.conf"
second_agent other_sock "$WORK/other-sock.conf" --wait 0
refused other_sock "another control socket, same table/protocol"
check "another control socket: the refused agent left no socket behind" test ! -e "$WORK/node1-other.sock"
check "the message names the table and protocol" \
	grep -q 'manages table 254 protocol 52 in this network namespace' "$WORK/other_sock.log"

sed 's|^kernel = { table = 254;|kernel = { table = 254; protocol = 99;|' "$conf" >"$WORK/other-proto.conf"
second_agent other_proto "$WORK/other-proto.conf" --wait 1
refused other_proto "the same control socket, another protocol (after --wait 1)"
check "the same control socket: the message names its lock" \
	grep -q "holds $WORK/node1.sock.lock" "$WORK/other_proto.log"

sleep 1
kill $mon 2>/dev/null; wait $mon 2>/dev/null
check_eq "no route change while the second agents ran" \
	"$(grep -c 'proto 52\|proto bgp-agent' "$WORK/monitor.txt")" 0
check_eq "kernel routes unchanged" "$(kroutes node1)" "$before"

# --- rolling update: the new agent starts while the old one still runs ------------
nsx node1 ip monitor route >"$WORK/monitor-roll.txt" 2>&1 &
mon=$!
track_pid $mon
sleep 0.3
ip netns exec "$(ns node1)" "$AGENT" run -c "$conf" --wait 20 >"$WORK/new-agent.log" 2>&1 &
new=$!
track_pid $new
check "new agent waits for the old one" wait_until 5 grep -q 'waiting up to 20 s for it to exit' "$WORK/new-agent.log"
sleep 1
check "new agent has not started meanwhile" sh -c "! grep -q 'control: listening' '$WORK/new-agent.log'"
agent_stop node1
check "old agent gone: the new one takes over within 2 s" \
	wait_until 2 grep -q 'control: listening' "$WORK/new-agent.log"
check "new agent answers status" wait_until 10 sh -c \
	"agent_status() { ip netns exec $(ns node1) '$AGENT' status -c '$conf' --json; }; agent_status | grep -q '\"pid\": *$new'"
check "new agent reconnects to bgpd" wait_until 20 grep -q 'connected to bgpd' "$WORK/new-agent.log"
sleep 2
kill $mon 2>/dev/null; wait $mon 2>/dev/null
check_eq "rolling update: no route change" "$(grep -c 'proto 52\|proto bgp-agent' "$WORK/monitor-roll.txt")" 0

# --- kill -9: the kernel drops the lock with the process ----------------------------
kill -9 $new; wait $new 2>/dev/null
first=
agent_start node1
check "after kill -9 of the running agent a new one starts at once" \
	wait_until 3 grep -q "bgp-agent\\[$(agent_pid node1)\\]: info: control: listening" "$WORK/node1-agent.log"
check_eq "kernel routes unchanged after all of it" "$(kroutes node1)" "$before"
agent_stop node1
check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
