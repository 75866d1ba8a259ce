#!/bin/bash
# End to end with real FRR: node1 and node2 run FRR + bgp-agent; tor1 and
# tor2 (FRR, AS 65000) inject prefixes, tor1 also connects the nodes. Covers:
# each node learning the other's pod CIDR, routes in the kernel with our protocol,
# the import policy (bad routes never installed, shown as rejected), status
# --json, SIGHUP adding a peer without resetting the other session, an
# unchanged reload sending nothing, ECMP, withdraw when a peer goes away, a
# hand-deleted route coming back, cleanup removing only our routes (and
# refused while the agent runs).
# timeout: 150
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

GOOD="10.244.7.0/24 10.244.100.0/24"
BAD="0.0.0.0/0 10.244.1.0/24 172.16.5.0/24 10.244.50.0/25"
TOR1_ROUTE='{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }'
TOR2_ROUTE='{ name = "tor2"; address = "192.168.1.2"; asn = 65000; }'

lan_up
for n in node1 node2 tor1 tor2; do ns_add $n; done
lan_attach node1 192.168.1.11/24
lan_attach node2 192.168.1.12/24
lan_attach tor1 192.168.1.1/24
lan_attach tor2 192.168.1.2/24
# shellcheck disable=SC2086
frr_start tor1 "$(tor_conf tor1 192.168.1.1 192.168.1.1 192.168.1.11=65001,192.168.1.12=65002 - $GOOD $BAD)"
frr_start tor2 "$(tor_conf tor2 192.168.1.2 192.168.1.2 192.168.1.11 65001 10.244.100.0/24 10.244.8.0/24)"
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
frr_start node2 "$(frr_bootstrap node2)" "${AGENT_BGPD[@]}"
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 "$TOR1_ROUTE" >/dev/null
agent_conf node2 192.168.1.12 65002 10.244.2.0/24 "$TOR1_ROUTE" >/dev/null
agent_start node1
agent_start node2

check "agent applies the FRR config; session to tor1 comes up" \
	wait_until 40 bgp_established node1 192.168.1.1
check "routes from tor1 appear in the kernel with protocol 52" \
	wait_until 20 has_route node1 '^10\.244\.7\.0/24 via 192\.168\.1\.1 '
check "anchor route for the node's own pod CIDR (unreachable, proto 52)" \
	has_route node1 '^unreachable 10\.244\.1\.0/24'
check "tor1 receives node1's pod CIDR (import-check satisfied by the anchor)" \
	wait_until 20 sh -c "ip netns exec $(ns tor1) vtysh -N $(ns tor1) -c 'show bgp ipv4 unicast 10.244.1.0/24' | grep -q 192.168.1.11"
# On the shared node network tor1 passes node2's own address on as next hop
# (third-party next hop): traffic goes node to node, not through the router.
check "node1 installs node2's pod CIDR via node2 (learned through tor1)" \
	wait_until 30 has_route node1 '^10\.244\.2\.0/24 via 192\.168\.1\.12 '
# tor1 also originates 10.244.1.0/24 itself (a bad route for node1), so node2
# may reach it via tor1 or via node1.
check "node2 installs node1's pod CIDR" \
	wait_until 30 has_route node2 '^10\.244\.1\.0/24 via 192\.168\.1\.(1|11) '
check "node2 never installs its own pod CIDR coming back from tor1" \
	no_route node2 '^10\.244\.2\.0/24 via' 
sleep 1
for p in 0.0.0.0/0 172.16.5.0/24 10.244.50.0/25; do
	check "bad route $p never installed" no_route node1 "^(default|${p//./\\.}) "
done
check "own pod CIDR from a peer never installed (only our anchor)" \
	no_route node1 '^10\.244\.1\.0/24 via'
check "ip route show proto bgp-agent works (rt_protos.d)" \
	sh -c "ip -n $(ns node1) route show proto bgp-agent | grep -q 10.244.7.0/24"
check "forwarding sysctl set in the node's namespace" \
	sh -c "[ \$(ip netns exec $(ns node1) sysctl -n net.ipv4.ip_forward) = 1 ]"
check "CNI conflist written" test -s "$WORK/node1-net.d/10-bgp-bridge.conflist"

agent_status node1 --json >"$WORK/status.json"
check "status --json parses" sh -c "python3 -m json.tool '$WORK/status.json' >/dev/null"
check "status --json lists peer tor1 as Established" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
p=[x for x in d["peers"] if x["name"]=="tor1"]
sys.exit(0 if p and p[0]["state"]=="Established" else 1)' "$WORK/status.json"
check "status --json: installed routes include 10.244.7.0/24" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(0 if any(r["prefix"]=="10.244.7.0/24" for r in d["installed"]) else 1)' "$WORK/status.json"
python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
for r in d["rejected"]: print("#   rejected:", r["prefix"], "-", r["reason"])' "$WORK/status.json"
check "status --json: rejected routes listed with a reason" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
rej={r["prefix"]:r["reason"] for r in d["rejected"]}
want=sys.argv[2].split()
missing=[p for p in want if p not in rej or not rej[p]]
print("# missing from rejected:", missing) if missing else None
sys.exit(1 if missing else 0)' "$WORK/status.json" "$BAD"
agent_status node1 >"$WORK/status.txt"
check "status (text) prints the peer table" \
	grep -Eq '^tor1 +192\.168\.1\.1 +65000 +Established' "$WORK/status.txt"

# --- SIGHUP: unchanged config sends nothing ---------------------------------
reloads() { agent_status node1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["frr"]["reloads"])'; }
before=$(reloads)
kill -HUP "$(agent_pid node1)"
sleep 2
check_eq "SIGHUP with an unchanged config sends nothing to FRR" "$(reloads)" "$before"

# --- SIGHUP: add a second peer; tor1's session must stay up ----------------
sessions1=$(peer_sessions node1 192.168.1.1)
up1=$(peer_uptime_ms node1 192.168.1.1)
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 "$TOR1_ROUTE, $TOR2_ROUTE" >/dev/null
kill -HUP "$(agent_pid node1)"
check "after SIGHUP the new session to tor2 comes up" wait_until 40 bgp_established node1 192.168.1.2
check_eq "tor1's session was not reset (established/dropped counters)" \
	"$(peer_sessions node1 192.168.1.1)" "$sessions1"
up2=$(peer_uptime_ms node1 192.168.1.1)
note "tor1 session uptime before the reload ${up1} ms, after ${up2} ms"
check "tor1's session uptime kept growing" test "$up2" -gt "$up1"
check "route learned only from tor2 installed" wait_until 20 has_route node1 '^10\.244\.8\.0/24 via 192\.168\.1\.2 '

# --- ECMP --------------------------------------------------------------------
check "ECMP: 10.244.100.0/24 has two next hops (tor1 and tor2)" \
	wait_until 20 sh -c "[ \$(ip -n $(ns node1) route show proto 52 10.244.100.0/24 | grep -c 'nexthop via') = 2 ]"

# --- a bad new config is rejected, the old one kept --------------------------
cp "$WORK/node1.conf" "$WORK/node1.conf.good"
echo 'bogus_key = 1;' >>"$WORK/node1.conf"
kill -HUP "$(agent_pid node1)"
sleep 1
check "SIGHUP with a broken config: error logged, agent keeps running" \
	sh -c "grep -q 'keeping the running configuration' '$WORK/node1-agent.log' && kill -0 $(agent_pid node1)"
cp "$WORK/node1.conf.good" "$WORK/node1.conf"
check "sessions still up after the rejected reload" bgp_established node1 192.168.1.2

# --- hand-deleted route comes back -------------------------------------------
ip -n "$(ns node1)" route del 10.244.7.0/24 proto 52
t0=$(now_ms)
check "hand-deleted route is restored" wait_until 10 has_route node1 '^10\.244\.7\.0/24 via'
note "restored after $(( $(now_ms) - t0 )) ms"

# --- withdraw when a peer goes away ------------------------------------------
frr_stop tor2
check "tor2's only route withdrawn from the kernel" wait_until 30 no_route node1 '^10\.244\.8\.0/24'
check "ECMP route falls back to one next hop (tor1)" \
	wait_until 30 has_route node1 '^10\.244\.100\.0/24 via 192\.168\.1\.1 '

# --- cleanup removes our routes and nothing else ------------------------------
ip -n "$(ns node1)" route add 10.244.200.0/24 via 192.168.1.1 proto static
before=$(kroutes node1)
check_fails "cleanup while the agent runs is refused" nsx node1 "$AGENT" cleanup -c "$WORK/node1.conf"
check_eq "... and removes nothing" "$(kroutes node1)" "$before"
agent_stop node1
agent_stop node2
check "routes stay in the kernel after the agent stops" has_route node1 '^10\.244\.7\.0/24'
out=$(nsx node1 "$AGENT" cleanup -c "$WORK/node1.conf")
note "cleanup: $out"
check_eq "cleanup leaves no route of protocol 52" "$(kroutes node1 | wc -l)" 0
check "cleanup leaves other protocols' routes alone" \
	sh -c "ip -n $(ns node1) route show 10.244.200.0/24 | grep -q 'proto static'"
check "cleanup reports how many it removed" sh -c "echo '$out' | grep -Eq 'removed [1-9][0-9]* routes'"

check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
