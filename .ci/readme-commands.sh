#!/bin/sh
# Prints the README's first-screen commands, one a line, exactly as written:
# the lines of README.md's first ```sh block. Exits 1 unless there are exactly
# two, one running `make demo` and one `make test` (what .ci/run executes).
set -eu
readme=${1:-"$(dirname "$0")/../README.md"}
cmds=$(awk '/^```sh$/ && !seen { inblock = 1; seen = 1; next }
	inblock && /^```/ { exit }
	inblock && NF { print }' "$readme")
n=$(printf '%s\n' "$cmds" | grep -c .) || true
if [ "$n" != 2 ] || ! printf '%s\n' "$cmds" | grep -q 'make demo' ||
	! printf '%s\n' "$cmds" | grep -q 'make test'; then
	echo "readme-commands: $readme's first \`\`\`sh block must hold exactly two" \
		"commands, one with 'make demo' and one with 'make test' (found $n)" >&2
	exit 1
fi
printf '%s\n' "$cmds"
