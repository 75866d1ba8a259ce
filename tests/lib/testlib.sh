# Sourced by integration tests and benchmarks: TAP-style checks plus safe lab
# helpers. Every namespace, FRR instance and process a test creates is
# registered and removed on exit — also on failure, timeout (SIGTERM) or ^C.
#
# Safety: all lab addresses live inside namespaces created here; nothing is
# configured in the root namespace. Names carry a per-run prefix ($LAB) so
# concurrent runs never collide.

set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${BUILD_DIR:=$REPO/build}"
LAB=${LAB:-bt$$}
T_PASS=0
T_FAIL=0
_cleanup_ns=()
_cleanup_pids=()
_cleanup_paths=()
_cleanup_hooks=()

# --- checks ---------------------------------------------------------------
ok() { T_PASS=$((T_PASS + 1)); echo "ok $((T_PASS + T_FAIL)) - $*"; }
not_ok() { T_FAIL=$((T_FAIL + 1)); echo "not ok $((T_PASS + T_FAIL)) - $*"; }
note() { echo "# $*"; }
# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# check_fails DESCRIPTION COMMAND...: passes when the command exits non-zero.
check_fails() {
	local d=$1; shift
	if "$@"; then not_ok "$d"; else ok "$d"; fi
}
# check_eq DESCRIPTION ACTUAL EXPECTED
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', expected '$3')"; fi
}
# wait_until SECONDS COMMAND...: polls every 0.1 s; 0 when it succeeded in time.
wait_until() {
	local limit=$1; shift
	local end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	until "$@" >/dev/null 2>&1; do
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && return 1
		sleep 0.1
	done
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
need_root() { [ "$(id -u)" = 0 ] || { echo "not ok - must run as root"; exit 1; }; }
# finish: the last line of every test script.
finish() {
	echo "# $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" = 0 ]
}

# --- cleanup --------------------------------------------------------------
on_cleanup() { _cleanup_hooks+=("$*"); }
track_pid() { _cleanup_pids+=("$1"); }
track_path() { _cleanup_paths+=("$1"); }
lab_cleanup() {
	local h p ns
	trap - EXIT INT TERM
	for h in "${_cleanup_hooks[@]}"; do eval "$h" >/dev/null 2>&1; done
	for p in "${_cleanup_pids[@]}"; do kill "$p" 2>/dev/null; done
	for ns in "${_cleanup_ns[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	sleep 0.2
	for p in "${_cleanup_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for ns in "${_cleanup_ns[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
		rm -rf "/var/run/frr/$ns" "/etc/frr/$ns"
	done
	for p in "${_cleanup_paths[@]}"; do rm -rf "$p"; done
}
trap lab_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- namespaces -----------------------------------------------------------
# ns NAME: the full namespace name of lab host NAME.
ns() { echo "$LAB-$1"; }
# ns_add NAME: creates the namespace with loopback up and forwarding on.
ns_add() {
	local n; n=$(ns "$1")
	ip netns add "$n" || return 1
	_cleanup_ns+=("$n")
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}
# nsx NAME COMMAND...: runs a command inside lab host NAME.
nsx() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }
# ns_link A IFA B IFB: a veth pair from A to B, created directly inside them.
ns_link() {
	ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")" &&
		ip -n "$(ns "$1")" link set "$2" up && ip -n "$(ns "$3")" link set "$4" up
}
# ns_bridge NAME BRIDGE: a bridge inside lab host NAME (an L2 segment).
ns_bridge() { ip -n "$(ns "$1")" link add "$2" type bridge && ip -n "$(ns "$1")" link set "$2" up; }

# --- FRR ------------------------------------------------------------------
# The bgpd options wherever bgpd runs for the agent: -n (FRR never installs
# BGP routes; the agent is their only writer) and -M bmp (bgpd pushes its
# route changes to the agent's BMP station, frr.bmp_port).
AGENT_BGPD=(-n -M bmp)
# frr_start NAME CONFIG_FILE [DAEMON_ARGS...]: starts zebra, bfdd and bgpd inside
# lab host NAME with pathspace = its namespace name (bfdd as wherever FRR runs
# for the agent: `bfd = true` peers need it). Extra args go to bgpd (e.g. -n
# to keep bgpd from installing routes through zebra).
frr_start() {
	local name=$1 n d conf=$2; n=$(ns "$1"); shift 2
	d=/var/run/frr/$n
	mkdir -p "$d" "/etc/frr/$n"
	: > "/etc/frr/$n/vtysh.conf"
	cp "$conf" "/etc/frr/$n/frr.conf"
	chown -R frr:frr "$d" "/etc/frr/$n"
	# shellcheck disable=SC2086 # ZEBRA_ARGS: extra zebra options, word-split
	ip netns exec "$n" /usr/lib/frr/zebra -d -N "$n" -f "/etc/frr/$n/frr.conf" \
		-i "$d/zebra.pid" --log file:"$d/zebra.log" ${ZEBRA_ARGS:-} || return 1
	wait_until 10 test -S "$d/zserv.api" || return 1
	# bfdd gets the defaults line and its own block: reading the whole file it
	# would leave config mode at the `exit` of the first block it does not know
	# (router bgp) and miss its profiles.
	sed -n '/^frr defaults /p; /^bfd$/,/^exit$/p' "$conf" >"/etc/frr/$n/bfdd.conf"
	ip netns exec "$n" /usr/lib/frr/bfdd -d -N "$n" -f "/etc/frr/$n/bfdd.conf" \
		-i "$d/bfdd.pid" --log file:"$d/bfdd.log" || return 1
	bgpd_start "$name" "$@"
}
# bgpd_start NAME [DAEMON_ARGS...]: (re)starts only bgpd of lab host NAME, from
# the config frr_start installed (or the agent rendered) there.
bgpd_start() {
	local n d; n=$(ns "$1"); shift
	d=/var/run/frr/$n
	ip netns exec "$n" /usr/lib/frr/bgpd -d -N "$n" -f "/etc/frr/$n/frr.conf" \
		-i "$d/bgpd.pid" --log file:"$d/bgpd.log" "$@" || return 1
	wait_until 10 test -S "$d/bgpd.vty"
}
# frr_stop NAME [DAEMON]: stops bgpd, bfdd and zebra (or just DAEMON) of lab host NAME.
frr_stop() {
	local n d p; n=$(ns "$1"); d=/var/run/frr/$n
	for p in ${2:-bgpd bfdd zebra}; do
		[ -f "$d/$p.pid" ] && kill "$(cat "$d/$p.pid")" 2>/dev/null
	done
	sleep 0.3
}
frr_dir() { echo "/var/run/frr/$(ns "$1")"; }
# vty NAME COMMAND...: vtysh against lab host NAME's FRR.
vty() {
	local n; n=$(ns "$1"); shift
	local args=() c
	for c in "$@"; do args+=(-c "$c"); done
	ip netns exec "$n" vtysh -N "$n" "${args[@]}" 2>/dev/null
}
# bgp_established NAME PEER: true when the session to PEER is Established.
bgp_established() {
	vty "$1" "show bgp neighbors $2 json" | grep -q '"bgpState":"Established"'
}
