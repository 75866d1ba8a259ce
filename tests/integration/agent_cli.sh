#!/bin/bash
# timeout: 60
# The bgp-agent command line without a running daemon: check-config exit
# codes and FILE:LINE messages, render determinism, --help/--version and
# usage errors (exit 2, usage on stderr). Touches no network state.
. "$(dirname "$0")/../lib/testlib.sh"
AGENT=$BUILD_DIR/bgp-agent
tmp=$(mktemp -d /tmp/agent-cli.XXXXXX)
track_path "$tmp"

# run CMD...: sets rc, out (stdout), err (stderr)
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }

run "$AGENT" check-config -c "$REPO/config/agent.conf"
check_eq "check-config: the documented example passes" "$rc" 0
check "check-config: says OK on stdout" grep -q "configuration OK" "$tmp/out"

cat >"$tmp/bad.conf" <<'CONF'
node = {
  name = "n1";
  address = "192.168.1.11";
  asn = 4294967296;
  pods_cidr = [ "10.244.1.0/24" ];
};
cluster = { pod_cidrs = [ "10.244.0.0/16" ]; };
peers = (
  { name = "tor"; address = "192.168.1.300"; asn = 65000; }
);
CONF
run "$AGENT" check-config -c "$tmp/bad.conf"
check_eq "check-config: a bad file exits 2" "$rc" 2
check_eq "check-config: nothing on stdout for a bad file" "$out" ""
check "check-config: ASN error at line 4" grep -q "^$tmp/bad.conf:4: node.asn: 4294967296 is out of range" "$tmp/err"
check "check-config: typo reported at line 5 with a hint" \
	grep -q "^$tmp/bad.conf:5: unknown key \"pods_cidr\" in node (did you mean \"pod_cidrs\"?)" "$tmp/err"
check "check-config: missing key reported at the group (line 1)" \
	grep -q "^$tmp/bad.conf:1: node: missing required key \"pod_cidrs\"" "$tmp/err"
check "check-config: bad peer address at line 9" grep -q "^$tmp/bad.conf:9: peers.0.address: " "$tmp/err"
check_eq "check-config: all four errors in one run" "$(wc -l <"$tmp/err")" 4

printf 'node = {\n  name = "n1"\n  asn = ;\n};\n' >"$tmp/syntax.conf"
run "$AGENT" check-config -c "$tmp/syntax.conf"
check_eq "check-config: syntax error exits 2" "$rc" 2
check "check-config: syntax error names file:line" grep -q "^$tmp/syntax.conf:3: syntax error" "$tmp/err"

run "$AGENT" check-config -c "$tmp/missing.conf"
check_eq "check-config: missing file exits 2" "$rc" 2
check "check-config: missing file named" grep -q "^$tmp/missing.conf: cannot open" "$tmp/err"

{ cat "$REPO/tests/golden/render/dual-stack.conf"; echo "frr = { templates = \"$REPO/frr-templates\"; };"; } >"$tmp/ds.conf"
run "$AGENT" render -c "$tmp/ds.conf"
check_eq "render: exits 0" "$rc" 0
cp "$tmp/out" "$tmp/render1"
run "$AGENT" render -c "$tmp/ds.conf"
check "render: byte-identical on a second run" cmp -s "$tmp/out" "$tmp/render1"
check "render: prints router bgp" grep -qx "router bgp 4200000013" "$tmp/out"
check "render: hostname is the machine's" grep -qx "hostname $(hostname)" "$tmp/out"
run "$AGENT" render -c "$tmp/bad.conf"
check_eq "render: bad config exits 2" "$rc" 2
check_eq "render: bad config prints nothing on stdout" "$out" ""
sed 's|frr-templates"|no-such-dir"|' "$tmp/ds.conf" >"$tmp/notmpl.conf"
run "$AGENT" render -c "$tmp/notmpl.conf"
check_eq "render: missing template exits 2" "$rc" 2
check "render: missing template named" grep -q "no-such-dir/frr.conf.tmpl: cannot read template" "$tmp/err"

run "$AGENT" --version
check_eq "--version: exits 0" "$rc" 0
check_eq "--version: prints the version" "$out" "bgp-agent $(cat "$REPO/VERSION")"
for args in "--help" "-h" "check-config --help" "render -h" "status --help"; do
	run "$AGENT" $args
	check_eq "$args: exits 0" "$rc" 0
	check "$args: usage on stdout" grep -q "^usage: bgp-agent" "$tmp/out"
done
for args in "" "frobnicate" "--bogus" "check-config --bogus" "render -x" "check-config extra" \
	"render --json" "check-config -c"; do
	run "$AGENT" $args
	check_eq "'$args': usage error exits 2" "$rc" 2
	check "'$args': usage on stderr" grep -q "^usage: bgp-agent" "$tmp/err"
	check_eq "'$args': nothing on stdout" "$out" ""
done
finish
