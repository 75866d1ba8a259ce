#!/bin/bash
# CNI benchmark (prints figures, asserts nothing about speed): N pods added
# and deleted one after the other with bgp-bridge (built-in IPAM) and with the
# reference bridge + host-local plugins, on identical configurations in
# separate node namespaces. Only the plugin invocations are timed: the pod
# namespaces are created beforehand, and the timing loop runs inside the node
# namespace so no `ip netns exec` is counted.
# It also times bgp-bridge with "syncDelete": true (DEL waits for the kernel to
# remove the veth, like the reference does) and a do-nothing program: the
# fork+exec floor every plugin pays.
# usage: BUILD_DIR=... cni_bench.sh [N]
. "$(dirname "$0")/../lib/testlib.sh"
need_root
N=${1:-${N:-100}}
BIN=$BUILD_DIR/bgp-bridge
W=$(mktemp -d /tmp/cni-bench.XXXXXX)
track_path "$W"
ns_add ours
ns_add sync
ns_add theirs
for i in $(seq 1 "$N"); do ns_add "pod$i" || exit 1; done

config() { # config TYPE IPAM_TYPE BRIDGE
	jq -cn --arg t "$1" --arg it "$2" --arg b "$3" --arg d "$W/ipam-$1" \
		'{cniVersion:"1.0.0", name:"bench", type:$t, bridge:$b, isGateway:true,
		  isDefaultGateway:true,
		  ipam:{type:$it, dataDir:$d, ranges:[[{subnet:"10.244.0.0/16"}]]}}'
}
config bgp-bridge bgp-bridge br-bench >"$W/ours.json"
config bridge host-local br-bench >"$W/theirs.json"

# The timing loop, run inside a node namespace: per pod ADD then, after all
# ADDs, per pod DEL; one "op ms rc" line per invocation (EPOCHREALTIME: no fork).
cat >"$W/loop.sh" <<'LOOP'
plugin=$1 conf=$2 n=$3 lab=$4
export CNI_PATH=/usr/lib/cni CNI_IFNAME=eth0
for op in ADD DEL; do
	for i in $(seq 1 "$n"); do
		export CNI_COMMAND=$op CNI_CONTAINERID=bench-$i CNI_NETNS=/var/run/netns/$lab-pod$i
		t0=$EPOCHREALTIME
		"$plugin" <"$conf" >/dev/null 2>&1
		rc=$?
		t1=$EPOCHREALTIME
		echo "$op $(( (${t1/./} - ${t0/./}) )) $rc"
	done
done
LOOP
nsx ours bash "$W/loop.sh" "$BIN" "$W/ours.json" "$N" "$LAB" >"$W/ours.txt"
nsx theirs bash "$W/loop.sh" /usr/lib/cni/bridge "$W/theirs.json" "$N" "$LAB" >"$W/theirs.txt"
jq -c '.name = "bench-sync" | .syncDelete = true' "$W/ours.json" >"$W/sync.json"
nsx sync bash "$W/loop.sh" "$BIN" "$W/sync.json" "$N" "$LAB" >"$W/sync.txt"
nsx ours bash "$W/loop.sh" /bin/true "$W/ours.json" "$N" "$LAB" >"$W/floor.txt"

# stats FILE OP: "mean median" in ms (from microseconds).
stats() {
	awk -v op="$2" '$1 == op { print $2 }' "$1" | sort -n | awk '
		{ v[NR] = $1; s += $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      printf "%.2f %.2f", s / NR / 1000, m / 1000 }'
}
fails() { awk '$3 != 0' "$1" | wc -l; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f (1/%.1f)", a / b, b / a }'; }
row() { # row LABEL FILE
	local am ad dm dd
	read -r am ad <<<"$(stats "$2" ADD)"
	read -r dm dd <<<"$(stats "$2" DEL)"
	printf '%-30s %9s %10s %9s %10s %8s\n' "$1" "$am" "$ad" "$dm" "$dd" "$(fails "$2")"
}
ratios() { # ratios LABEL FILE: medians against the reference
	local oad odd tad tdd x
	read -r x oad <<<"$(stats "$2" ADD)"; read -r x odd <<<"$(stats "$2" DEL)"
	read -r x tad <<<"$(stats "$W/theirs.txt" ADD)"; read -r x tdd <<<"$(stats "$W/theirs.txt" DEL)"
	echo "$1: ADD $(ratio "$oad" "$tad") (target <= 0.200), DEL $(ratio "$odd" "$tdd") (target <= 0.100)"
}
echo "cni_bench: N=$N pods, sequential ADD then DEL, ms per plugin call"
printf '%-30s %9s %10s %9s %10s %8s\n' plugin "ADD mean" "ADD median" "DEL mean" "DEL median" \
	failures
row "bgp-bridge" "$W/ours.txt"
row "bgp-bridge syncDelete" "$W/sync.txt"
row "bridge + host-local" "$W/theirs.txt"
row "fork+exec floor (/bin/true)" "$W/floor.txt"
echo "ratios of medians, ours / reference:"
ratios "  bgp-bridge           " "$W/ours.txt"
ratios "  bgp-bridge syncDelete" "$W/sync.txt"
sleep 0.5 # asynchronous deletes finishing
echo "leftover veths after DEL: ours $(ip -n "$(ns ours)" -o link show type veth | wc -l)," \
	"syncDelete $(ip -n "$(ns sync)" -o link show type veth | wc -l)," \
	"reference $(ip -n "$(ns theirs)" -o link show type veth | wc -l)"
