#!/bin/bash
# Nothing slow stalls the agent's event loop (issue 7 item 5, issue 8 item 7):
# (a) a slow-loris control client (one byte every 1.5 s) and 15 idle ones
# connected: a route deleted by hand is back within a second and `status`
# answers within a second; (b) bgpd SIGSTOPped: the same, and status says
# bgpd is not answering; after SIGCONT learning resumes.
# timeout: 100
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

ROUTE=10.244.7.0/24
CLIENTS="$REPO/tests/lib/ctl_clients.py"

lan_node1_tor1 $ROUTE
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
agent_start node1
check "route from tor1 installed" wait_until 40 has_route node1 "^${ROUTE//./\\.} via"

# repair_ms: deletes ROUTE by hand and prints the milliseconds until the
# agent has put it back (9999: not within 5 s).
repair_ms() {
	local t0 t
	ip -n "$(ns node1)" route del $ROUTE proto 52
	t0=$(now_ms)
	while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
		if has_route node1 "^${ROUTE//./\\.} via"; then echo $(( $(now_ms) - t0 )); return; fi
		sleep 0.01
	done
	echo 9999
}
# status_ms FILE: runs `status --json` (given 3 s) into FILE; prints its milliseconds.
status_ms() {
	local t0; t0=$(now_ms)
	timeout 3 "$AGENT" status -c "$WORK/node1.conf" --json >"$1" 2>&1
	echo $(( $(now_ms) - t0 ))
}

# --- (a) slow and idle control clients -----------------------------------
nsx node1 python3 "$CLIENTS" slowloris "$WORK/node1.sock" 6 &
slow=$!; track_pid $slow
nsx node1 python3 "$CLIENTS" idle "$WORK/node1.sock" 6 15 &
idle=$!; track_pid $idle
sleep 2.5 # the slow client is mid-request, the idle ones connected
ms=$(repair_ms)
note "slow + idle clients: route back after $ms ms"
check "slow + idle clients: hand-deleted route back within 1 s" test "$ms" -lt 1000
ms=$(status_ms "$WORK/st-a.json")
note "slow + idle clients: status answered in $ms ms"
check "slow + idle clients: status answers within 1 s" test "$ms" -lt 1000
check "slow + idle clients: status is a full answer" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if "sync" in d else 1)' "$WORK/st-a.json"
wait $slow $idle

# --- (b) bgpd stopped ----------------------------------------------------
bgpd=$(cat "$(frr_dir node1)/bgpd.pid")
kill -STOP "$bgpd"
on_cleanup kill -CONT "$bgpd"
sleep 0.3 # the agent's next polls go unanswered
ms=$(repair_ms)
note "bgpd stopped: route back after $ms ms"
check "bgpd stopped: hand-deleted route back within 1 s" test "$ms" -lt 1000
ms=$(repair_ms)
note "bgpd stopped: again after $ms ms"
check "bgpd stopped: and again (the loop is not stuck in a request)" test "$ms" -lt 1000
# The first status may be the one that finds out (STATUS_VTY_MS); every one
# must answer within a second.
slow_status=0 silent=no
for i in 1 2 3 4; do
	ms=$(status_ms "$WORK/st-b.json")
	note "bgpd stopped: status answered in $ms ms"
	[ "$ms" -lt 1000 ] || slow_status=$ms
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["frr"]
sys.exit(0 if not d["bgpd_answering"] and d["bgpd_silent_since"] > 0 else 1)' "$WORK/st-b.json"; then
		silent=yes; break
	fi
	sleep 0.5
done
check_eq "bgpd stopped: every status answers within 1 s" "$slow_status" 0
check_eq "bgpd stopped: status says bgpd is not answering (and since when)" "$silent" yes
check "bgpd stopped: the text status says so too" \
	sh -c "timeout 3 '$AGENT' status -c '$WORK/node1.conf' | grep -q 'bgpd is not answering'"
check "bgpd stopped: status still lists what it knows (the installed route)" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(0 if any(r["prefix"]==sys.argv[2] for r in d["installed"]) else 1)' "$WORK/st-b.json" $ROUTE

kill -CONT "$bgpd"
answering() {
	timeout 3 "$AGENT" status -c "$WORK/node1.conf" --json 2>/dev/null | python3 -c '
import json,sys; sys.exit(0 if json.load(sys.stdin)["frr"]["bgpd_answering"] else 1)'
}
check "bgpd continued: status says it answers again" wait_until 15 answering
vty tor1 "configure terminal" "router bgp 65000" "address-family ipv4 unicast" \
	"network 10.244.9.0/24" >/dev/null
check "bgpd continued: a new route is learned and installed" \
	wait_until 20 has_route node1 '^10\.244\.9\.0/24 via'
ms=$(repair_ms)
note "bgpd continued: route back after $ms ms"
check "bgpd continued: hand-deleted route back within 1 s" test "$ms" -lt 1000
check_agent_logs_clean

finish
