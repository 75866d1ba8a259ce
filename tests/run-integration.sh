#!/bin/bash
# Runs test scripts (tests/integration/*.sh, or tests/$SUITE/*.sh), each in its
# own process with a time bound ("# timeout: N" in the script, default 180 s),
# and sums their "ok"/"not ok" lines.
# usage: BUILD_DIR=… [SUITE=valgrind] run-integration.sh [test-name-pattern]
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${BUILD_DIR:?BUILD_DIR must name the build directory}"
export BUILD_DIR
pattern=${1:-}
passed=0; failed=0; broken=""
logdir=$(mktemp -d /tmp/bgp-agent-it.XXXXXX)
suite=${SUITE:-integration}
for t in "$here/$suite"/*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in *"$pattern"*) ;; *) continue ;; esac
	limit=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$t" | head -n1)
	start=$(date +%s)
	echo "=== $name (limit ${limit:-180}s)"
	timeout -k 10 "${limit:-180}" bash "$t" >"$logdir/$name.log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$logdir/$name.log")
	f=$(grep -c '^not ok ' "$logdir/$name.log")
	grep -E '^(ok|not ok) |^#' "$logdir/$name.log"
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$rc" != 0 ] || [ "$p" = 0 ]; then
		[ "$f" = 0 ] && failed=$((failed + 1))
		broken="$broken $name"
		echo "--- $name exited $rc after $(( $(date +%s) - start ))s; last lines:"
		tail -n 30 "$logdir/$name.log"
	fi
	echo "=== $name: $(( $(date +%s) - start ))s"
done
echo "$suite ($(basename "$BUILD_DIR")): $passed passed, $failed failed"
[ -n "$broken" ] && echo "$suite: failing scripts:$broken (logs in $logdir)"
[ -z "$broken" ] && [ "$failed" = 0 ] && rm -rf "$logdir"
[ -z "$broken" ] && [ "$failed" = 0 ]
