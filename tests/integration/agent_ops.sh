#!/bin/bash
# Small things an operator notices, with real FRR: `-v` keeps the debug
# level across SIGHUP (the file says info), a log file has a time stamp on
# every line (continuation lines too), and status and the log name the FRR
# version the agent talks to (the same one vtysh reports).
# timeout: 60
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

ns_add node1
nsx node1 ip link set lo up
# A peer that never answers, on a dummy link (check-config refuses loopback peers).
nsx node1 ip link add up0 type dummy
nsx node1 ip addr add 192.0.2.1/24 dev up0
nsx node1 ip link set up0 up
agent_conf node1 192.0.2.1 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.0.2.2"; asn = 65000; }' >/dev/null
sed -i "s|^log = .*|log = { level = \"info\"; file = \"$WORK/node1-file.log\"; };|" "$WORK/node1.conf"
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
ip netns exec "$(ns node1)" "$AGENT" -v run -c "$WORK/node1.conf" >>"$WORK/node1-agent.log" 2>&1 &
AGENT_PID_node1=$!
track_pid "$AGENT_PID_node1"
on_cleanup dump_logs node1

status_field() { agent_status node1 --json | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
frr_version_known() { [ -n "$(status_field '["frr"]["version"]' 2>/dev/null)" ]; }
check "the agent learns bgpd's version" wait_until 20 frr_version_known

# --- FRR version -------------------------------------------------------------
want=$(vty node1 'show version' | sed -n 's/^\(FRRouting [^ ]*\) .*/\1/p' | head -1)
note "vtysh says: $want"
check "vtysh names a version" test -n "$want"
check_eq "status --json frr.version is bgpd's" "$(status_field '["frr"]["version"]')" "$want"
agent_status node1 >"$WORK/status.txt"
check "status text: FRR line names the version" grep -Eq "^FRR: .*\($want\)" "$WORK/status.txt"
check "the log names it" grep -q "frr: talking to $want" "$WORK/node1-file.log"

# --- -v survives SIGHUP --------------------------------------------------------
check_eq "-v: debug level though the file says info" "$(status_field '["agent"]["log_level"]')" debug
kill -HUP "$AGENT_PID_node1"
check "reload applied" wait_until 10 sh -c "grep -q 'reload: configuration applied' '$WORK/node1-file.log'"
check_eq "-v: still debug after SIGHUP" "$(status_field '["agent"]["log_level"]')" debug
agent_status node1 >/dev/null
check "debug lines still logged after the reload" sh -c \
	"sed -n '/reload: configuration applied/,\$p' '$WORK/node1-file.log' | grep -q ': debug: '"

# --- time stamps on every line of the log file ----------------------------------
printf 'bogus_key = 1;\n' >>"$WORK/node1.conf"
kill -HUP "$AGENT_PID_node1"
check "a rejected reload logs a multi-line error" wait_until 10 \
	grep -q 'keeping the running configuration' "$WORK/node1-file.log"
sleep 0.2
note "log file: $(wc -l <"$WORK/node1-file.log") lines"
check "every log-file line starts with a time stamp" sh -c \
	"! grep -Evq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} bgp-agent\[[0-9]+\]: ' '$WORK/node1-file.log'"
check "the config error's own line is stamped too" grep -Eq '^[0-9-]{10}T[0-9:.]{12} bgp-agent\[[0-9]+\]: error: .*node1\.conf:[0-9]+' "$WORK/node1-file.log"
agent_stop node1
check_agent_logs_clean
finish
