#!/bin/bash
# The whole suite, as `make test` runs it: dependencies, the plain build with
# unit + integration tests, the same under ASan/UBSan (plus the fuzz smoke
# run of every parser), then valgrind on the
# binaries, then the container image in a podman lab. Ends with one "N passed, N failed" line over everything.
set -u
cd "$(dirname "$0")/.."
total_p=0; total_f=0; status=0
step() { # step NAME COMMAND...; adds the step's "N passed, N failed" to the totals
	local log line p f rc
	log=$(mktemp)
	echo "##### $1"
	shift
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	rm -f "$log"
	p=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	# A step that failed without counting a failure (a build error) counts as one.
	[ "$rc" != 0 ] && [ "${f:-0}" = 0 ] && f=1
	[ "$rc" != 0 ] && status=1
	total_p=$((total_p + ${p:-0})); total_f=$((total_f + ${f:-0}))
}
.ci/deps.sh || exit 1
start=$(date +%s)
step "build" make -s all
step "unit tests" make -s unit
step "integration tests" make -s integration
step "sanitizer build (ASan+UBSan)" make -s SANITIZE=1 all
step "unit tests under ASan+UBSan" make -s SANITIZE=1 unit
# Every parser's fuzz harness over its corpus + mutations; <= 5 s each (FUZZ_SMOKE_SECONDS).
step "fuzz smoke under ASan+UBSan" make -s SANITIZE=1 fuzz-smoke
step "integration tests under ASan+UBSan" make -s SANITIZE=1 integration
step "valgrind" make -s valgrind
# The image and its lab (podman); the base image is kept between runs.
step "image" make -s image-test
echo "##### suite took $(( $(date +%s) - start ))s"
echo "all: $total_p passed, $total_f failed"
exit $status
