# Failures of a fabric rack (lab MODE=fabric), each measured with a probe flow
# (tests/lib/probe.sh) between node1-pod1 and node2-pod1 in both directions.
# Sourced (with LAB set) by the failure tests (tests/integration/fail_*.sh:
# failure_test_main NAME) and by tests/bench/failover_bench.sh; it brings
# lab.sh, testlib.sh and probe.sh along.
#
#   failure_lab_up [NODES]   the lab (2 nodes; 3 for node-gone), one pod per node
#   failure_run NAME         probe on, break NAME, wait for the outcome, heal,
#                            wait for full ECMP again, probe off; sets FAIL_OK
#                            (the expected outcome was seen), FAIL_MS (how long
#                            it took), FAIL_LOST, FAIL_GAP (probe figures)
#
# NAME: tor-freeze (tor1's FRR SIGSTOPped and its forwarding dropped, links
# up), uplink-cut (node1-tor1 link down), tor-frr-restart (tor1's FRR killed
# -9 and started again at once), node-frr-restart (node1's), agent-restart
# (node1's agent killed -9 and started again), node-gone (node3's links down;
# the probe between node1 and node2 must not notice).

# shellcheck source=lab.sh
declare -F lab_up >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/lab.sh"
# shellcheck source=../lib/probe.sh
. "$REPO/tests/lib/probe.sh"
MODE=fabric DUALSTACK=0

FAILURES=${FAILURES:-"tor-freeze uplink-cut tor-frr-restart node-frr-restart agent-restart node-gone"}
# The settings the figures depend on (printed with them).
failure_settings() {
	echo "hold 9 s / keepalive 3 s, BFD 100 ms x 3 (nodes and ToRs), graceful restart on (restart time 5 s, ToR check-control-plane-failure)"
}

failure_lab_up() {
	local n
	NODES=${1:-2}
	lab_up || return 1
	for n in $(lab_nodes); do lab_pods_add "node$n" 1 || return 1; done
	wait_until 60 lab_converged && wait_until 20 lab_all_ecmp &&
		wait_until 20 lab_bfd_up tor1 "$NODES" && wait_until 20 lab_bfd_up tor2 "$NODES" &&
		wait_until 30 agents_settled
}
# agents_settled: every agent left its start-up hold (all peers sent
# End-of-RIB and the table was quiet for 5 s): the steady state a failure
# hits in production. A node FRR restart sooner after the start hid the
# lost pod CIDR of a missing 'route-map delay-timer 0' (176 packets instead
# of ~2500).
agents_settled() {
	local n
	for n in $(lab_nodes); do
		grep -q 'stale routes may now be removed' "$LAB_STATE/node$n/agent.log" || return 1
	done
}
both_via_tor2_only() {
	lab_only_via node1 "$(pod_cidr 2)" up-tor2 && lab_only_via node2 "$(pod_cidr 1)" up-tor2
}
# frr_kill NAME: SIGKILL to NAME's bgpd, bfdd and zebra (a crash).
frr_kill() {
	local d p; d=$(frr_dir "$1")
	for p in bgpd bfdd zebra; do kill -9 "$(cat "$d/$p.pid")" 2>/dev/null; done
}
frr_signal() { # NAME SIGNAL
	local d p; d=$(frr_dir "$1")
	for p in bgpd bfdd zebra; do kill -"$2" "$(cat "$d/$p.pid")" 2>/dev/null; done
}

# The pod CIDR of node1 stays in both ToRs' kernels (what they forward with).
tors_have_node1() {
	[ -n "$(ip -n "$(ns tor1)" route show exact "$(pod_cidr 1)")" ] &&
		[ -n "$(ip -n "$(ns tor2)" route show exact "$(pod_cidr 1)")" ]
}
node3_gone_everywhere() { ! lab_has_route node1 "$(pod_cidr 3)" && ! lab_has_route node2 "$(pod_cidr 3)"; }
node_sessions_up() { # NODE: BGP to both ToRs Established, BFD up
	bgp_established "$1" "$(fabric_tor_addr 1 "${1#node}")" &&
		bgp_established "$1" "$(fabric_tor_addr 2 "${1#node}")" && lab_bfd_up "$1" 2
}

# failure_break NAME: causes the failure and waits (bounded) for its outcome;
# returns non-zero if the outcome was not seen in time.
failure_break() {
	case "$1" in
	tor-freeze)
		nsx tor1 iptables -I FORWARD 1 -j DROP && frr_signal tor1 STOP &&
			wait_until 5 both_via_tor2_only ;;
	uplink-cut)
		ip -n "$(ns node1)" link set up-tor1 down && wait_until 5 both_via_tor2_only ;;
	tor-frr-restart)
		frr_kill tor1 && lab_fabric_tor_start 1 &&
			wait_until 30 lab_bfd_up tor1 "$NODES" ;;
	node-frr-restart)
		cp "/etc/frr/$(ns node1)/frr.conf" "$LAB_STATE/node1/frr-restart.conf" && frr_kill node1 &&
			frr_start node1 "$LAB_STATE/node1/frr-restart.conf" -n 2>>"$LAB_STATE/frr-start.log" &&
			wait_until 30 node_sessions_up node1 ;;
	agent-restart)
		lab_agent_stop node1 KILL && lab_agent_start node1 && wait_until 10 lab_agent_ready node1 ;;
	node-gone)
		ip -n "$(ns node3)" link set up-tor1 down && ip -n "$(ns node3)" link set up-tor2 down &&
			wait_until 30 node3_gone_everywhere ;;
	*) return 2 ;;
	esac
}
# failure_heal NAME: undoes the failure.
failure_heal() {
	case "$1" in
	tor-freeze) nsx tor1 iptables -D FORWARD 1 && frr_signal tor1 CONT ;;
	uplink-cut) ip -n "$(ns node1)" link set up-tor1 up ;;
	node-gone) ip -n "$(ns node3)" link set up-tor1 up && ip -n "$(ns node3)" link set up-tor2 up ;;
	esac
}
failure_run() {
	local t0
	FAIL_OK=1
	probe_start "$(ns node1-pod1)" "$(lab_pod_ip node1-pod1)" "$(ns node2-pod1)" "$(lab_pod_ip node2-pod1)" ||
		FAIL_OK=0
	t0=$(now_ms)
	failure_break "$1" || FAIL_OK=0
	FAIL_MS=$(( $(now_ms) - t0 ))
	sleep 1 # the probe sees what follows the outcome, too
	failure_heal "$1"
	# Back to full ECMP before the probe stops: the heal is measured as well.
	# (Not BFD: after a ToR freeze tor1's BFD sessions do not all settle
	# within 60 s, an open finding; see README "What a failure costs".)
	t0=$(now_ms)
	wait_until 60 lab_all_ecmp || FAIL_OK=0
	FAIL_HEAL_MS=$(( $(now_ms) - t0 ))
	sleep 1
	probe_stop
	FAIL_LOST=$(probe_lost) FAIL_GAP=$(probe_gap)
}

# What each failure test asserts beyond its outcome: "lost 0" where the
# design makes loss impossible, else "gap MS", a generous bound on the
# longest gap (the targets are in README.md, "What a failure costs").
failure_bound() {
	case "$1" in
	tor-freeze) echo "gap 3000" ;; # BFD; the hold time alone would be 9 s
	uplink-cut) echo "gap 3000" ;;
	*) echo "lost 0" ;;
	esac
}
failure_outcome() {
	case "$1" in
	tor-freeze | uplink-cut) echo "node1 and node2 reach each other over tor2 only" ;;
	tor-frr-restart) echo "tor1's BFD sessions up again" ;;
	node-frr-restart) echo "node1's sessions and BFD up again" ;;
	agent-restart) echo "node1's agent answers again" ;;
	node-gone) echo "node3's pod CIDR gone from node1 and node2" ;;
	esac
}
# failure_test NAME: the whole test of one failure (lab, failure, checks).
failure_test() {
	local name=$1 nodes=2 kind bound
	[ "$name" = node-gone ] && nodes=3
	if ! failure_lab_up "$nodes"; then
		not_ok "fabric lab up ($nodes nodes, ECMP over both ToRs, BFD up)"
		lab_dump; return
	fi
	ok "fabric lab up ($nodes nodes, ECMP over both ToRs, BFD up)"
	failure_run "$name"
	check_eq "$name: $(failure_outcome "$name"), then ECMP over both ToRs again" "$FAIL_OK" 1
	[ "$FAIL_OK" = 1 ] || lab_dump
	note "$name: outcome after $FAIL_MS ms, ECMP back $FAIL_HEAL_MS ms after healing; probe (8 flows each way, 10 ms): $(probe_summary)"
	note "settings: $(failure_settings)"
	read -r kind bound <<<"$(failure_bound "$name")"
	if [ "$kind" = lost ]; then
		check_eq "$name: the probe lost no packet (both directions)" "$FAIL_LOST" 0
		[ "$FAIL_LOST" = 0 ] || lab_dump
	else
		check "$name: the probe's longest gap ${FAIL_GAP} ms <= $bound ms" test "$FAIL_GAP" -le "$bound"
	fi
	check "sanitizer-clean agent logs after SIGTERM" lab_agents_clean
}

# failure_test_main NAME: a failure test script's whole body.
failure_test_main() {
	need_root
	on_cleanup lab_down
	failure_test "$1"
	finish
}
