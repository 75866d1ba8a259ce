#!/bin/bash
# timeout: 170
# bgp-bridge under valgrind: ADD/CHECK/DEL cycles (built-in IPAM v4 and
# dual-stack, delegated host-local IPAM), GC, STATUS, VERSION and error paths,
# each run exactly as a runtime does. Every invocation must end with zero
# leaks and zero memory errors (valgrind exit code 99 otherwise).
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../integration/cni_lib.inc"
need_root
command -v valgrind >/dev/null || { not_ok "valgrind is not installed"; finish; exit 1; }
ns_add node
for p in a b c; do ns_add "$p"; done
VG="valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
--child-silent-after-fork=yes --log-file=$CNI_DIR/vg.%p"

# vg COMMAND CONTAINERID IFNAME POD CONF: like cni(), under valgrind.
vg() {
	local netns=""
	[ -n "$4" ] && netns=/var/run/netns/$(ns "$4")
	OUT=$(printf '%s' "$5" | ip netns exec "$(ns node)" env -i PATH="$PATH" \
		CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_IFNAME="$3" CNI_NETNS="$netns" \
		CNI_PATH=/usr/lib/cni $VG "$BIN" 2>>"$CNI_DIR/stderr")
	RC=$?
}
clean() { # clean WHAT EXPECTED_RC
	check_eq "$1: exit $2 (99 = valgrind found errors or leaks)" "$RC" "$2"
}

V4=$(conf vgnet '[[{"subnet":"10.244.11.0/24"}]]' '{"cniVersion":"1.1.0"}')
DS=$(conf vgds '[[{"subnet":"10.244.12.0/24"}],[{"subnet":"fd00:10:244:12::/64"}]]')
HL=$(jq -c --arg d "$CNI_DIR/hl" '.ipam = {type:"host-local", dataDir:$d,
	ranges:[[{subnet:"10.244.13.0/24"}]]} | .name = "vghl" | .bridge = "br-vghl"' <<<"$V4")
for cfg in V4 DS HL; do
	c=${!cfg}
	for p in a b; do
		vg ADD "vg-$p" eth0 "$p" "$c"; clean "$cfg ADD pod $p" 0
		R=$OUT
		vg CHECK "vg-$p" eth0 "$p" "$(with_prev "$c" "$R")"; clean "$cfg CHECK pod $p" 0
		vg DEL "vg-$p" eth0 "$p" "$(with_prev "$c" "$R")"; clean "$cfg DEL pod $p" 0
	done
done
vg ADD vg-c eth0 c "$V4"
vg ADD vg-c eth0 b "$V4"; clean "repeated ADD refused (105)" 1
vg ADD "c$(printf '%300s' '' | tr ' ' x)" eth0 b "$V4"; clean "ADD with a 301-character id" 1
vg GC "" "" "" "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$V4")"; clean "GC" 0
vg STATUS "" "" "" "$V4"; clean "STATUS" 0
vg DEL vg-c eth0 c "$V4"; clean "DEL after GC" 0
vg VERSION "" "" "" '{"cniVersion":"1.0.0"}'; clean "VERSION" 0
vg ADD vg-a eth0 a '{"cniVersion":'; clean "ADD with malformed JSON" 1
vg ADD vg-a eth0 a "$(jq -c '.ipam.ranges[0][0].subnet = "10.1.1.1/24"' <<<"$V4")"
clean "ADD with a bad CIDR" 1
vg ADD vg-a eth0 nosuchpod "$V4"; clean "ADD with a missing netns" 1
vg CHECK vg-a eth0 a "$V4"; clean "CHECK without prevResult" 1
ip -n "$(ns a)" link add eth0 type veth peer name other0
vg ADD vg-a eth0 a "$V4"; clean "ADD rolled back (eth0 taken)" 1
vg ADD vg-a eth0 a "$HL"; clean "ADD rolled back with host-local" 1
check_eq "no valgrind reports" "$(cat "$CNI_DIR"/vg.* 2>/dev/null | grep -c '==')" 0
cat "$CNI_DIR"/vg.* 2>/dev/null | head -40
finish
