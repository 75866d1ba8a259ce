#!/bin/bash
# timeout: 30
# A read-only /proc/sys (an unprivileged container) is no error when the
# values are already right: ADD only reads them. A value that must change is
# a clear error 5 and the ADD is rolled back. /proc/sys is made read-only
# only inside a private mount namespace of each plugin call (the host's
# mounts are never changed).
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
ns_add a
ns_add b
RO_SYS=(unshare -m --propagation private -- sh -c \
	'mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec "$@"' ro-sys)
C4=$(conf ronet '[[{"subnet":"10.244.16.0/24"}]]')
C6=$(conf ronet6 '[[{"subnet":"fd00:10:244:16::/64"}]]')

check_fails "inside the wrapper /proc/sys is read-only" "${RO_SYS[@]}" ip netns exec "$(ns node)" \
	sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' 2>/dev/null
check_eq "ip_forward is already 1 on the node" "$(nsx node sysctl -n net.ipv4.ip_forward)" 1

CNI_RUN=("${RO_SYS[@]}")
cni ADD ro1 eth0 a "$C4"
check_eq "IPv4 ADD with read-only /proc/sys exits 0" "$RC $(code)" "0 "
check "the pod reaches its gateway" pings a 10.244.16.1
cni DEL ro1 eth0 a "$C4"
check_eq "DEL exits 0" "$RC" 0

# IPv6 needs accept_dad=0 in the pod (default 1): a real change, refused.
cni ADD ro6 eth0 b "$C6"
check_eq "ADD that must change a read-only value: error 5" "$RC $(code)" "1 5"
check "the error names the file and the reason" grep -q 'accept_dad.*Read-only file system' <<<"$OUT"
check_eq "rolled back: no veth, no allocation" "$(node_veths) $(allocations ronet6)" "0 0"
nsx node sysctl -qw net.ipv4.ip_forward=0
cni ADD ro2 eth0 a "$C4"
check_eq "ip_forward 0 and read-only: error 5" "$RC $(code)" "1 5"
check_eq "rolled back: no veth, no allocation" "$(node_veths) $(allocations ronet)" "0 0"

CNI_RUN=()
cni ADD ro3 eth0 a "$C4"
check_eq "writable /proc/sys: ADD sets ip_forward" "$RC $(nsx node sysctl -n net.ipv4.ip_forward)" "0 1"
cni DEL ro3 eth0 a "$C4"
check_eq "cleaned up" "$(node_veths) $(allocations ronet)" "0 0"
finish
