#!/bin/bash
# timeout: 240
# Every golden config, rendered by `bgp-agent render`, is accepted by real FRR
# 8.4 (zebra + bgpd in a namespace): the running config holds it line for line,
# bgpd logs no config errors, and frr-reload.py --test finds nothing to change
# (an unchanged config reloads as a no-op). Then one peer is added: the diff
# holds only that peer's lines, --reload applies it, and the diff is empty again.
. "$(dirname "$0")/../lib/testlib.sh"
need_root
AGENT=$BUILD_DIR/bgp-agent
GOLDEN=$REPO/tests/golden/render
tmp=$(mktemp -d /tmp/render-frr.XXXXXX)
track_path "$tmp"

# render NAME SRC: SRC config + the repo's templates -> $tmp/NAME.conf, $tmp/NAME.frr
render() {
	{ cat "$2"; echo "frr = { templates = \"$REPO/frr-templates\"; };"; } >"$tmp/$1.conf"
	"$AGENT" render -c "$tmp/$1.conf" >"$tmp/$1.frr"
}
reload_test() { nsx "$1" /usr/lib/frr/frr-reload.py --pathspace "$(ns "$1")" --test "$2" 2>&1; }
# The running config without vtysh's preamble and version line, and the
# rendered file without its comment header: these must be identical.
running_body() { vty "$1" "show running-config" | sed -e '1,/^Current configuration:/d' | grep -v '^frr version'; }
rendered_body() { grep -v '^! Rendered by' "$1" | sed '1i !'; }
# bgpd reads the whole file and cannot know bfdd's block (the last one):
# errors from there on are not bgpd's; bfdd reads only that block.
config_errors() {
	local bfd_line; bfd_line=$(grep -n '^bfd$' "$2" | cut -d: -f1)
	grep -hE 'No such command|Unknown command|Command incomplete|config line' "$(frr_dir "$1")/bgpd.log" |
		awk -v from="${bfd_line:-999999}" '{ if (match($0, /config line [0-9]+/) && substr($0, RSTART + 12, RLENGTH - 12) + 0 >= from) next; print }'
	grep -hE 'No such command|Unknown command|Command incomplete|config line' "$(frr_dir "$1")/bfdd.log"
}

for conf in "$GOLDEN"/*.conf; do
	name=$(basename "$conf" .conf)
	note "--- $name"
	check "$name: render exits 0" render "$name" "$conf" || continue
	ns_add "$name"
	# Unnumbered peers need their links to exist.
	for ifn in $(sed -n 's/.*interface = "\([^"]*\)".*/\1/p' "$conf"); do
		ip -n "$(ns "$name")" link add "$ifn" type veth peer name "$ifn-p" &&
			ip -n "$(ns "$name")" link set "$ifn" up
	done
	check "$name: FRR starts with the rendered config" frr_start "$name" "$tmp/$name.frr" -M bmp
	asn=$(sed -n 's/^router bgp //p' "$tmp/$name.frr")
	check "$name: running config has router bgp $asn" \
		bash -c "ip netns exec $(ns "$name") vtysh -N $(ns "$name") -c 'show running-config' | grep -qx 'router bgp $asn'"
	errs=$(config_errors "$name" "$tmp/$name.frr")
	check_eq "$name: bgpd and bfdd logged no config errors" "$errs" ""
	check_eq "$name: show running-config equals the rendered file" \
		"$(diff <(running_body "$name") <(rendered_body "$tmp/$name.frr"))" ""
	out=$(reload_test "$name" "$tmp/$name.frr")
	check_eq "$name: frr-reload.py --test finds nothing to change" \
		"$(printf '%s\n' "$out" | grep -A50 '^Lines To')" ""
	[ "$name" = tor-ebgp ] || frr_stop "$name"
done

# One peer added to tor-ebgp: only its lines may change.
note "--- tor-ebgp + one peer"
sed 's/^peers = .*/peers = ( { name = "tor"; address = "192.168.1.1"; asn = 65000; }, { name = "tor2"; address = "192.168.1.2"; asn = 65002; } );/' \
	"$GOLDEN/tor-ebgp.conf" >"$tmp/added.src"
check "added peer: render exits 0" render added "$tmp/added.src"
out=$(reload_test tor-ebgp "$tmp/added.frr")
adds=$(printf '%s\n' "$out" | sed -n '/^Lines To Add/,$p' | sed '1,2d' | grep -v '^$')
dels=$(printf '%s\n' "$out" | sed -n '/^Lines To Delete/,/^Lines To Add/p' | sed '1,2d' | grep -v '^Lines To Add' | grep -v '^$')
note "lines to add:"; printf '%s\n' "$adds" | sed 's/^/#   /'
check_eq "added peer: nothing to delete" "$dels" ""
other=$(printf '%s\n' "$adds" | grep -vE '^(router bgp 65001| address-family ipv4 unicast| exit-address-family|exit)$' | grep -v '192\.168\.1\.2 ')
check_eq "added peer: every added line is about the new peer" "$other" ""
check "added peer: the diff adds its remote-as" bash -c "printf '%s\n' \"\$0\" | grep -q 'neighbor 192.168.1.2 remote-as 65002'" "$adds"
check "added peer: frr-reload.py --reload applies it" \
	nsx tor-ebgp /usr/lib/frr/frr-reload.py --pathspace "$(ns tor-ebgp)" --reload "$tmp/added.frr"
check "added peer: FRR now has the new neighbor" \
	bash -c "ip netns exec $(ns tor-ebgp) vtysh -N $(ns tor-ebgp) -c 'show running-config' | grep -q 'neighbor 192.168.1.2 remote-as 65002'"
out=$(reload_test tor-ebgp "$tmp/added.frr")
check_eq "added peer: afterwards frr-reload.py --test is empty" \
	"$(printf '%s\n' "$out" | grep -A50 '^Lines To')" ""
check_eq "added peer: show running-config equals the new rendered file" \
	"$(diff <(running_body tor-ebgp) <(rendered_body "$tmp/added.frr"))" ""
frr_stop tor-ebgp
finish
