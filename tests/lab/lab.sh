#!/bin/bash
# The multi-node lab: the classic "pod networking" topology inside network
# namespaces, with BGP instead of static routes.
#
#   lan    an L2 switch (bridge br0) for the node network 192.168.1.0/24
#   tor    top-of-rack router 192.168.1.1, FRR AS 65000, dynamic neighbors
#          (`bgp listen range`): nodes join without any change on it
#   nodeN  192.168.1.(10+N), pod CIDR 10.244.N.0/24 (+ fd00:10:244:N::/64 with
#          DUALSTACK=1), its own FRR (zebra + bgpd, pathspace = namespace name)
#          and its own bgp-agent; AS 65000+N in ToR mode
#   nodeN-podM  a pod: a namespace wired up by the bgp-bridge CNI plugin,
#          called exactly as a container runtime does
#
# MODE=fabric is a data-centre rack instead of the node LAN: two ToRs (tor1
# AS 65101, tor2 AS 65102, config fabric-tor-frr.conf.tmpl, which documents the
# AS plan) and every node with a point-to-point /31 uplink to each of them
# (10.T.N.0/31 between tor T and node N; the node address sits on lo). The
# nodes peer with both ToRs (eBGP, BFD, graceful restart, TCP-MD5) and
# install every other node's pod CIDR with both ToRs as next hops (ECMP).
#
# MODE=mesh leaves out the ToR: the nodes form an iBGP full mesh in AS 64512
# (the Calico "node-to-node mesh" model). iBGP keeps each route's next hop at
# the node that owns the pod CIDR, so traffic goes straight node to node, and
# iBGP never passes a route on to a third peer, so a node that leaves takes its
# routes with it without any path hunting over the others.
#
# MODE=rr is two racks (192.168.1.0/24 and 192.168.2.0/24) joined by a plain
# router, with two FRR route reflectors and every node an iBGP client of both:
# the next hop of a pod CIDR of the other rack is not on-link and the agent
# installs it via the router (see lab_rr.sh).
#
# usage: lab.sh up | down | status | node-add N | pod-add NODE POD
#               | agent-start NODE | agent-stop NODE | converged
# environment: LAB (instance name and namespace prefix, default "bgplab"),
#   MODE=tor|mesh|fabric|rr, DUALSTACK=0|1, NODES (default 3), BUILD_DIR.
#
# Everything of a lab instance is recorded under /run/bgp-lab/$LAB, so the lab
# outlives this script (`make demo KEEP=1`) and `lab.sh down` removes exactly
# what `up` created. Other scripts may `source` this file to use the lab_*
# functions; they then share the caller's testlib.sh.
#
# Safety: every address lives inside the lab's namespaces; the root namespace
# is never configured.

LAB=${LAB:-bgplab}
if ! declare -F ok >/dev/null; then
	# shellcheck source=../lib/testlib.sh
	source "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
fi
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_STATE=/run/bgp-lab/$LAB
LAB_TEMPLATES=${LAB_TEMPLATES:-$REPO/frr-templates}
LAB_TOR_CONF=${LAB_TOR_CONF:-$LAB_DIR/tor-frr.conf} # another ToR config to try
LAB_PROTO=52
# shellcheck source=lab_rr.sh
. "$LAB_DIR/lab_rr.sh"

# --- addressing plan --------------------------------------------------------
node_addr() {
	if [ "$MODE" = rr ]; then echo "192.168.$(rr_rack "$1").$((10 + $1))"; else echo "192.168.1.$((10 + $1))"; fi
}
node_addr6() { echo "fd00:192:168:1::$((10 + $1))"; }
pod_cidr() { echo "10.244.$1.0/24"; }
pod_cidr6() { echo "fd00:10:244:$1::/64"; }
node_asn() { if [ "$MODE" = mesh ] || [ "$MODE" = rr ]; then echo 64512; else echo $((65000 + $1)); fi; }

lab_log() { echo "lab[$LAB]: $*" >&2; }
lab_die() { lab_log "error: $*"; return 1; }

# --- state ----------------------------------------------------------------
lab_save_env() {
	printf 'MODE=%q\nDUALSTACK=%q\nBUILD_DIR=%q\n' "$MODE" "$DUALSTACK" "$BUILD_DIR" \
		>"$LAB_STATE/lab.env"
}
lab_load_env() {
	[ -f "$LAB_STATE/lab.env" ] || return 1
	# shellcheck disable=SC1091
	. "$LAB_STATE/lab.env"
}
lab_nodes() { cat "$LAB_STATE/nodes" 2>/dev/null; }
lab_pods() { cat "$LAB_STATE/pods" 2>/dev/null; }
# lab_ns_add NAME: a namespace of this lab, recorded for `down`.
lab_ns_add() {
	ns "$1" >>"$LAB_STATE/namespaces"
	ns_add "$1" || return 1
	nsx "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# render TEMPLATE KEY=VALUE...: replaces every @KEY@ in TEMPLATE.
render() {
	local text kv
	text=$(cat "$1") || return 1
	shift
	for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
	printf '%s\n' "$text"
}

# --- agent configuration ----------------------------------------------------
peer_entry() { # NAME ADDRESS ASN-OR-internal [EXTRA_KEYS]
	local asn=$3
	[ "$asn" = internal ] && asn='"internal"'
	printf '  { name = "%s"; address = "%s"; asn = %s; hold_time = 9; keepalive = 3;%s }' \
		"$1" "$2" "$asn" "${4:+ $4}"
}
# The fabric's session protection, as the ToR config expects it.
LAB_FABRIC_PEER_KEYS='password = "fabric-md5"; bfd = true;'
fabric_tors() { echo 1 2; }
# fabric_tor_addr T N / fabric_node_addr T N: the two ends of node N's uplink to tor T.
fabric_tor_addr() { echo "10.$1.$2.0"; }
fabric_node_addr() { echo "10.$1.$2.1"; }
# join_lines ITEM...: the items as one libconfig list body (comma + newline).
join_lines() {
	local out="" item
	for item; do out+="${out:+,$'\n'}$item"; done
	printf '%s' "$out"
}
lab_peers() { # N: the peer list of node N
	local n=$1 m peers=()
	[ "$MODE" = rr ] && { lab_rr_peers; return; }
	if [ "$MODE" = fabric ]; then
		for m in $(fabric_tors); do
			peers+=("$(peer_entry "tor$m" "$(fabric_tor_addr "$m" "$n")" $((65100 + m)) "$LAB_FABRIC_PEER_KEYS")")
		done
	elif [ "$MODE" = mesh ]; then
		for m in $(seq 1 "$LAB_MESH_SIZE"); do
			[ "$m" = "$n" ] && continue
			peers+=("$(peer_entry "node$m" "$(node_addr "$m")" internal)")
			[ "$DUALSTACK" = 1 ] && peers+=("$(peer_entry "node$m-v6" "$(node_addr6 "$m")" internal)")
		done
	else
		peers+=("$(peer_entry tor 192.168.1.1 65000)")
		[ "$DUALSTACK" = 1 ] && peers+=("$(peer_entry tor-v6 fd00:192:168:1::1 65000)")
	fi
	join_lines "${peers[@]}"
}
lab_agent_conf() { # N
	local n=$1 cidrs clusters
	cidrs="\"$(pod_cidr "$n")\""
	clusters='"10.244.0.0/16"'
	if [ "$DUALSTACK" = 1 ]; then
		cidrs="$cidrs, \"$(pod_cidr6 "$n")\""
		clusters="$clusters, \"fd00:10:244::/48\""
	fi
	render "$LAB_DIR/agent.conf.tmpl" NAME="node$n" ADDRESS="$(node_addr "$n")" \
		ASN="$(node_asn "$n")" POD_CIDRS="$cidrs" CLUSTER_CIDRS="$clusters" \
		PEERS="$(lab_peers "$n")" NS="$(ns "node$n")" STATE="$LAB_STATE/node$n" \
		TEMPLATES="$LAB_TEMPLATES" NETWORK="$LAB-node$n"
}

# --- processes ----------------------------------------------------------------
lab_agent_start() { # NODE
	local st=$LAB_STATE/$1
	# ip netns exec execs the agent, so $! is the agent's own pid. setsid
	# detaches it from the caller's terminal and process group (KEEP=1).
	setsid ip netns exec "$(ns "$1")" "$BUILD_DIR/bgp-agent" run -c "$st/agent.conf" \
		>>"$st/agent.log" 2>&1 </dev/null &
	echo $! >"$st/agent.pid"
}
lab_agent_pid() { cat "$LAB_STATE/$1/agent.pid" 2>/dev/null; }
lab_agent_stop() { # NODE [SIGNAL]
	local pid; pid=$(lab_agent_pid "$1") || return 0
	kill -"${2:-TERM}" "$pid" 2>/dev/null || return 0
	wait_until 10 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null
	rm -f "$LAB_STATE/$1/agent.pid"
}

# --- topology ---------------------------------------------------------------
lab_lan_up() {
	lab_ns_add lan && ns_bridge lan br0
}
# lab_attach NAME IFACE: a veth from NAME (as eth0) to the lan switch.
lab_attach() {
	ns_link "$1" eth0 lan "p-$1" && ip -n "$(ns lan)" link set "p-$1" master br0
}
lab_tor_up() {
	lab_ns_add tor && lab_attach tor || return 1
	ip -n "$(ns tor)" addr add 192.168.1.1/24 dev eth0
	ip -n "$(ns tor)" addr add fd00:192:168:1::1/64 dev eth0 nodad
	frr_start tor "$LAB_TOR_CONF" 2>>"$LAB_STATE/frr-start.log"
}
# lab_fabric_tor_up T: ToR T of the fabric rack (zebra installs its routes).
lab_fabric_tor_up() {
	render "$LAB_DIR/fabric-tor-frr.conf.tmpl" TOR="$1" >"$LAB_STATE/tor$1-frr.conf"
	lab_ns_add "tor$1" && lab_fabric_tor_start "$1"
}
# lab_fabric_tor_start T: ToR T's FRR. zebra -K 30 (what the ToR's FRR
# "daemons" file should say): a restarted zebra keeps the routes it finds in
# the kernel for 30 s instead of deleting them at once, so the ToR forwards
# while its bgpd relearns them (preserve-fw-state in the ToR config).
lab_fabric_tor_start() {
	ZEBRA_ARGS="-K 30" frr_start "tor$1" "$LAB_STATE/tor$1-frr.conf" 2>>"$LAB_STATE/frr-start.log"
}
# lab_fabric_uplinks N: node N's /31 to each ToR (node side "up-torT", ToR
# side "nodeN") and its node address on lo.
lab_fabric_uplinks() {
	local n=$1 t
	for t in $(fabric_tors); do
		ns_link "node$n" "up-tor$t" "tor$t" "node$n" || return 1
		ip -n "$(ns "node$n")" addr add "$(fabric_node_addr "$t" "$n")/31" dev "up-tor$t"
		ip -n "$(ns "tor$t")" addr add "$(fabric_tor_addr "$t" "$n")/31" dev "node$n"
	done
	ip -n "$(ns "node$n")" addr add "$(node_addr "$n")/32" dev lo
	# ECMP by flow (addresses and ports), as data-centre hosts hash.
	nsx "node$n" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
}
lab_node_up() { # N
	local n=$1 name=node$1 st=$LAB_STATE/node$1
	mkdir -p "$st/net.d" "$st/pods" || return 1
	if [ "$MODE" = fabric ]; then
		lab_ns_add "$name" && lab_fabric_uplinks "$n" || return 1
	elif [ "$MODE" = rr ]; then
		lab_ns_add "$name" && lab_rr_node_net "$n" || return 1
	else
		lab_ns_add "$name" && lab_attach "$name" || return 1
		ip -n "$(ns "$name")" addr add "$(node_addr "$n")/24" dev eth0
	fi
	[ "$DUALSTACK" = 1 ] && ip -n "$(ns "$name")" addr add "$(node_addr6 "$n")/64" dev eth0 nodad
	render "$LAB_DIR/node-frr.conf.tmpl" NAME="$name" >"$st/frr-bootstrap.conf"
	# AGENT_BGPD (testlib.sh): bgpd -n (the agent is the only writer of BGP routes), -M bmp.
	frr_start "$name" "$st/frr-bootstrap.conf" "${AGENT_BGPD[@]}" 2>>"$LAB_STATE/frr-start.log" || return 1
	lab_agent_conf "$n" >"$st/agent.conf"
	echo "$n" >>"$LAB_STATE/nodes"
	lab_agent_start "$name"
}

lab_up() {
	need_root
	[ -x "$BUILD_DIR/bgp-agent" ] || lab_die "no $BUILD_DIR/bgp-agent (run make)" || return 1
	[ -e "$LAB_STATE" ] && { lab_die "lab '$LAB' is already up (lab.sh down first)"; return 1; }
	[ "$MODE" = fabric ] && [ "$DUALSTACK" = 1 ] && { lab_die "MODE=fabric is IPv4 only"; return 1; }
	[ "$MODE" = rr ] && [ "$DUALSTACK" = 1 ] && { lab_die "MODE=rr is IPv4 only"; return 1; }
	mkdir -p "$LAB_STATE" && lab_save_env
	LAB_MESH_SIZE=${NODES:-3}
	echo "$LAB_MESH_SIZE" >"$LAB_STATE/mesh-size"
	local t
	if [ "$MODE" = fabric ]; then
		for t in $(fabric_tors); do lab_fabric_tor_up "$t" || return 1; done
	elif [ "$MODE" = rr ]; then
		lab_rr_up || return 1
	else
		lab_lan_up || return 1
		if [ "$MODE" != mesh ]; then lab_tor_up || return 1; fi
	fi
	local n
	for n in $(seq 1 "$LAB_MESH_SIZE"); do lab_node_up "$n" || return 1; done
}

lab_node_add() { # N: a node that joins a running lab
	[ "$MODE" = mesh ] && { lab_die "node-add needs the ToR (MODE=tor): a mesh changes every node's peers"; return 1; }
	lab_node_up "$1"
}

# lab_pod_add NODE POD: creates pod namespace NODE-POD and runs the CNI ADD for
# it in NODE, with the plugin config from the conflist the node's agent wrote.
lab_pod_add() {
	local node=$1 pod=$1-$2 st=$LAB_STATE/$1 conf type bin pns
	conf=$st/net.d/10-bgp-bridge.conflist
	pns=$(ns "$pod")
	wait_until 20 test -s "$conf" || { lab_die "$node: agent wrote no $conf"; return 1; }
	type=$(jq -r '.plugins[0].type' "$conf") || return 1
	bin=$(PATH="$BUILD_DIR:/opt/cni/bin:/usr/lib/cni" command -v "$type") ||
		{ lab_die "CNI plugin '$type' not found"; return 1; }
	echo "$pns" >>"$LAB_STATE/namespaces"
	ip netns add "$pns" && ip -n "$pns" link set lo up || return 1
	# What a runtime passes: the plugin's config with the list's name and
	# cniVersion. The lab only adds an IPAM store under its state dir if the
	# conflist names none, so that labs never share /var/lib/cni.
	jq -c --arg dd "$st/ipam" '.plugins[0] + {name: .name, cniVersion: .cniVersion}
		| if .ipam.dataDir then . else .ipam.dataDir = $dd end' "$conf" >"$st/pods/$2.stdin"
	ip netns exec "$(ns "$node")" env CNI_COMMAND=ADD CNI_CONTAINERID="$pns" \
		CNI_NETNS="/var/run/netns/$pns" CNI_IFNAME=eth0 \
		CNI_PATH="$(dirname "$bin"):/opt/cni/bin:/usr/lib/cni" \
		"$bin" <"$st/pods/$2.stdin" >"$st/pods/$2.result" ||
		{ lab_die "CNI ADD for $pod failed: $(cat "$st/pods/$2.result")"; return 1; }
	jq -r '.ips[].address' "$st/pods/$2.result" | grep -v : | head -n1 | cut -d/ -f1 >"$st/pods/$2.ip"
	jq -r '.ips[].address' "$st/pods/$2.result" | grep : | head -n1 | cut -d/ -f1 >"$st/pods/$2.ip6"
	echo "$pod" >>"$LAB_STATE/pods"
}
# lab_pods_add NODE COUNT: pods pod1..podCOUNT on NODE.
lab_pods_add() {
	local p
	for p in $(seq 1 "$2"); do lab_pod_add "$1" "pod$p" >/dev/null || return 1; done
}
# lab_up_checked DESCRIPTION: lab_up as a test's first check; a test whose lab
# did not come up ends there (with the lab's state in its log).
lab_up_checked() {
	if lab_up; then ok "$1"; return 0; fi
	not_ok "$1"
	lab_dump; finish; exit 1
}
# lab_pod_ip POD [6]: the pod's address ("node1-pod1").
lab_pod_ip() { cat "$LAB_STATE/${1%%-*}/pods/${1#*-}.ip${2:-}"; }
# lab_ping SRC DST [6]: one ping from pod SRC to pod DST.
lab_ping() {
	local fam=-4; [ "${3:-}" = 6 ] && fam=-6
	ip netns exec "$(ns "$1")" ping "$fam" -c 1 -W 2 -q "$(lab_pod_ip "$2" "${3:-}")" >/dev/null 2>&1
}

# lab_ping_row SRC [6]: "SRC r r r ..." with 1 (reply), 0 (none) or - (itself)
# per pod in lab_pods order.
lab_ping_row() {
	local src=$1 dst row=$1
	for dst in $(lab_pods); do
		if [ "$dst" = "$src" ]; then row="$row -"
		elif lab_ping "$src" "$dst" "${2:-}"; then row="$row 1"
		else row="$row 0"; fi
	done
	echo "$row"
}
# lab_ping_all DIR [6]: every pod pings every other pod, one source per
# parallel job; DIR/<pod> gets that pod's row. Returns the number of failures.
lab_ping_all() {
	local dir=$1 src fails pids=()
	for src in $(lab_pods); do
		lab_ping_row "$src" "${2:-}" >"$dir/$src" &
		pids+=($!)
	done
	# Only these jobs: a plain `wait` would also wait for the lab's agents.
	wait "${pids[@]}"
	fails=$(cat "$dir"/* | tr ' ' '\n' | grep -c '^0$')
	return "$fails"
}

# lab_all_pods_reach [6]: true when every pod reaches every other pod; prints
# the ping rows (1 = reply) on stderr when one does not.
lab_all_pods_reach() {
	local d rc=0
	d=$(mktemp -d)
	lab_ping_all "$d" "${1:-}" || rc=$?
	[ "$rc" = 0 ] || { echo "ping rows (1 = reply):"; cat "$d"/*; } >&2
	rm -rf "$d"
	return "$rc"
}

# --- extra routers (tests) ----------------------------------------------------
# lab_router_up NAME ADDRESS CONF: another FRR on the node network (a second
# ToR, a hostile speaker, ...), zebra with FIB install on like a real router.
lab_router_up() {
	lab_ns_add "$1" && lab_attach "$1" || return 1
	ip -n "$(ns "$1")" addr add "$2/24" dev eth0
	frr_start "$1" "$3" 2>>"$LAB_STATE/frr-start.log"
}
# lab_tor2_up: a second ToR at 192.168.1.2, same AS and listen range.
lab_tor2_up() {
	sed 's/^hostname tor$/hostname tor2/; s/router-id 192\.168\.1\.1$/router-id 192.168.1.2/' \
		"$LAB_DIR/tor-frr.conf" >"$LAB_STATE/tor2-frr.conf"
	lab_router_up tor2 192.168.1.2 "$LAB_STATE/tor2-frr.conf"
}
# lab_frr_restart NODE: stops the node's zebra and bgpd and starts them again
# from the config the agent rendered into /etc/frr/<ns>/frr.conf.
lab_frr_restart() {
	local st=$LAB_STATE/$1
	cp "/etc/frr/$(ns "$1")/frr.conf" "$st/frr-restart.conf"
	frr_stop "$1"
	frr_start "$1" "$st/frr-restart.conf" "${AGENT_BGPD[@]}" 2>>"$LAB_STATE/frr-start.log"
}
# lab_agent_ready NODE: the agent answers on its control socket.
lab_agent_ready() {
	"$BUILD_DIR/bgp-agent" status -c "$LAB_STATE/$1/agent.conf" >/dev/null 2>&1
}

# --- convergence ------------------------------------------------------------
# lab_has_route NODE PREFIX: the node's kernel has PREFIX from the agent.
lab_has_route() {
	local fam=-4
	case "$2" in *:*) fam=-6 ;; esac
	[ -n "$(ip "$fam" -n "$(ns "$1")" route show proto "$LAB_PROTO" exact "$2" 2>/dev/null)" ]
}
# lab_converged: every node has an agent route to every other node's pod CIDR(s).
lab_converged() {
	local a b
	for a in $(lab_nodes); do
		for b in $(lab_nodes); do
			[ "$a" = "$b" ] && continue
			lab_has_route "node$a" "$(pod_cidr "$b")" || return 1
			if [ "$DUALSTACK" = 1 ]; then lab_has_route "node$a" "$(pod_cidr6 "$b")" || return 1; fi
		done
	done
}
# lab_tors: the lab's ToR hosts (MODE=rr: the route reflectors).
lab_tors() {
	case "$MODE" in
	mesh) ;;
	rr) for t in $(rr_reflectors); do echo "rr$t"; done ;;
	fabric) for t in $(fabric_tors); do echo "tor$t"; done ;;
	*) echo tor ;;
	esac
}
# lab_ecmp NODE PREFIX: the node's kernel route to PREFIX has both ToRs as next hops.
lab_ecmp() {
	local r; r=$(ip -n "$(ns "$1")" route show proto "$LAB_PROTO" exact "$2" 2>/dev/null)
	[ "$(grep -c 'nexthop via' <<<"$r")" = 2 ] && grep -q 'dev up-tor1' <<<"$r" && grep -q 'dev up-tor2' <<<"$r"
}
# lab_all_ecmp: every node's route to every other node's pod CIDR has both ToRs.
lab_all_ecmp() {
	local a b
	for a in $(lab_nodes); do
		for b in $(lab_nodes); do
			[ "$a" = "$b" ] || lab_ecmp "node$a" "$(pod_cidr "$b")" || return 1
		done
	done
}
# lab_only_via NODE PREFIX DEV: the node's route to PREFIX has the one next hop over DEV.
lab_only_via() {
	local r; r=$(ip -n "$(ns "$1")" route show proto "$LAB_PROTO" exact "$2")
	[ -n "$r" ] && ! grep -q nexthop <<<"$r" && grep -q "dev $3 " <<<"$r"
}
# lab_bfd_up HOST COUNT: HOST has COUNT BFD sessions, all up.
lab_bfd_up() {
	vty "$1" "show bfd peers json" |
		jq -e --argjson n "$2" 'length == $n and all(.[]; .status == "up")' >/dev/null 2>&1
}
# The protocol as `ip` can show it: the name when rt_protos knows it.
lab_proto_name() {
	if ip route show proto bgp-agent >/dev/null 2>&1; then echo bgp-agent; else echo "$LAB_PROTO"; fi
}

# lab_agents_clean: stops every agent with SIGTERM and checks that none of
# their logs has a sanitizer report (ASan/UBSan/LeakSanitizer print at exit).
lab_agents_clean() {
	local n
	for n in $(lab_nodes); do lab_agent_stop "node$n"; done
	! grep -E 'Sanitizer|runtime error:' "$LAB_STATE"/node*/agent.log >&2
}
# lab_dump: what went wrong, for a failing test's log.
lab_dump() {
	local n
	for n in $(lab_nodes); do
		echo "--- node$n agent log (tail)"
		tail -n 15 "$LAB_STATE/node$n/agent.log" 2>/dev/null
		echo "--- node$n routes"
		ip -n "$(ns "node$n")" route 2>/dev/null
		vty "node$n" "show bgp summary" | grep -E '^[0-9a-f*]|Neighbor'
	done
	local t
	for t in $(lab_tors); do vty "$t" "show bgp summary" | grep -E '^[0-9a-f*]|Neighbor'; done
} >&2

# --- teardown ---------------------------------------------------------------
# Namespaces of this lab: the recorded ones, plus any that match the lab's
# naming scheme (a crashed `up` may not have recorded its last one).
lab_namespaces() {
	{
		cat "$LAB_STATE/namespaces" 2>/dev/null
		ip netns list 2>/dev/null | awk '{print $1}' |
			grep -E "^${LAB}-(lan|router|tor[0-9]*|rogue|rr[0-9]*|node[0-9]+(-pod[0-9]+)?)$"
	} | sort -u
}
lab_down() {
	local n p list
	list=$(lab_namespaces)
	for n in $list; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	[ -n "$list" ] && sleep 0.3
	for n in $list; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
		rm -rf "/var/run/frr/$n" "/etc/frr/$n"
	done
	for n in $(lab_nodes); do rm -rf "/var/lib/cni/networks/$LAB-node$n"; done
	rm -rf "$LAB_STATE"
	rmdir /run/bgp-lab 2>/dev/null
	return 0
}

lab_status() {
	local n
	if ! lab_load_env; then echo "lab '$LAB': not running"; return 1; fi
	echo "lab '$LAB': mode $MODE, dualstack $DUALSTACK, state in $LAB_STATE"
	echo "namespaces: $(lab_namespaces | tr '\n' ' ')"
	for n in $(lab_nodes); do
		if kill -0 "$(lab_agent_pid "node$n")" 2>/dev/null; then
			echo "node$n: agent pid $(lab_agent_pid "node$n")"
		else
			echo "node$n: agent NOT running (log: $LAB_STATE/node$n/agent.log)"
		fi
	done
	local t
	for t in $(lab_tors); do echo "$t:"; vty "$t" "show bgp summary"; done
	if lab_converged; then echo "routes: converged"; else echo "routes: NOT converged"; fi
}

lab_main() {
	local cmd=${1:-}
	[ "$(id -u)" = 0 ] || [ -z "$cmd" ] || { lab_log "must run as root (network namespaces, FRR)"; return 1; }
	shift || true
	trap - EXIT # the lab outlives this script; `down` cleans from the state dir
	MODE=${MODE:-tor} DUALSTACK=${DUALSTACK:-0}
	case "$cmd" in
	up)
		if ! lab_up; then
			lab_log "up failed; tearing down"
			lab_down
			return 1
		fi ;;
	down) lab_down ;;
	status) lab_status ;;
	converged) lab_load_env && lab_converged ;;
	node-add) lab_load_env && lab_node_add "$@" ;;
	pod-add) lab_load_env && lab_pod_add "$@" && lab_pod_ip "$1-$2" ;;
	agent-start) lab_load_env && lab_agent_start "$@" ;;
	agent-stop) lab_load_env && lab_agent_stop "$@" ;;
	*)
		cat >&2 <<-EOF
		usage: lab.sh up | down | status | converged | node-add N | pod-add NODE POD
		              | agent-start NODE | agent-stop NODE
		environment: LAB (default bgplab), MODE=tor|mesh|fabric|rr, DUALSTACK=0|1, NODES (3), BUILD_DIR
		EOF
		return 2 ;;
	esac
}

MODE=${MODE:-tor}
DUALSTACK=${DUALSTACK:-0}
LAB_MESH_SIZE=$(cat "$LAB_STATE/mesh-size" 2>/dev/null || echo "${NODES:-3}")
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab_main "$@"
	exit $?
fi
