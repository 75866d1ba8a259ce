#!/bin/bash
# Benchmark (prints figures; asserts nothing). One injector FRR (AS 65000)
# advertises N (default 10,000) /24s inside the cluster CIDR 10.0.0.0/8 to two
# nodes at the same moment:
#   agent  FRR with `bgp no-rib` (rendered by the agent) + bgp-agent -> kernel
#   zebra  plain FRR: bgpd -> zebra -> kernel (the reference)
# Measured: (1) time from bgpd holding all N prefixes to all N in the kernel,
# for both; (2) latency of one withdraw and one re-add with N installed, from
# bgpd having the change to the kernel having it; (3) agent CPU while idle for
# 30 s; (4) agent RSS. bgpd's moments come from polling its vty socket every
# few ms (vty_poll.py); the kernel's from `ip -ts monitor route`.
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root
HERE=$(cd "$(dirname "$0")" && pwd)
N=${N:-10000}
IDLE_S=${IDLE_S:-30}
CHANGE=10.1.5.0/24

prefixes() { local i; for ((i = 0; i < N; i++)); do echo "10.$((1 + i / 256)).$((i % 256)).0/24"; done; }

inj_conf() {
	{
		printf 'frr defaults datacenter\nhostname inj\n!\nrouter bgp 65000\n'
		printf ' bgp router-id 192.168.1.1\n no bgp ebgp-requires-policy\n no bgp network import-check\n'
		printf ' neighbor 192.168.1.11 remote-as 65001\n neighbor 192.168.1.11 shutdown\n'
		printf ' neighbor 192.168.1.12 remote-as 65002\n neighbor 192.168.1.12 shutdown\n'
		printf ' address-family ipv4 unicast\n'
		prefixes | sed 's/^/  network /'
		printf ' exit-address-family\nexit\n!\n'
	} >"$WORK/inj-frr.conf"
	echo "$WORK/inj-frr.conf"
}
zebra_conf() {
	printf '%s\n' 'frr defaults datacenter' 'hostname zebra' '!' 'router bgp 65002' \
		' bgp router-id 192.168.1.12' ' no bgp ebgp-requires-policy' \
		' neighbor 192.168.1.1 remote-as 65000' ' address-family ipv4 unicast' \
		'  neighbor 192.168.1.1 activate' ' exit-address-family' 'exit' >"$WORK/zebra-frr.conf"
	echo "$WORK/zebra-frr.conf"
}

# kernel_time FILE PATTERN [Deleted]: time (epoch s) of the last matching
# `ip -ts monitor` line (adds, or deletes with the 3rd argument).
kernel_time() {
	python3 - "$@" <<'PY'
import re, sys, datetime
path, pat = sys.argv[1], re.compile(sys.argv[2])
want_del = len(sys.argv) > 3
last = None
for line in open(path):
    m = re.match(r"\[([0-9T:.-]+)\] (Deleted )?(.*)", line)
    if not m or bool(m.group(2)) != want_del or not pat.search(m.group(3)):
        continue
    last = datetime.datetime.fromisoformat(m.group(1)).timestamp()
print("%.6f" % last if last is not None else "nan")
PY
}
ms() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.0f' % ((b-a)*1000) if a == a and b == b else 'nan')" "$1" "$2"; }
count_kernel() { ip -n "$(ns "$1")" route show proto "$2" | grep -c '^10\.' ; }

lan_up
for n in inj agent zebra; do ns_add $n; done
lan_attach inj 192.168.1.1/24
lan_attach agent 192.168.1.11/24
lan_attach zebra 192.168.1.12/24
note "starting the injector with $N network statements"
frr_start inj "$(inj_conf)"
frr_start zebra "$(zebra_conf)"
frr_start agent "$(frr_bootstrap agent)" -n
cat >"$WORK/agent.conf" <<CONF
node = { name = "agent"; address = "192.168.1.11"; asn = 65001; pod_cidrs = [ "10.250.0.0/24" ]; };
cluster = { pod_cidrs = [ "10.0.0.0/8" ]; node_mask_v4 = 24; };
peers = ( { name = "inj"; address = "192.168.1.1"; asn = 65000; max_prefixes = 100000; } );
frr = { pathspace = "$(ns agent)"; templates = "$REPO/frr-templates"; };
kernel = { table = 254; resync_interval = 60; grace_period = 30; };
cni = { conflist = ""; };
log = { level = "info"; };
control = { socket = "$WORK/agent.sock"; };
CONF
agent_start agent
wait_until 60 sh -c "ip netns exec $(ns agent) vtysh -N $(ns agent) -c 'show bgp summary' | grep -q 192.168.1.1" ||
	{ note "the agent did not configure its FRR"; dump_logs; exit 1; }
sleep 2

for n in agent zebra; do
	ip netns exec "$(ns $n)" ip -ts monitor route >"$WORK/mon-$n.txt" 2>&1 &
	track_pid $!
	python3 "$HERE/vty_poll.py" "$(frr_dir $n)/bgpd.vty" count 192.168.1.1 "$N" >"$WORK/bgp-$n.txt" &
	track_pid $!
	eval "poll_$n=$!"
done
sleep 0.5
note "opening both sessions at once"
vty inj "configure terminal" "router bgp 65000" "no neighbor 192.168.1.11 shutdown" \
	"no neighbor 192.168.1.12 shutdown" >/dev/null
# shellcheck disable=SC2154
wait "$poll_agent" "$poll_zebra"
wait_until 120 sh -c "[ \$(ip -n $(ns agent) route show proto 52 | grep -c '^10\.') -ge $N ]"
wait_until 120 sh -c "[ \$(ip -n $(ns zebra) route show proto bgp | grep -c '^10\.') -ge $N ]"
sleep 1
note "kernel: agent node $(count_kernel agent 52) routes (proto 52), zebra node $(count_kernel zebra bgp) routes (proto bgp)"
for n in agent zebra; do
	b=$(cat "$WORK/bgp-$n.txt")
	proto='52|bgp-agent'; [ $n = zebra ] && proto=bgp
	k=$(kernel_time "$WORK/mon-$n.txt" "^10\\..* proto ($proto)( |\$)")
	eval "full_$n=$(ms "$b" "$k")"
done
# shellcheck disable=SC2154
echo "full table ($N prefixes), bgpd has all -> kernel has all: agent ${full_agent} ms, zebra ${full_zebra} ms, ratio agent/zebra $(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / max(float(sys.argv[2]), 1)))" "$full_agent" "$full_zebra")"

# --- one change with N installed -------------------------------------------------
one_change() { # $1 = withdraw|add
	local n state cmd del=""
	if [ "$1" = withdraw ]; then state=absent; cmd="no network $CHANGE"; del=Deleted
	else state=present; cmd="network $CHANGE"; fi
	for n in agent zebra; do
		python3 "$HERE/vty_poll.py" "$(frr_dir $n)/bgpd.vty" prefix "$CHANGE" "$state" >"$WORK/chg-$n.txt" &
		eval "cpoll_$n=$!"
	done
	sleep 0.3
	vty inj "configure terminal" "router bgp 65000" "address-family ipv4 unicast" "$cmd" >/dev/null
	# shellcheck disable=SC2154
	wait "$cpoll_agent" "$cpoll_zebra"
	sleep 1.5
	for n in agent zebra; do
		proto='52|bgp-agent'; [ $n = zebra ] && proto=bgp
		eval "chg_$n=$(ms "$(cat "$WORK/chg-$n.txt")" "$(kernel_time "$WORK/mon-$n.txt" "^${CHANGE//./\\.} .*proto ($proto)( |\$)" $del)")"
	done
	# shellcheck disable=SC2154
	note "one route $1 with $N installed, bgpd -> kernel: agent ${chg_agent} ms, zebra ${chg_zebra} ms"
	lat_agent="$lat_agent $chg_agent"; lat_zebra="$lat_zebra $chg_zebra"
}
# min / median / max of a list of numbers
stats() { python3 -c "import sys, statistics as s; v=sorted(float(x) for x in sys.argv[1:]); print('min %.0f / median %.0f / max %.0f ms' % (v[0], s.median(v), v[-1]))" "$@"; }
lat_agent=""; lat_zebra=""
for ((round = 0; round < ${CHANGES:-5}; round++)); do
	one_change withdraw
	one_change add
done
# shellcheck disable=SC2086
echo "one route change with $N installed ($(( ${CHANGES:-5} * 2 )) changes), bgpd -> kernel: agent $(stats $lat_agent), zebra $(stats $lat_zebra)"

# --- idle CPU and memory ------------------------------------------------------------
pid=$(agent_pid agent)
hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pct() { python3 -c "import sys; print('%.2f%%' % ((int(sys.argv[2]) - int(sys.argv[1])) / $hz / (($t1 - $t0) / 1000) * 100))" "$1" "$2"; }
bgpd_agent=$(cat "$(frr_dir agent)/bgpd.pid"); bgpd_zebra=$(cat "$(frr_dir zebra)/bgpd.pid")
c0=$(ticks "$pid"); b0=$(ticks "$bgpd_agent"); z0=$(ticks "$bgpd_zebra"); t0=$(now_ms)
sleep "$IDLE_S"
c1=$(ticks "$pid"); b1=$(ticks "$bgpd_agent"); z1=$(ticks "$bgpd_zebra"); t1=$(now_ms)
echo "idle CPU over $(( (t1 - t0) / 1000 )) s: agent $(pct "$c0" "$c1") ($((c1 - c0)) ticks); bgpd it polls $(pct "$b0" "$b1"); bgpd of the zebra node $(pct "$z0" "$z1")"
echo "agent memory: $(grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
grep -E 'routes: [0-9]+ added' "$WORK/agent-agent.log" | head -n 3 | sed 's/^/# agent log: /'
