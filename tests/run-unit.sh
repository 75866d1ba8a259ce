#!/bin/sh
# Runs every cmocka unit test binary given; prints one summary line.
# usage: run-unit.sh BUILD_DIR BIN...
build=$1; shift
passed=0; failed=0; failed_names=""
for bin in "$@"; do
	out=$("$bin" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
	if [ "$rc" != 0 ]; then
		[ -z "$f" ] && failed=$((failed + 1))
		failed_names="$failed_names $(basename "$bin")"
	fi
done
echo "unit ($build): $passed passed, $failed failed"
[ -n "$failed_names" ] && echo "unit: failing binaries:$failed_names"
[ "$failed" = 0 ] && [ -z "$failed_names" ]
