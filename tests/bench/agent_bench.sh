#!/bin/bash
# The route-path benchmark (prints figures, asserts nothing): bgp-agent with a
# `bgp no-rib` bgpd side by side with plain FRR installing through zebra, fed
# by the same injectors in one run (route_lab.sh has the lab and the method).
#   N=10,000:  full table (ROUNDS), one change (CHANGES), ToR down (TOR_ROUNDS),
#              idle CPU (IDLE_S), memory
#   N=1,000:   ToR down (time must not grow with the number of routes)
#   FLAP_N=50,000: a peer flapping two prefixes every 100 ms, CPU (FLAP_S)
#   BIG_N=100,000: full table once and memory (BIG=0 skips it)
# Each lab is bounded by `timeout` and removes its namespaces and processes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-10000} SMALL_N=${SMALL_N:-1000} FLAP_N=${FLAP_N:-50000} BIG_N=${BIG_N:-100000}
lab() { timeout -k 10 "$1" bash "$here/route_lab.sh" "${@:2}" || echo "# lab ${*:2} failed or timed out"; }
echo "# $(date -u '+%F %T UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null)"
lab 240 "$N" full change tor idle rss
lab 90 "$SMALL_N" tor
lab 150 "$FLAP_N" flap
[ "${BIG:-1}" = 1 ] && ROUNDS=1 lab 200 "$BIG_N" full rss
exit 0
