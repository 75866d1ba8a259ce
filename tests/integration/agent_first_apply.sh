#!/bin/bash
# The first apply to an FRR that runs its bootstrap configuration (no BGP
# instance): the agent loads the rendered file in one pass (vtysh -C, then
# vtysh -f), the session to the ToR comes up once and never drops, FRR then
# runs exactly the rendered file (frr-reload.py --test finds no difference),
# and the sessions stay as they are when the agent restarts. With a broken
# vtysh the agent falls back to frr-reload.py and still applies everything.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

lan_node1_tor1 10.244.7.0/24
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
on_cleanup dump_logs node1
# frr-reload.py --test prints nothing under its "Lines To ..." headings.
no_reload_diff() {
	nsx node1 /usr/lib/frr/frr-reload.py --test --stdout --pathspace "$(ns node1)" \
		"/etc/frr/$(ns node1)/frr.conf" 2>/dev/null >"$WORK/reload-test.txt" || return 1
	! sed -n '/^Lines To/,$p' "$WORK/reload-test.txt" | grep -Evq '^(Lines To (Add|Delete)|=+|)$'
}
frr_start node1 "$(frr_bootstrap node1)" -n
t0=$(now_ms)
agent_start node1
check "bootstrap bgpd: configuration loaded in one pass" wait_until 20 \
	grep -q 'had no BGP instance: configuration loaded in one pass' "$WORK/node1-agent.log"
check "session to tor1 established" wait_until 20 bgp_established node1 192.168.1.1
note "agent start -> session established: $(( $(now_ms) - t0 )) ms"
check "the ToR's route in the kernel" wait_until 20 has_route node1 '^10\.244\.7\.0/24 via 192\.168\.1\.1 '
note "agent start -> first learned route in the kernel: $(( $(now_ms) - t0 )) ms"
check "FRR runs exactly the rendered file (frr-reload.py --test: no difference)" no_reload_diff
check_eq "node1: the session came up once, none dropped" "$(peer_sessions node1 192.168.1.1)" "1 0"
check_eq "tor1: the session came up once, none dropped" "$(peer_sessions tor1 192.168.1.11)" "1 0"

# The agent restarting finds bgpd configured: the reload path, nothing sent.
agent_stop node1
agent_start node1
check "restarted agent: FRR already runs it, nothing sent" wait_until 20 \
	grep -q 'already runs this configuration; nothing sent' "$WORK/node1-agent.log"
check_eq "no second load in one pass" \
	"$(grep -c 'configuration loaded in one pass' "$WORK/node1-agent.log")" 1
check_eq "node1: still one session, none dropped" "$(peer_sessions node1 192.168.1.1)" "1 0"
agent_stop node1

# A broken vtysh (here: one that always fails): frr-reload.py applies it.
frr_stop node1
frr_start node1 "$(frr_bootstrap node1)" -n
sed -i 's|^frr = { |frr = { vtysh_cmd = "/bin/false"; |' "$WORK/node1.conf"
: >"$WORK/node1-agent.log"
agent_start node1
check "vtysh failing: the agent falls back to frr-reload.py" wait_until 20 \
	grep -q 'vtysh -C -f failed (exit 1); applying with frr-reload.py instead' "$WORK/node1-agent.log"
check "... and applies the configuration" wait_until 30 \
	grep -q 'configuration applied to bgpd' "$WORK/node1-agent.log"
check "... and the session comes up" wait_until 30 bgp_established node1 192.168.1.1
agent_stop node1
check_agent_logs_clean
finish
