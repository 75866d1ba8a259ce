#!/bin/bash
# timeout: 60
# The agent under a read-only /proc/sys (an unprivileged container): a
# forwarding sysctl that is already 1 is only read, so start-up logs no
# error; one that would have to change is a clear error naming the key.
# /proc/sys is read-only only inside a private mount namespace of the agent.
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root
ns_add node1
ip -n "$(ns node1)" link add eth0 type veth peer name eth0p
ip -n "$(ns node1)" addr add 192.168.1.11/24 dev eth0
ip -n "$(ns node1)" link set eth0 up
ip -n "$(ns node1)" link set eth0p up
frr_start node1 "$(frr_bootstrap node1)" "${AGENT_BGPD[@]}"
AGENT_LOG_LEVEL=debug agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
AGENT_RUN=(unshare -m --propagation private -- sh -c \
	'mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec "$@"' ro-sys)
LOG=$WORK/node1-agent.log

check_eq "ip_forward is already 1" "$(nsx node1 sysctl -n net.ipv4.ip_forward)" 1
agent_start node1
check "the agent answers status" wait_until 20 agent_status node1
check "it read ip_forward as already 1" grep -q "ip_forward is already 1" "$LOG"
check_fails "and logged no error about it" grep -qi "error.*ip_forward\|cannot set" "$LOG"
agent_stop node1

nsx node1 sysctl -qw net.ipv4.ip_forward=0
: >"$LOG"
agent_start node1
check "with ip_forward 0 the agent still answers status" wait_until 20 agent_status node1
check "and says why it cannot set it" grep -q "cannot set net/ipv4/ip_forward=1.*Read-only file system" "$LOG"
agent_stop node1
check_agent_logs_clean
finish
