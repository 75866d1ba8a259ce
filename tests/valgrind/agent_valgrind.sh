#!/bin/bash
# timeout: 170
# bgp-agent under valgrind with real FRR: the daemon learns and installs
# routes, answers status and metrics scrapes, reloads a changed config on
# SIGHUP, restores a hand-deleted route and stops on SIGTERM (an idle metrics
# client still connected); then status/cleanup as commands.
# Each run must end with zero memory errors and zero leaks (exit 99 otherwise).
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root
command -v valgrind >/dev/null || { not_ok "valgrind is not installed"; finish; exit 1; }
VG=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
	--child-silent-after-fork=yes)

lan_up
for n in node1 tor1 tor2; do ns_add $n; done
lan_attach node1 192.168.1.11/24
lan_attach tor1 192.168.1.1/24
lan_attach tor2 192.168.1.2/24
frr_start tor1 "$(tor_conf tor1 192.168.1.1 192.168.1.1 192.168.1.11 65001 10.244.7.0/24 0.0.0.0/0)"
frr_start tor2 "$(tor_conf tor2 192.168.1.2 192.168.1.2 192.168.1.11 65001 10.244.8.0/24)"
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
METRICS='metrics = { listen = "192.168.1.11:9101"; };'
echo "$METRICS" >>"$WORK/node1.conf"
ip netns exec "$(ns node1)" "${VG[@]}" --log-file="$WORK/vg-run.txt" \
	"$AGENT" run -c "$WORK/node1.conf" >>"$WORK/node1-agent.log" 2>&1 &
pid=$!
track_pid $pid

check "agent under valgrind installs the learned route" \
	wait_until 90 has_route node1 '^10\.244\.7\.0/24 via'
check "status under valgrind (exit 0)" \
	sh -c "ip netns exec $(ns node1) ${VG[*]} --log-file=$WORK/vg-status.txt '$AGENT' status -c '$WORK/node1.conf' --json >/dev/null"
check "metrics scrape under valgrind" sh -c "ip netns exec $(ns node1) curl -sS -m 10 \
	http://192.168.1.11:9101/metrics | grep -qx 'bgp_agent_up 1'"
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }, { name = "tor2"; address = "192.168.1.2"; asn = 65000; }' >/dev/null
echo "$METRICS" >>"$WORK/node1.conf"
kill -HUP $pid
check "SIGHUP: the added peer's route arrives" wait_until 60 has_route node1 '^10\.244\.8\.0/24 via'
ip -n "$(ns node1)" route del 10.244.7.0/24 proto 52
check "hand-deleted route restored" wait_until 20 has_route node1 '^10\.244\.7\.0/24 via'
nsx node1 python3 "$REPO/tests/lib/ctl_clients.py" idle tcp:192.168.1.11:9101 10 2 &
track_pid $!
sleep 0.5
kill -TERM $pid
wait $pid
check_eq "run: valgrind clean (exit 0; 99 = errors or leaks)" "$?" 0
ip netns exec "$(ns node1)" "${VG[@]}" --log-file="$WORK/vg-cleanup.txt" \
	"$AGENT" cleanup -c "$WORK/node1.conf" >/dev/null
check_eq "cleanup: valgrind clean" "$?" 0
check_eq "cleanup removed our routes" "$(kroutes node1 | wc -l)" 0
for f in "$WORK"/vg-*.txt; do [ -s "$f" ] && { note "$f:"; sed 's/^/#   /' "$f" | head -40; }; done
finish
