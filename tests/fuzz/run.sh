#!/bin/bash
# Runs fuzz harnesses, each over its corpus tests/fuzz/corpus/NAME (NAME is
# the binary's name without "fuzz_"); each harness is one test.
#   run.sh smoke ITERATIONS SECONDS BIN...   the gcc driver (fuzz_driver.c)
#   run.sh libfuzzer SECONDS 0 BIN...        libFuzzer, SECONDS per harness
# Ends with "fuzz: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
mode=$1 arg1=$2 arg2=$3
shift 3
passed=0 failed=0
# Known leaks inside libraries (see the file); our own code is not suppressed.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for bin in "$@"; do
	name=$(basename "$bin")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	log=$(mktemp)
	if [ "$mode" = smoke ]; then
		"$bin" "$seeds" "$arg1" "$arg2" >"$log" 2>&1
	else
		work=$(dirname "$(dirname "$bin")")/corpus/${name#fuzz_}
		mkdir -p "$work"
		"$bin" -max_total_time="$arg1" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="${bin%/fuzz/*}/crash-$name-" "$work" "$seeds" >"$log" 2>&1
	fi
	rc=$?
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		if [ "$mode" = smoke ]; then
			tail -n1 "$log"
		else
			echo "$name: $(ls "$work" | wc -l) corpus inputs," \
				"$(sed -n 's/.*stat::number_of_executed_units: *//p' "$log") runs, 0 crashes"
		fi
	else
		failed=$((failed + 1))
		echo "$name: FAILED (exit $rc)"
		tail -n 40 "$log"
	fi
	rm -f "$log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
