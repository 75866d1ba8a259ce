#!/bin/bash
# timeout: 40
# Bad input gives the spec's error codes as CNI error JSON on stdout (and
# nothing else there), with a non-zero exit.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
ns_add a
GOOD=$(conf errnet '[[{"subnet":"10.244.3.0/24"}]]')

is_error_object() {
	jq -e 'has("cniVersion") and has("msg") and
		(keys - ["cniVersion","code","msg","details"] | length == 0)' <<<"$OUT" >/dev/null
}
# expect DESCRIPTION CODE: the last call failed with CODE and a valid error object.
expect() {
	check_eq "$1: exit status" "$RC" 1
	check_eq "$1: code $2" "$(code)" "$2"
	check "$1: stdout is one JSON error object with msg" is_error_object
}

cni ADD c1 eth0 a '{"cniVersion":"1.0.0", "name":'
expect "truncated JSON" 6
check "decode error names the line" grep -q 'stdin:1:' <<<"$OUT"
cni ADD c1 eth0 a '[1,2]'
expect "JSON that is not an object" 6
cni ADD c1 eth0 a "$(jq -c '.ipam.ranges[0][0].subnet = "10.244.3.1/24"' <<<"$GOOD")"
expect "CIDR with host bits" 7
check "the bad CIDR is quoted" grep -q "10.244.3.1/24" <<<"$OUT"
cni ADD c1 eth0 a "$(jq -c '.ipam.ranges[0][0].subnet = "10.244.300.0/24"' <<<"$GOOD")"
expect "invalid CIDR" 7
cni ADD c1 eth0 a "$(jq -c '.ipam.ranges[0][0].rangeStart = "10.9.9.9"' <<<"$GOOD")"
expect "rangeStart outside the subnet" 7
cni ADD c1 eth0 a "$(jq -c '.mtu = "big"' <<<"$GOOD")"
expect "mtu of the wrong type" 7
check "the key is quoted" grep -q '\\"mtu\\"' <<<"$OUT"
cni ADD c1 eth0 a "$(jq -c 'del(.name)' <<<"$GOOD")"
expect "missing name" 7
cni ADD c1 eth0 a "$(jq -c '.cniVersion = "0.9.9"' <<<"$GOOD")"
expect "unknown cniVersion" 1
cni ADD c1 eth0 a "$(jq -c '.ipMasq = true' <<<"$GOOD")"
expect "ipMasq true (unsupported)" 2
cni ADD 'bad id!' eth0 a "$GOOD"
expect "invalid container id" 4
cni ADD c1 'eth0:1' a "$GOOD"
expect "ifname with a colon" 4
cni ADD c1 abcdefghijklmnop a "$GOOD"
expect "ifname of 16 characters" 4
cni ADD "" eth0 a "$GOOD"
expect "missing CNI_CONTAINERID" 4
cni ADD c1 eth0 "" "$GOOD"
expect "ADD without CNI_NETNS" 4
cni BOGUS c1 eth0 a "$GOOD"
expect "unknown CNI_COMMAND" 4
OUT=$(printf '%s' "$GOOD" | env -i "$BIN" 2>/dev/null); RC=$?
expect "no CNI_COMMAND at all" 4
cni ADD c1 eth0 nosuchpod "$GOOD"
expect "netns that does not exist" 3
cni CHECK c1 eth0 a "$(jq -c '.cniVersion = "0.3.1"' <<<"$GOOD")"
expect "CHECK with 0.3.1" 1
cni GC "" "" "" "$GOOD"
expect "GC with 1.0.0" 1
cni CHECK c1 eth0 a "$GOOD"
expect "CHECK without prevResult" 7
check_eq "no allocation left by the failures" "$(allocations errnet)" 0
check_eq "no veth left by the failures" "$(node_veths)" 0

# Interface already present in the pod: error 103, and the rollback must not
# touch the existing interface.
ip -n "$(ns a)" link add eth0 type veth peer name other0
cni ADD c1 eth0 a "$GOOD"
expect "ifname already taken in the pod" 103
check "the pod's own eth0 is untouched" sh -c "ip -n $(ns a) link show eth0 type veth >/dev/null"
check_eq "allocation rolled back" "$(allocations errnet)" 0

OUT=$(echo '{"cniVersion":"0.4.0"}' | env -i CNI_COMMAND=VERSION "$BIN"); RC=$?
check_eq "VERSION exits 0" "$RC" 0
check_eq "VERSION lists all versions" "$(jq -r '.supportedVersions | join(" ")' <<<"$OUT")" \
	"0.3.0 0.3.1 0.4.0 1.0.0 1.1.0"
check_eq "VERSION answers in the asked version" "$(jq -r .cniVersion <<<"$OUT")" "0.4.0"
finish
