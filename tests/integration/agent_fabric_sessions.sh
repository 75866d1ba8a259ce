#!/bin/bash
# timeout: 120
# The node-side session protection of a fabric, with real FRR (zebra, bfdd,
# bgpd) and the agent: node1 has point-to-point uplinks to tor1 and tor2, and
# a router "mid" leads to "far", two hops away.
#  - TCP-MD5: tor1 with the right password is Established; tor2 with a wrong
#    one stays down, and status says why as far as anything knows (state,
#    bgpd's last reset, the kernel's TCP-MD5 failure count: bgpd sees nothing).
#  - GTSM (ttl_security_hops = 1): far, two hops away, is refused; with
#    ttl_security_hops = 2 (SIGHUP) the same session comes up.
#  - BFD: status shows tor1's BFD up (100 ms x 3 profile on both sides) and
#    far's BFD down while its BGP is Established (far runs no BFD).
#  - BFD failure: tor1 drops everything from node1 (links stay up): node1's BFD
#    goes down and BGP follows well inside the 9 s hold time.
#  - Graceful restart + BFD: tor1 sees node1 as a restarting speaker; node1's
#    bfdd, then bgpd and zebra killed with SIGKILL and started again: tor1
#    (bfd check-control-plane-failure) ignores BFD down and keeps node1's pod
#    CIDR throughout (stale, then refreshed). Without that line on tor1 this
#    part fails: BFD down withdraws the route (measured, FRR 8.4).
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

POD=10.244.1.0/24
for n in node1 tor1 tor2 mid far; do ns_add $n; done
# p2p LINK A ADDR_A B ADDR_B: a /31 between A (eth-B) and B (eth-A).
p2p() {
	ns_link "$1" "e-$3" "$3" "e-$1" &&
		ip -n "$(ns "$1")" addr add "$2/31" dev "e-$3" && ip -n "$(ns "$3")" addr add "$4/31" dev "e-$1"
}
p2p node1 10.0.1.1 tor1 10.0.1.0
p2p node1 10.0.2.1 tor2 10.0.2.0
p2p node1 10.0.3.1 mid 10.0.3.0
p2p mid 10.0.4.0 far 10.0.4.1
nsx mid sysctl -qw net.ipv4.ip_forward=1
ip -n "$(ns node1)" route add 10.0.4.0/31 via 10.0.3.0
ip -n "$(ns far)" route add 10.0.3.0/31 via 10.0.4.0

# upstream NAME AS NODE_ADDR EXTRA_NEIGHBOR_LINES [TOP_LEVEL_LINES]: a router
# that peers with node1 and advertises one prefix.
upstream() {
	{
		printf 'frr defaults datacenter\nhostname %s\n!\nrouter bgp %s\n' "$1" "$2"
		printf ' no bgp ebgp-requires-policy\n no bgp network import-check\n'
		printf ' neighbor %s remote-as 65001\n' "$3"
		printf '%s\n' "$4" | sed "s/^/ neighbor $3 /"
		printf ' address-family ipv4 unicast\n  network 10.244.%s.0/24\n exit-address-family\nexit\n!\n' "${2#650}"
		printf '%s\n' "${5:-}"
	} >"$WORK/$1-frr.conf"
	echo "$WORK/$1-frr.conf"
}
BFD_PROFILE='bfd
 profile tor
  transmit-interval 100
  receive-interval 100
 exit
exit'
# tor1: the ToR side of BFD + GR as docs describe it (check-control-plane-failure).
frr_start tor1 "$(upstream tor1 65010 10.0.1.1 'password fabric-md5
ttl-security hops 1
bfd
bfd profile tor
bfd check-control-plane-failure' "$BFD_PROFILE")"
frr_start tor2 "$(upstream tor2 65020 10.0.2.1 'password not-the-same')"
frr_start far "$(upstream far 65030 10.0.3.1 'ttl-security hops 2')"
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"

peers() {
	cat <<P
{ name = "tor1"; address = "10.0.1.0"; asn = 65010; password = "fabric-md5"; bfd = true;
  ttl_security_hops = 1; },
{ name = "tor2"; address = "10.0.2.0"; asn = 65020; password = "fabric-md5"; },
{ name = "far"; address = "10.0.4.1"; asn = 65030; bfd = true; ttl_security_hops = $1; }
P
}
agent_conf node1 10.0.3.1 65001 $POD "$(peers 1)" >/dev/null
agent_start node1
status_json() { agent_status node1 --json; }
peer_field() { status_json | python3 -c "import json,sys; print(next(p['$2'] for p in json.load(sys.stdin)['peers'] if p['name'] == '$1'))"; }
peer_is() { [ "$(peer_field "$1" "$2")" = "$3" ]; }
md5_failures() { nsx node1 nstat -az TcpExtTCPMD5Failure | awk '/TCPMD5Failure/ { print $2 }'; }

# --- TCP-MD5 -------------------------------------------------------------------
check "md5: tor1 with the same password is Established" wait_until 30 bgp_established node1 10.0.1.0
check "md5: routes from tor1 reach the kernel" wait_until 10 has_route node1 '^10\.244\.10\.0/24 via 10\.0\.1\.0 '
check_fails "md5: tor2 with a different password stays down (3 s)" wait_until 3 bgp_established node1 10.0.2.0
check "md5: status shows tor2 not established" peer_is tor2 established False
note "status: tor2 state $(peer_field tor2 state), last reset '$(peer_field tor2 last_reset)'"
check "md5: the kernel counts MD5 failures (TcpExtTCPMD5Failure > 0)" test "$(md5_failures)" -gt 0
note "kernel TcpExtTCPMD5Failure in node1's namespace: $(md5_failures)"
md5_hint() { agent_status node1 | grep -Eq '^  tor2: the kernel counted [1-9][0-9]* TCP-MD5 failures'; }
check "md5: status says the kernel counted TCP-MD5 failures for tor2" md5_hint

# --- GTSM ----------------------------------------------------------------------
check_fails "gtsm: far, two hops away, is refused with ttl_security_hops = 1 (3 s)" \
	wait_until 3 bgp_established node1 10.0.4.1
agent_conf node1 10.0.3.1 65001 $POD "$(peers 2)" >/dev/null
kill -HUP "$(agent_pid node1)"
check "gtsm: with ttl_security_hops = 2 the same session comes up" wait_until 30 bgp_established node1 10.0.4.1

# --- BFD state in status -------------------------------------------------------
check "bfd: status shows tor1's BFD up" wait_until 10 peer_is tor1 bfd up
far_bfd_down_bgp_up() { [ "$(peer_field far bfd) $(peer_field far established)" = "down True" ]; }
check "bfd: far has no BFD: status shows BFD down while BGP is Established" wait_until 5 far_bfd_down_bgp_up
status_text() { agent_status node1; }
status_text | sed -n '/^Peers:/,/^$/p' | sed 's/^/#   /'
tor1_row_bfd_up() { status_text | grep -Eq "^tor1 +10\.0\.1\.0 +65010 +Established +up "; }
check "bfd: the text status has a BFD column" tor1_row_bfd_up
bfd_100x3_up() {
	vty node1 "show bfd peers json" | python3 -c 'import json, sys
p = [x for x in json.load(sys.stdin) if x["peer"] == "10.0.1.0"][0]
sys.exit(not (p["transmit-interval"] == 100 and p["detect-multiplier"] == 3 and p["status"] == "up"))'
}
check "bfd: node1's BFD session to tor1 runs 100 ms x 3" bfd_100x3_up

# --- BFD failure: tor1 stops forwarding, links stay up --------------------------
nsx tor1 iptables -A INPUT -i e-node1 -j DROP
t0=$(now_ms)
tor1_down() { ! bgp_established node1 10.0.1.0; }
check "bfd: node1's session to tor1 goes down within 2 s (hold time is 9 s)" wait_until 2 tor1_down
note "tor1 dropping node1's packets: node1's session down after $(( $(now_ms) - t0 )) ms"
check "bfd: status shows tor1's BFD down" wait_until 5 peer_is tor1 bfd down
note "status after BFD down: tor1 $(peer_field tor1 state), last reset '$(peer_field tor1 last_reset)'"
check "bfd: tor1's routes leave node1's kernel" wait_until 5 no_route node1 '^10\.244\.10\.0/24'
nsx tor1 iptables -D INPUT -i e-node1 -j DROP
check "bfd: session and BFD back once tor1 forwards again" wait_until 30 peer_is tor1 bfd up

# --- graceful restart ----------------------------------------------------------
tor1_view() { vty tor1 "show bgp neighbors 10.0.1.1 json"; }
tor1_session_up() { tor1_view | grep -q '"bgpState":"Established"'; }
# tor1 ignored its BFD down above (check-control-plane-failure, node1 in GR):
# its side of the session ends with the hold time and reconnects after that.
check "gr: tor1's side of the session is Established again" wait_until 30 tor1_session_up
gr_restart_mode() { tor1_view | grep -q '"remoteGrMode":"Restart"'; }
check "gr: tor1 sees node1 as a restarting speaker (remoteGrMode Restart)" gr_restart_mode
# In tor1's kernel (zebra installs BGP routes there): what forwarding uses.
tor1_has_pod() { [ -n "$(ip -n "$(ns tor1)" route show exact $POD)" ]; }
tor1_pod_stale() { vty tor1 "show bgp ipv4 unicast $POD json" | grep -q '"stale":true'; }
check "gr: tor1 has node1's pod CIDR" wait_until 10 tor1_has_pod
# bfdd dies first (as in a restart that stops it before bgpd, or a hung
# control plane): tor1's BFD goes down 300 ms later while the BGP session is
# still up. tor1 has check-control-plane-failure and node1's bfdd sent the C
# bit clear (its BFD shares fate with its control plane), so tor1 ignores
# BFD down for a graceful-restart peer; then bgpd and zebra die too.
d=$(frr_dir node1)
t0=$(now_ms)
kill -9 "$(cat "$d/bfdd.pid")"
sleep 1
check "gr+bfd: node1's bfdd gone 1 s: tor1 keeps the session (BFD down ignored, C bit clear)" tor1_session_up
kill -9 "$(cat "$d/bgpd.pid")" "$(cat "$d/zebra.pid")"
check "gr: tor1 marks node1's pod CIDR stale after node1's FRR died" wait_until 5 tor1_pod_stale
sleep 0.5
check "gr: tor1 still has the pod CIDR" tor1_has_pod ||
	note "tor1: $(vty tor1 "show bgp neighbors 10.0.1.1 json" | grep -o '"lastResetDueTo":"[^"]*"'); $(vty tor1 "show bgp ipv4 unicast $POD json" | tr -d ' \n' | head -c 600)"
cp "/etc/frr/$(ns node1)/frr.conf" "$WORK/node1-restart.conf"
check "gr: node1's FRR starts again from the rendered config" frr_start node1 "$WORK/node1-restart.conf" "${AGENT_BGPD[@]}"
lost=0
until bgp_established node1 10.0.1.0 && ! tor1_pod_stale; do
	tor1_has_pod || lost=$((lost + 1))
	[ $(( $(now_ms) - t0 )) -gt 30000 ] && break
	sleep 0.1
done
check_fails "gr: session back and the route refreshed (not stale) within 30 s" tor1_pod_stale
# Zero needs `bgp route-map delay-timer 0` in the rendered config: without it
# the restarted bgpd filters the pod CIDR for FRR's 5 s route-map timer but
# sends End-of-RIB, and tor1 drops the stale route.
check_eq "gr: tor1 never lost node1's pod CIDR (0.1 s polls)" "$lost" 0
note "node1's FRR kill -9 + restart: session and route refreshed $(( $(now_ms) - t0 )) ms after the kill"

agent_stop node1
finish
