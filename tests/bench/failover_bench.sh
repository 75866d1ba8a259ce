#!/bin/bash
# What a failure costs (prints figures, asserts nothing): the failures of the
# failure tests (tests/lab/fabric_failures.sh) on one fabric lab (two ToRs,
# three dual-homed nodes), each repeated REPEAT times (default 5) with the probe
# flow (tests/lib/probe.py: 8 UDP flows each way between node1-pod1 and
# node2-pod1, a packet per flow every 10 ms). Per failure: lost packets (both
# directions together) and the longest gap of one flow, min/median/max,
# against the targets of README.md's "What a failure costs". FAILURES="..."
# picks some (names in tests/lab/fabric_failures.sh).
# The lab is bounded by `timeout` (run.sh) and removed on every exit.
LAB=fo$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
need_root
REPEAT=${REPEAT:-5}
on_cleanup lab_down

# min_med_max N...: "min/median/max" of the numbers.
min_med_max() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%d/%d/%d", v[1], v[int((NR + 1) / 2)], v[NR] }'
}
failure_target() {
	case "$1" in
	tor-freeze) echo "gap <= 350 ms" ;;
	uplink-cut) echo "gap <= 50 ms" ;;
	node-gone) echo "0 lost (other nodes)" ;;
	*) echo "0 lost" ;;
	esac
}

echo "# $(date -u '+%F %T UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
echo "# settings: $(failure_settings); $REPEAT runs each"
if ! failure_lab_up 3; then
	echo "# fabric lab did not come up"
	lab_dump
	exit 1
fi
printf '%-17s %-16s %-16s %-14s %s\n' failure "lost min/med/max" "gap ms min/med/max" "outcome ms med" target
for f in $FAILURES; do
	lost=() gap=() took=() bad=0
	for _ in $(seq "$REPEAT"); do
		failure_run "$f"
		[ "$FAIL_OK" = 1 ] || bad=$((bad + 1))
		lost+=("$FAIL_LOST") gap+=("$FAIL_GAP") took+=("$FAIL_MS")
	done
	note=""
	[ "$bad" -gt 0 ] && note=" ($bad runs without the expected outcome)"
	printf '%-17s %-16s %-18s %-14s %s%s\n' "$f" "$(min_med_max "${lost[@]}")" \
		"$(min_med_max "${gap[@]}")" "$(min_med_max "${took[@]}" | cut -d/ -f2)" \
		"$(failure_target "$f")" "$note"
done
exit 0
