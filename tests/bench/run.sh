#!/bin/bash
# Runs every benchmark (tests/bench/*_bench.sh, or those matching $1). They print
# figures and ratios against the reference measured in the same run; they are
# not tests and assert nothing about speed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${BUILD_DIR:?}"
export BUILD_DIR
rc=0
for b in "$here"/*_bench.sh; do
	case "$(basename "$b")" in *"${1:-}"*) ;; *) continue ;; esac
	echo "##### $(basename "$b" .sh)"
	timeout -k 10 1200 bash "$b" || rc=1
done
exit $rc
