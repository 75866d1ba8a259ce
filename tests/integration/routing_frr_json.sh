#!/bin/bash
# timeout: 240
# The agent's FRR readers against a live FRR 8.4: captures fresh JSON from
# real bgpd sessions (tests/unit/fixtures/frr/capture.sh: three peers, ECMP,
# BGP unnumbered, IPv6, routes the import policy must refuse, a withdraw, a
# session going down) and runs the bgp_rib/bgp_peers unit tests on it instead
# of the committed fixtures; then runs the frr_vty client against a live
# bgpd's vty socket. Checks that FRR's answers still have the shape the
# parsers were written for, and what import-check and the table version do.
. "$(dirname "$0")/../lib/testlib.sh"
need_root

# The unit test binaries of this build (built here if `make unit` did not run).
unit_bin() {
	local bin=$BUILD_DIR/tests/$1 san=0
	case "$(basename "$BUILD_DIR")" in *san*) san=1 ;; esac
	[ -x "$bin" ] || make -s -C "$REPO" SANITIZE=$san BUILD="$BUILD_DIR" "$bin" >&2
	echo "$bin"
}

out=$(mktemp -d /tmp/routing-frr-json.XXXXXX)
track_path "$out"
log=$out/capture.log
if LAB=$LAB-c "$REPO/tests/unit/fixtures/frr/capture.sh" "$out/frr" >"$log" 2>&1; then
	ok "captured JSON from live bgpd sessions"
else
	not_ok "capture failed:"; sed 's/^/# /' "$log" | tail -n 20
fi
check "import-check: no advertisement without a route for the pod CIDR" \
	bash -c "! grep -q 'WITHOUT a route' '$log'"
for p in 10.244.1.0/24 fd00:10:244:1::/64; do
	check "import-check: the agent's unreachable anchor route (proto 52) makes bgpd advertise $p" \
		grep -q "the anchor route made n1 advertise $p" "$log"
done
line=$(grep '^table version:' "$log")
note "$line"
v0=$(echo "$line" | sed -n 's/.*steady "tableVersion":\([0-9]*\) -> .*/\1/p')
v1=$(echo "$line" | sed -n 's/.* -> "tableVersion":\([0-9]*\) (2 s later).*/\1/p')
v2=$(echo "$line" | sed -n 's/.*withdraw: "tableVersion":\([0-9]*\).*/\1/p')
check_eq "table version stays the same in steady state" "${v1:-x}" "${v0:-y}"
check "table version moves when a prefix is withdrawn" test "${v2:-0}" -gt "${v0:-0}"

for t in test_bgp_rib test_bgp_peers; do
	bin=$(unit_bin $t)
	if BGP_FIXTURE_DIR=$out "$bin" >"$out/$t.log" 2>&1; then
		ok "$t passes on freshly captured JSON ($(grep -o '[0-9]* test(s) run' "$out/$t.log" | head -1))"
	else
		not_ok "$t on freshly captured JSON"; sed 's/^/# /' "$out/$t.log" | tail -n 20
	fi
done

# frr_vty against a live bgpd: view node, enable/configure, unknown commands.
cat >"$out/v.conf" <<EOC
frr defaults datacenter
hostname v
router bgp 65001
 bgp router-id 192.168.1.11
 neighbor 192.168.1.1 remote-as 65000
EOC
ns_add v && frr_start v "$out/v.conf" -n || not_ok "starting FRR"
bin=$(unit_bin test_frr_vty)
# Exit 0 and the live group really ran (not just the fake-daemon tests).
if BGP_TEST_VTY_DIR=$(frr_dir v) "$bin" >"$out/vty.log" 2>&1 &&
	grep -q 'OK \] test_live_nodes' "$out/vty.log"; then
	ok "frr_vty against a live bgpd's vty socket"
else
	not_ok "frr_vty against a live bgpd"; sed 's/^/# /' "$out/vty.log" | tail -n 20
fi
finish
