#!/bin/bash
# One lab of the route-path benchmark (agent_bench.sh runs it at several sizes;
# prints figures, asserts nothing). Two injectors ("ToRs") inj1 192.168.1.1 and
# inj2 192.168.1.2 (AS 65000) advertise N /24s of 10.0.0.0/7 to two nodes on one
# LAN at the same moment:
#   agent  192.168.1.11  FRR with `bgp no-rib` (rendered by the agent) + bgp-agent
#   zebra  192.168.1.12  plain FRR: bgpd -> zebra -> kernel (the reference)
# The kernel's moments come from route_count (the bench's own rtnetlink reader,
# one per node), bgpd's from polling its vty (vty_poll.py), the far router's from
# the moment vty_poll.py sends it the command.
# usage: route_lab.sh N PHASE...   phases, in this order: full change tor idle flap rss
#   full    ROUNDS times: inj1 opens both sessions; bgpd holds all N -> kernel all N
#   change  CHANGES changes on inj1 (withdraw one prefix, announce another), from
#           inj1's command -> kernel has both
#   tor     inj2 advertises the same N (ECMP); TOR_ROUNDS times inj2 shuts its
#           sessions: bgpd drops it -> no kernel route uses 192.168.1.2
#   idle    CPU over IDLE_S s with N installed
#   flap    inj2 flaps two prefixes every 100 ms for FLAP_S s next to N routes
#   rss     the agent's memory
LAB=${LAB:-bn$$}
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root
HERE=$(cd "$(dirname "$0")" && pwd)
COUNT=$BUILD_DIR/bench/route_count
N=$1; shift
PHASES=" $* "
ROUNDS=${ROUNDS:-5} CHANGES=${CHANGES:-10} TOR_ROUNDS=${TOR_ROUNDS:-5}
IDLE_S=${IDLE_S:-30} FLAP_S=${FLAP_S:-20}
RANGE=10.0.0.0/7
NODES="agent zebra"
INJ1=192.168.1.1 INJ2=192.168.1.2
FLAP_PFX="11.253.0.0/24 11.253.1.0/24"
CTX=("router bgp 65000" "address-family ipv4 unicast")
has() { case $PHASES in *" $1 "*) return 0 ;; esac; return 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# prefix I: the I-th /24 of the bench, from 10.1.0.0 on (10.0.0.0/7 holds 130,000).
prefix() { local v=$(( (10 << 24) + ($1 + 256) * 256 )); echo "$((v >> 24)).$(((v >> 16) & 255)).$(((v >> 8) & 255)).0/24"; }
prefixes() { local i; for ((i = 0; i < $1; i++)); do prefix "$i"; done; }

inj_conf() { # NAME ROUTER_ID N
	{
		printf 'frr defaults datacenter\nhostname %s\n!\nrouter bgp 65000\n' "$1"
		printf ' bgp router-id %s\n no bgp ebgp-requires-policy\n no bgp network import-check\n' "$2"
		printf ' neighbor 192.168.1.11 remote-as 65001\n neighbor 192.168.1.11 shutdown\n'
		printf ' neighbor 192.168.1.12 remote-as 65002\n neighbor 192.168.1.12 shutdown\n'
		printf ' address-family ipv4 unicast\n'
		prefixes "$3" | sed 's/^/  network /'
		printf ' exit-address-family\nexit\n!\n'
	} >"$WORK/$1-frr.conf"
	echo "$WORK/$1-frr.conf"
}
# The reference node: plain FRR, the same ECMP as the agent renders (multipath-relax).
zebra_conf() {
	printf '%s\n' 'frr defaults datacenter' 'hostname zebra' '!' 'router bgp 65002' \
		' bgp router-id 192.168.1.12' ' no bgp ebgp-requires-policy' \
		' bgp bestpath as-path multipath-relax' \
		" neighbor $INJ1 remote-as 65000" " neighbor $INJ2 remote-as 65000" \
		' address-family ipv4 unicast' "  neighbor $INJ1 activate" "  neighbor $INJ2 activate" \
		' exit-address-family' 'exit' >"$WORK/zebra-frr.conf"
	echo "$WORK/zebra-frr.conf"
}
agent_bench_conf() {
	cat >"$WORK/agent.conf" <<CONF
node = { name = "agent"; address = "192.168.1.11"; asn = 65001; pod_cidrs = [ "11.255.255.0/24" ]; };
cluster = { pod_cidrs = [ "$RANGE" ]; node_mask_v4 = 24; };
peers = ( { name = "inj1"; address = "$INJ1"; asn = 65000; max_prefixes = 200000; },
          { name = "inj2"; address = "$INJ2"; asn = 65000; max_prefixes = 200000; } );
frr = { pathspace = "$(ns agent)"; templates = "$REPO/frr-templates"; };
kernel = { table = 254; resync_interval = 60; grace_period = 30; ecmp = true; };
cni = { conflist = ""; };
log = { level = "info"; };
control = { socket = "$WORK/agent.sock"; };
CONF
}

# --- measuring -------------------------------------------------------------------
declare -A PROTO=([agent]=52 [zebra]=186) # the agent's protocol; zebra's "bgp"
declare -A PIDS K B FIG                   # per TAG:node / node / FIGURE:node
# counter NODE TAG COND...: a route_count in NODE, once its first dump is in.
counter() {
	local node=$1 tag=$2 out=$WORK/cnt-$2-$1; shift 2
	ip netns exec "$(ns "$node")" "$COUNT" -T 120 -p "${PROTO[$node]}" -r "$RANGE" "$@" \
		>"$out" 2>>"$WORK/count.err" &
	track_pid $!
	PIDS[$tag:$node]+=" $!"
	wait_until 10 grep -q '^ready' "$out"
}
# bgpd_poll NODE TAG MODE ARGS...: vty_poll.py against NODE's bgpd, in the background.
bgpd_poll() {
	local node=$1 tag=$2; shift 2
	python3 "$HERE/vty_poll.py" "$(frr_dir "$node")/bgpd.vty" "$@" >"$WORK/bgp-$tag-$node" &
	track_pid $!
	PIDS[$tag:$node]+=" $!"
}
# finished TAG: waits for the counters and pollers of TAG (each bounded by its
# own timeout): K[node] the kernel's moment, B[node] bgpd's ("nan" if none).
# Leaves the lab when a moment is missing.
finished() {
	local n p
	for n in $NODES; do
		for p in ${PIDS[$1:$n]:-}; do wait "$p"; done
		PIDS[$1:$n]=
		K[$n]=$(tail -n 1 "$WORK/cnt-$1-$n")
		B[$n]=$(cat "$WORK/bgp-$1-$n" 2>/dev/null || echo nan)
		rm -f "$WORK/bgp-$1-$n"
	done
	case "${K[agent]} ${K[zebra]}" in *nan*)
		note "phase $1 timed out (agent '${K[agent]}', zebra '${K[zebra]}'); kernel: agent" \
			"$(kroutes agent | wc -l), zebra $(ip -n "$(ns zebra)" route show proto bgp | wc -l) routes"
		dump_logs
		exit 1 ;;
	esac
}
# session_down_moment NODE PEER SINCE: when NODE's bgpd dropped the session to
# PEER, from its log (microseconds: `log timestamp precision 6`). Polling its vty
# is no clock for this: bgpd answers only after it has processed the drop.
session_down_moment() {
	python3 - "$(frr_dir "$1")/bgpd-bench.log" "$2" "$3" <<'PY'
import datetime, re, sys
log, peer, since = sys.argv[1], sys.argv[2], float(sys.argv[3])
for line in open(log, errors="replace"):
    m = re.match(r"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6}) .*ADJCHANGE: neighbor %s\b.* Down" % re.escape(peer), line)
    if m:
        t = datetime.datetime.strptime(m.group(1), "%Y/%m/%d %H:%M:%S.%f").timestamp()
        if t >= since - 0.001:
            print("%.6f" % t)
            sys.exit(0)
print("nan")
PY
}
# record FIGURE [SINCE]: adds each node's time in ms from SINCE (a moment; bgpd's
# own moment B[node] without it) to the kernel's moment K[node].
record() {
	local n since
	for n in $NODES; do
		since=${2:-${B[$n]}}
		FIG[$1:$n]+=" $(python3 -c "import sys; a, b = map(float, sys.argv[1:]); print('%.1f' % ((b - a) * 1000))" "$since" "${K[$n]}")"
	done
}
# stats FIGURE TEXT [TARGET]: one figure line, min/median/max of each node and
# the ratio of medians.
stats() {
	python3 - "$2" "${FIG[$1:agent]}" "${FIG[$1:zebra]}" "${3:-}" <<'PY'
import statistics as s, sys
name, a, z = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
target = " (target: %s)" % sys.argv[4] if sys.argv[4] else ""
f = lambda v: "%.1f / %.1f / %.1f ms" % (min(v), s.median(v), max(v))
r = s.median(a) / s.median(z) if s.median(z) > 0 else float("nan")
print("%s (%d runs, min / median / max): agent %s | zebra %s | ratio of medians %.2f%s" % (name, len(a), f(a), f(z), r, target))
PY
}
# inj_cmd INJ CMD...: the command on the injector's bgpd (in router bgp, or
# in its ipv4 unicast family for `network`); prints the moment it was sent.
inj_cmd() {
	local ctx=("router bgp 65000")
	case $2 in *network*) ctx+=("address-family ipv4 unicast") ;; esac
	python3 "$HERE/vty_poll.py" "$(frr_dir "$1")/bgpd.vty" send "${ctx[@]}" -- "${@:2}"
}
sessions_open() { inj_cmd "$1" "no neighbor 192.168.1.11 shutdown" "no neighbor 192.168.1.12 shutdown" >/dev/null; }
sessions_shut() { inj_cmd "$1" "neighbor 192.168.1.11 shutdown" "neighbor 192.168.1.12 shutdown"; }

# --- the lab ---------------------------------------------------------------------
lab_start() {
	local inj2_n=$N n
	has flap && inj2_n=0
	lan_up
	for n in inj1 inj2 agent zebra; do ns_add $n; done
	lan_attach inj1 $INJ1/24
	lan_attach inj2 $INJ2/24
	lan_attach agent 192.168.1.11/24
	lan_attach zebra 192.168.1.12/24
	frr_start inj1 "$(inj_conf inj1 $INJ1 "$N")" 2>>"$WORK/frr.err" || return 1
	frr_start inj2 "$(inj_conf inj2 $INJ2 "$inj2_n")" 2>>"$WORK/frr.err" || return 1
	frr_start zebra "$(zebra_conf)" 2>>"$WORK/frr.err" || return 1
	# bgpd as the agent runs it everywhere (testlib's AGENT_BGPD once it is there)
	frr_start agent "$(frr_bootstrap agent)" "${AGENT_BGPD[@]:--n}" 2>>"$WORK/frr.err" || return 1
	agent_bench_conf
	agent_start agent
	wait_until 60 sh -c "ip netns exec $(ns agent) vtysh -N $(ns agent) -c 'show bgp summary' | grep -q $INJ2" ||
		return 1
	# after the agent's apply, which would remove them: it applies only at start and reload
	for n in $NODES; do
		python3 "$HERE/vty_poll.py" "$(frr_dir $n)/bgpd.vty" send -- "log timestamp precision 6" \
			"log file $(frr_dir $n)/bgpd-bench.log" >/dev/null || return 1
	done
}
# inj1_up: opens inj1's sessions; each node's clock starts when its bgpd holds N.
inj1_up() {
	local n
	for n in $NODES; do counter $n full atleast "$N"; bgpd_poll $n full count $INJ1 "$N"; done
	sessions_open inj1
	finished full
	record full
}
inj1_down() {
	local n t
	for n in $NODES; do counter $n empty atmost 0; done
	t=$(sessions_shut inj1)
	finished empty
	record empty "$t"
}

phase_full() {
	local r
	for ((r = 1; r < ROUNDS; r++)); do inj1_down; inj1_up; done
	stats full "$N prefixes, bgpd holds all -> all in the kernel" "ratio <= 0.6"
	[ "$ROUNDS" -gt 1 ] && stats empty "$N prefixes withdrawn (inj1 shuts the sessions), command -> kernel empty"
}
phase_change() {
	local i t gone fresh n
	for ((i = 0; i < CHANGES; i++)); do
		# withdraw one, announce another; every second change puts the set back
		gone=$(prefix $(( (i / 2) * 997 % N ))) fresh=11.254.$((i / 2)).0/24
		[ $((i % 2)) = 1 ] && { t=$gone; gone=$fresh; fresh=$t; }
		for n in $NODES; do counter $n chg change "$gone" "$fresh"; bgpd_poll $n chg prefix "$fresh" present; done
		t=$(inj_cmd inj1 "no network $gone" "network $fresh")
		finished chg
		record chg "$t"
		record chg_bgpd
		for n in $NODES; do K[$n]=${B[$n]}; done
		record chg_far "$t"
		sleep 0.2
	done
	stats chg "one change with $N installed (withdraw one, announce one), inj1's command -> kernel" "ratio <= 0.6"
	stats chg_far "  of which inj1's command -> the node's bgpd has the new prefix"
	stats chg_bgpd "  and the node's bgpd has it -> kernel has the change"
}
inj2_up() {
	local n
	for n in $NODES; do counter $n ecmp nexthop-all $INJ2 "$N"; done
	sessions_open inj2
	finished ecmp
}
phase_tor() {
	local r n t
	inj2_up
	for ((r = 0; r < TOR_ROUNDS; r++)); do
		for n in $NODES; do counter $n tor nexthop-gone $INJ2; done
		t=$(sessions_shut inj2)
		finished tor
		for n in $NODES; do B[$n]=$(session_down_moment $n $INJ2 "$t"); done
		record tor
		record tor_cmd "$t"
		inj2_up
	done
	stats tor "ToR down ($N routes ECMP over 2 ToRs), bgpd drops the session -> no kernel route via it" "agent <= 20 ms, not growing with routes"
	stats tor_cmd "ToR down ($N routes), the ToR's shutdown command -> no kernel route via it"
}

# --- CPU and memory ----------------------------------------------------------------
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# cpu_over SECONDS NAME=PID...: "NAME X.XXX% (T ticks)" for each (CPU of one
# core, /proc/PID/stat utime + stime), then the ratio of the 3rd to the 4th.
cpu_over() {
	local s=$1 p t0 t1 args=(); shift
	declare -A c0
	t0=$(now_ms)
	for p in "$@"; do c0[$p]=$(ticks "${p#*=}"); done
	sleep "$s"
	t1=$(now_ms)
	for p in "$@"; do args+=("${p%%=*}" $(( $(ticks "${p#*=}") - c0[$p] ))); done
	python3 - "$(getconf CLK_TCK)" "$(( t1 - t0 ))" "${args[@]}" <<'PY'
import sys
hz, ms, a = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
names, ticks = a[0::2], [int(t) for t in a[1::2]]
print("  ".join("%s %.3f%% (%d ticks)" % (n, t / hz / (ms / 1000) * 100, t) for n, t in zip(names, ticks)))
r = "%.1f" % (ticks[2] / ticks[3]) if ticks[3] else "> %d (%s: 0 ticks, under 1/%d s)" % (ticks[2], names[3], hz)
print("  ratio %s / %s: %s" % (names[2], names[3], r))
PY
}
# The agent and zebra, then the two bgpds (cpu_over's ratio).
pids() {
	echo "agent=$(agent_pid agent) zebra(zebra-node)=$(cat "$(frr_dir zebra)/zebra.pid")" \
		"bgpd(agent-node)=$(cat "$(frr_dir agent)/bgpd.pid") bgpd(zebra-node)=$(cat "$(frr_dir zebra)/bgpd.pid")"
}
phase_idle() {
	sleep 2
	echo "idle CPU over $IDLE_S s, $N routes installed (targets: agent <= 0.1 %, bgpd ratio <= 2):"
	# shellcheck disable=SC2046
	cpu_over "$IDLE_S" $(pids) | sed 's/^/  /'
}
phase_flap() {
	local flapper
	sessions_open inj2
	wait_until 30 bgp_established agent $INJ2 && wait_until 30 bgp_established zebra $INJ2 ||
		{ note "inj2's sessions did not come up"; exit 1; }
	sleep 2
	python3 "$HERE/vty_poll.py" "$(frr_dir inj2)/bgpd.vty" flap 100 "$FLAP_S" "${CTX[@]}" -- $FLAP_PFX >"$WORK/flap" &
	flapper=$!
	track_pid $flapper
	echo "flap: inj2 flaps 2 prefixes every 100 ms next to $N routes, CPU over $FLAP_S s (target: agent <= 3 %):"
	# shellcheck disable=SC2046
	cpu_over "$FLAP_S" $(pids) | sed 's/^/  /'
	wait $flapper
}
phase_rss() {
	echo "agent memory with $N routes (target at 100,000: RSS <= 40 MB): $(grep -E 'VmRSS|VmHWM' "/proc/$(agent_pid agent)/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
	# what the measured agent used: its status lines on the feed and nexthop groups
	note "kernel nexthop objects: agent node $(ip -n "$(ns agent)" nexthop show | wc -l), zebra node $(ip -n "$(ns zebra)" nexthop show | wc -l)"
	agent_status agent 2>&1 | grep -iE 'feed|bmp|nexthop group' | sed 's/^ */# agent status: /'
}

[ -x "$COUNT" ] || { echo "not ok - $COUNT missing (make bench builds it)"; exit 1; }
note "lab N=$N phases:$PHASES load $(load); kernel $(uname -r), nexthop_compat_mode $(cat /proc/sys/net/ipv4/nexthop_compat_mode 2>/dev/null)"
t_lab=$(now_ms)
lab_start || { note "the lab did not come up"; dump_logs; exit 1; }
note "lab up in $(( $(now_ms) - t_lab )) ms"
inj1_up
for p in full change tor idle flap rss; do
	has $p || continue
	note "phase $p (load $(load))"
	"phase_$p"
done
note "lab N=$N done in $(( ($(now_ms) - t_lab) / 1000 )) s, load $(load)"
[ -s "$WORK/count.err" ] && sed 's/^/# /' "$WORK/count.err"
exit 0
