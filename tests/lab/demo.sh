#!/bin/bash
# `make demo`: starts the multi-node lab (tests/lab/lab.sh), creates two pods
# per node with the bgp-bridge CNI plugin, waits until BGP has converged and
# shows the result: the ToR's BGP sessions, each node's routes installed by
# bgp-agent, one agent's status, and a pod-to-pod ping matrix over all nodes.
# Tears the lab down at the end unless KEEP=1. Exits non-zero if any ping failed.
#
# environment: MODE=tor|mesh|fabric|rr, NODES (3), DUALSTACK=1, KEEP=1, LAB (default bgplab), BUILD_DIR
set -u
export LAB=${LAB:-bgplab}
if [ "$(id -u)" != 0 ]; then
	echo "demo: must run as root (network namespaces, FRR): sudo make demo" >&2
	exit 1
fi
# shellcheck source=lab.sh
. "$(dirname "$0")/lab.sh"
KEEP=${KEEP:-0}
MODE=${MODE:-tor}
DUALSTACK=${DUALSTACK:-0}
PODS_PER_NODE=2
CONVERGE_LIMIT=60

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ms_to_s() { printf '%d.%01d' $(($1 / 1000)) $((($1 % 1000) / 100)); }

demo_exit() {
	local rc=$?
	if [ "$KEEP" = 1 ]; then
		demo_keep_help
	else
		section "Tearing down (make demo KEEP=1 keeps the lab running)"
		lab_down
	fi
	exit "$rc"
}

demo_keep_help() {
	local agent=$BUILD_DIR/bgp-agent
	section "The lab keeps running (LAB=$LAB, state in $LAB_STATE)"
	cat <<EOF
  look around:
    ip netns list | grep '^$LAB-'
    ip netns exec $(ns node1) ip route show proto $(lab_proto_name)
    ip netns exec $(ns node1) vtysh -N $(ns node1) -c 'show bgp summary'
EOF
	for t in $(lab_tors); do echo "    ip netns exec $(ns "$t") vtysh -N $(ns "$t") -c 'show bgp summary'"; done
	cat <<EOF
    $agent status -c $LAB_STATE/node1/agent.conf
    ip netns exec $(ns node1-pod1) ping -c 3 $(lab_pod_ip node3-pod2 2>/dev/null || echo 10.244.3.3)
    tail -f $LAB_STATE/node1/agent.log
  add a node:       LAB=$LAB tests/lab/lab.sh node-add 4
  tear it down:     make demo-down$( [ "$LAB" = bgplab ] || echo " LAB=$LAB")
EOF
}

# ping_matrix [6]: every pod pings every other pod (one row per source, rows in
# parallel); prints the matrix and returns the number of failed pings.
ping_matrix() {
	local dir src dst fails=0 short row cell
	dir=$(mktemp -d)
	lab_ping_all "$dir" "${1:-}"
	printf '%-22s' "from \\ to"
	for dst in $(lab_pods); do short=${dst//node/n}; printf ' %-5s' "${short//-pod/p}"; done
	echo
	for src in $(lab_pods); do
		read -r _ row <"$dir/$src"
		short=${src//node/n}
		printf '%-22s' "${short//-pod/p} $(lab_pod_ip "$src" "${1:-}")"
		for cell in $row; do
			case "$cell" in
			# one visible character + padding: printf pads bytes, not glyphs
			1) printf ' %s    ' "✓" ;;
			0) printf ' %s    ' "✗"; fails=$((fails + 1)) ;;
			*) printf ' %s    ' "·" ;;
			esac
		done
		echo
	done
	rm -rf "$dir"
	return "$fails"
}

main() {
	local n p t t0 t_agents t_conv fails=0 total ecmp_missing=0
	if [ -e "$LAB_STATE" ]; then
		echo "demo: lab '$LAB' is already running — make demo-down first" >&2
		exit 1
	fi
	trap - EXIT
	trap demo_exit EXIT
	section "Starting the lab: MODE=$MODE, ${NODES:-3} nodes, dual-stack=$DUALSTACK (LAB=$LAB)"
	t0=$(now_ms)
	lab_up || { echo "demo: lab up failed" >&2; exit 1; }
	t_agents=$(now_ms)
	echo "namespaces, FRR and agents up in $(ms_to_s $((t_agents - t0))) s"
	for n in $(lab_nodes); do
		for p in $(seq 1 "$PODS_PER_NODE"); do
			lab_pod_add "node$n" "pod$p" || exit 1
			echo "node$n-pod$p  $(lab_pod_ip "node$n-pod$p") $(lab_pod_ip "node$n-pod$p" 6)"
		done
	done
	if ! wait_until "$CONVERGE_LIMIT" lab_converged; then
		echo "demo: not converged after ${CONVERGE_LIMIT}s; agent logs in $LAB_STATE/node*/agent.log" >&2
		exit 1
	fi
	t_conv=$(now_ms)
	if [ "$MODE" = fabric ]; then
		for t in $(lab_tors); do
			wait_until 10 lab_bfd_up "$t" "$(lab_nodes | wc -l)" || echo "demo: $t: BFD not up on every uplink" >&2
		done
	fi
	if [ "$MODE" = fabric ]; then
		for t in $(lab_tors); do
			section "BGP sessions on $t (dynamic neighbors over the /31 uplinks)"
			vty "$t" "show bgp ipv4 unicast summary"
		done
		section "BFD sessions on tor1"
		vty tor1 "show bfd peers brief"
	elif [ "$MODE" = rr ]; then
		section "BGP sessions on the route reflectors (AS 64512, clients in both racks)"
		for t in $(lab_tors); do vty "$t" "show bgp ipv4 unicast summary"; done
	elif [ "$MODE" = mesh ]; then
		section "BGP sessions of node1 (iBGP full mesh, AS 64512)"
		if [ "$DUALSTACK" = 1 ]; then vty node1 "show bgp summary"; else vty node1 "show bgp ipv4 unicast summary"; fi
	else
		section "BGP sessions on the ToR (AS 65000, dynamic neighbors)"
		if [ "$DUALSTACK" = 1 ]; then vty tor "show bgp summary"; else vty tor "show bgp ipv4 unicast summary"; fi
	fi
	local proto; proto=$(lab_proto_name)
	section "Routes installed by bgp-agent (ip route show proto $proto)"
	for n in $(lab_nodes); do
		echo "node$n:"
		ip -n "$(ns "node$n")" route show proto "$proto" | sed 's/^/  /'
		[ "$DUALSTACK" = 1 ] && ip -n "$(ns "node$n")" -6 route show proto "$proto" | sed 's/^/  /'
	done
	if [ "$MODE" = fabric ]; then
		local a b ecmp=0 want=0
		for a in $(lab_nodes); do
			for b in $(lab_nodes); do
				[ "$a" = "$b" ] && continue
				want=$((want + 1))
				lab_ecmp "node$a" "$(pod_cidr "$b")" && ecmp=$((ecmp + 1))
			done
		done
		echo "pod routes with both ToRs as next hops: $ecmp/$want"
		ecmp_missing=$((want - ecmp))
	fi
	section "bgp-agent status (node1)"
	"$BUILD_DIR/bgp-agent" status -c "$LAB_STATE/node1/agent.conf"
	section "Pod-to-pod ping matrix (IPv4, no NAT: every pod pings every pod's own address)"
	ping_matrix || fails=$?
	if [ "$DUALSTACK" = 1 ]; then
		section "Pod-to-pod ping matrix (IPv6)"
		ping_matrix 6 || fails=$((fails + $?))
	fi
	total=$(($(lab_pods | wc -l) * ($(lab_pods | wc -l) - 1)))
	[ "$DUALSTACK" = 1 ] && total=$((total * 2))
	section "Result"
	echo "converged $(ms_to_s $((t_conv - t_agents))) s after the agents started" \
		"($(ms_to_s $((t_conv - t0))) s from nothing; target < 30 s)"
	echo "pings: $((total - fails))/$total succeeded"
	[ "$fails" = 0 ] && [ "$ecmp_missing" = 0 ]
}

main "$@"
