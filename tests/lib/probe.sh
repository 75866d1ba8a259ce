# A probe flow between two pods in both directions (source after testlib.sh):
# numbered UDP packets every 10 ms (tests/lib/probe.py), measured at the
# receiver. Used by the failure tests and tests/bench/failover_bench.sh.
#
#   probe_start A_NS A_IP B_NS B_IP   starts A->B and B->A; returns once
#                                     packets arrive both ways (at most 10 s)
#   probe_stop                        stops both; sets PROBE_AB and PROBE_BA to
#                                     "sent received lost longest_gap_ms"
#   probe_lost / probe_gap            the sum of lost packets / the longest gap
#                                     of both directions
# Its processes are tracked (killed on every exit); its files live in a
# temporary directory that is removed on exit.

PROBE_PY=$REPO/tests/lib/probe.py
PROBE_PORT=47000
PROBE_DEADLINE=120 # a receiver never outlives this many seconds
_probe_dir=""
_probe_pids=()

_probe_dir_make() {
	[ -n "$_probe_dir" ] && return 0
	_probe_dir=$(mktemp -d /tmp/probe.XXXXXX) && track_path "$_probe_dir"
}
# _probe_one NAME SRC_NS DST_NS DST_IP: one direction; receiver first.
_probe_one() {
	local pid
	rm -f "$_probe_dir/$1" "$_probe_dir/$1.flowing"
	ip netns exec "$3" python3 "$PROBE_PY" recv "$PROBE_PORT" "$_probe_dir/$1" "$PROBE_DEADLINE" &
	pid=$!; track_pid "$pid"; _probe_pids+=("$pid")
	sleep 0.2
	ip netns exec "$2" python3 "$PROBE_PY" send "$4" "$PROBE_PORT" &
	pid=$!; track_pid "$pid"; _probe_pids+=("$pid")
	eval "_probe_sender_$1=$pid"
}
probe_start() {
	_probe_dir_make || return 1
	_probe_pids=()
	_probe_one ab "$1" "$3" "$4"
	_probe_one ba "$3" "$1" "$2"
	# Both flows arrive before the caller breaks something.
	wait_until 10 test -e "$_probe_dir/ab.flowing" -a -e "$_probe_dir/ba.flowing" || return 1
	sleep 0.2
}
probe_stop() {
	local p
	kill -TERM "$_probe_sender_ab" "$_probe_sender_ba" 2>/dev/null
	# A receiver whose END got lost stops on SIGTERM 2 s later.
	wait_until 2 test -s "$_probe_dir/ab" -a -s "$_probe_dir/ba"
	for p in "${_probe_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait "${_probe_pids[@]}" 2>/dev/null
	PROBE_AB=$(cat "$_probe_dir/ab" 2>/dev/null || echo "0 0 0 0")
	PROBE_BA=$(cat "$_probe_dir/ba" 2>/dev/null || echo "0 0 0 0")
}
probe_lost() { echo $(( $(cut -d' ' -f3 <<<"$PROBE_AB") + $(cut -d' ' -f3 <<<"$PROBE_BA") )); }
probe_gap() {
	local a b; a=$(cut -d' ' -f4 <<<"$PROBE_AB"); b=$(cut -d' ' -f4 <<<"$PROBE_BA")
	echo $(( a > b ? a : b ))
}
# probe_summary: one line for a test's log.
probe_summary() {
	echo "a->b sent/received/lost/gap ms: $PROBE_AB; b->a: $PROBE_BA"
}
