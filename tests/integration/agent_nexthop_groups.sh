#!/bin/bash
# Kernel nexthop groups with real FRR: node1 learns 10.244.7/8 from tor1 and
# tor2 (ECMP) and 10.244.9 from tor1 only. Covers: routes with the same next
# hops share one group of ours (protocol 52), a lone next hop is a member
# object; another owner's object with the id the agent would take first is
# never touched; an agent restart adopts the groups without churn (no route
# or nexthop message of ours); a ToR going down changes the group in place
# (same group, route count unchanged); a group whose routes went stale while
# the agent was down is swept only after the gate opens; the inline fallback
# (BGP_AGENT_NEXTHOP_GROUPS=off, a knob only tests use) with status saying so;
# cleanup removes our groups and leaves the foreign object (a member of ours
# that the node's zebra put in a group of its own is kept: deleting it would
# change zebra's group).
# timeout: 150
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
# Nexthop groups are off by default (kroute_groups.c says why): this test turns them on.
AGENT_RUN=(env BGP_AGENT_NEXTHOP_GROUPS=on)
need_root

TOR1='{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }'
TOR2='{ name = "tor2"; address = "192.168.1.2"; asn = 65000; }'
lan_up
for n in node1 tor1 tor2; do ns_add $n; done
lan_attach node1 192.168.1.11/24
lan_attach tor1 192.168.1.1/24
lan_attach tor2 192.168.1.2/24
frr_start tor1 "$(tor_conf tor1 192.168.1.1 192.168.1.1 192.168.1.11 65001 10.244.7.0/24 10.244.8.0/24 10.244.9.0/24)"
frr_start tor2 "$(tor_conf tor2 192.168.1.2 192.168.1.2 192.168.1.11 65001 10.244.7.0/24 10.244.8.0/24)"
frr_start node1 "$(frr_bootstrap node1)" -n
# Another owner's object, with the id the agent would take first.
ip -n "$(ns node1)" nexthop add id 1 via 192.168.1.1 dev eth0 proto static
foreign=$(ip -n "$(ns node1)" nexthop show id 1)
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 "$TOR1, $TOR2" >/dev/null
agent_start node1

nhid() { ip -n "$(ns node1)" route show proto 52 "$1" | sed -nE '1s/.* nhid ([0-9]+) .*/\1/p'; }
nh() { ip -n "$(ns node1)" nexthop show id "$1" 2>/dev/null; }
ours_nh() { ip -n "$(ns node1)" nexthop show proto 52; }
status_has() { agent_status node1 | grep -q "$1"; }
sweeps() { grep -c 'stale routes may now be removed' "$WORK/node1-agent.log"; }
installed() {
	[ "$(nexthop_count node1 10.244.7.0/24)" = 2 ] && [ "$(nexthop_count node1 10.244.8.0/24)" = 2 ] &&
		has_route node1 '^10\.244\.9\.0/24 via 192\.168\.1\.1 '
}
check "ECMP and single-path routes installed" wait_until 40 installed
g=$(nhid 10.244.7.0/24)
m=$(nhid 10.244.9.0/24)
note "group $g: $(nh "$g"); member $m: $(nh "$m")"
check "the two ECMP routes point at one group" sh -c "[ -n '$g' ] && [ '$(nhid 10.244.8.0/24)' = '$g' ]"
group_of_two() { nh "$g" | grep -Eq "^id $g group [0-9]+/[0-9]+ proto (52|bgp-agent)"; }
check "the group is ours and has two members" group_of_two
check "the single-path route points at a member object of ours" \
	sh -c "[ '$m' != '$g' ] && ip -n $(ns node1) nexthop show id $m | grep -Eq 'via 192\.168\.1\.1 dev eth0 .*proto (52|bgp-agent)'"
check "ids the agent took avoid the foreign object" sh -c "[ '$g' != 1 ] && [ '$m' != 1 ]"
check_eq "foreign object untouched" "$(nh 1)" "$foreign"
check "status: nexthop groups in use" status_has 'nexthop groups: in use'
# --- agent restart: groups adopted without churn -------------------------------
before=$(ip -n "$(ns node1)" route show proto 52)
nsx node1 ip monitor route nexthop >"$WORK/monitor.txt" 2>&1 &
mon=$!
track_pid $mon
sleep 0.3
agent_stop node1
agent_start node1
check "restarted agent sees End-of-RIB" \
	wait_until 30 sh -c "grep -c 'sent End-of-RIB' '$WORK/node1-agent.log' | grep -q 2"
sleep 1
kill $mon 2>/dev/null; wait $mon 2>/dev/null
check_eq "no route or nexthop message of ours during the restart" \
	"$(grep -c 'proto 52\|proto bgp-agent' "$WORK/monitor.txt")" 0
check_eq "routes and their group ids identical after the restart" \
	"$(ip -n "$(ns node1)" route show proto 52)" "$before"

# --- a ToR goes down: the group changes in place ---------------------------------
frr_stop tor2
one_path() { [ "$(nexthop_count node1 10.244.7.0/24)" = 1 ] && [ "$(nexthop_count node1 10.244.8.0/24)" = 1 ]; }
check "tor2 gone: the ECMP routes keep one next hop" wait_until 30 one_path
check_eq "same group as before" "$(nhid 10.244.7.0/24) $(nhid 10.244.8.0/24)" "$g $g"
check "the group itself lost tor2's member" sh -c "! ip -n $(ns node1) nexthop show id $g | grep -q '/'"
check_eq "route count unchanged" "$(kroutes node1 | grep -c '^10\.244\.[789]\.')" 3
note "after tor2 went: $(ours_nh | tr '\n' ';')"

# --- stale group: swept only after the gate opens -------------------------------
agent_stop node1
vty tor1 "configure terminal" "router bgp 65000" "address-family ipv4 unicast" \
	"no network 10.244.7.0/24" "no network 10.244.8.0/24" >/dev/null
sleep 1
swept=$(sweeps)
agent_start node1
check "restarted agent reconnects to bgpd" \
	wait_until 20 sh -c "grep -c 'connected to bgpd' '$WORK/node1-agent.log' | grep -q 3"
sleep 1
check "gate closed: stale routes and their group kept" \
	sh -c "[ $(sweeps) = $swept ] &&
		[ -n \"\$(ip -n $(ns node1) nexthop show id $g 2>/dev/null)\" ] &&
		ip -n $(ns node1) route show proto 52 10.244.7.0/24 | grep -q nhid"
gate_opened() { [ "$(sweeps)" -gt "$swept" ]; }
check "the gate opens (End-of-RIB or grace period)" wait_until 40 gate_opened
check "then the stale routes are gone" wait_until 10 no_route node1 '^10\.244\.[78]\.'
# (The node's zebra makes groups of its own, and may reuse a freed id.)
our_group_gone() { ! nh "$g" | grep -Eq 'proto (52|bgp-agent)'; }
check "and their group with them" wait_until 5 our_group_gone
note "id $g after the sweep: $(nh "$g")"
check_eq "foreign object still untouched" "$(nh 1)" "$foreign"

# --- fallback: groups refused -> inline next hops --------------------------------
agent_stop node1
AGENT_RUN=(env BGP_AGENT_NEXTHOP_GROUPS=off)
agent_start node1
AGENT_RUN=(env BGP_AGENT_NEXTHOP_GROUPS=on)
vty tor1 "configure terminal" "router bgp 65000" "address-family ipv4 unicast" \
	"network 10.244.11.0/24" >/dev/null
check "groups refused: a new route is installed" wait_until 30 has_route node1 '^10\.244\.11\.0/24 via 192\.168\.1\.1 '
check_eq "with its next hop inline (no nhid)" "$(nhid 10.244.11.0/24)" ""
check "status says groups are refused and why" \
	wait_until 5 status_has 'nexthop groups: refused: turned off by BGP_AGENT_NEXTHOP_GROUPS=off'
check "the refusal is logged" grep -q 'nexthop groups not used' "$WORK/node1-agent.log"

# --- cleanup: our objects go, the foreign one stays ----------------------------
agent_stop node1
nsx node1 "$AGENT" cleanup -c "$WORK/node1.conf" >/dev/null
check_eq "cleanup leaves no route of ours" "$(kroutes node1)" ""
check_eq "cleanup leaves no group of ours" "$(ours_nh | grep -c group)" 0
# A member stays only while another owner's group (zebra's) holds it.
note "after cleanup, ours: $(ours_nh | tr '\n' ';') others' groups: $(ip -n "$(ns node1)" nexthop show | grep group | tr '\n' ';')"
check_eq "cleanup leaves the foreign object" "$(nh 1)" "$foreign"
check_agent_logs_clean
[ "$T_FAIL" = 0 ] || dump_logs
finish
