#!/bin/bash
# End to end, fabric mode (tests/lab MODE=fabric): one rack, two FRR ToRs with
# the project's ToR config (fabric-tor-frr.conf.tmpl), nodes with a /31 uplink
# to each ToR. Every ToR has every node as a dynamic neighbor with BFD up;
# every pod route in every node's kernel has both ToRs as next hops (ECMP);
# every pod reaches every other pod; a third node joins without any change on
# the ToRs; an uplink cut leaves the routes on the other ToR only, and the
# second next hop comes back with the link.
# timeout: 120
LAB=ef$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
need_root
MODE=fabric DUALSTACK=0 NODES=2
on_cleanup lab_down

tor_sums() { local t; for t in tor1 tor2; do vty "$t" "show running-config" | sha256sum; done; }

t0=$(now_ms)
lab_up_checked "lab up (2 ToRs + 2 dual-homed nodes)"
pods=ok
for n in 1 2; do lab_pods_add "node$n" 2 || pods=failed; done
check_eq "2 pods per node" "$pods" ok
check "converged: every node has a route to every other node's pod CIDR" wait_until 60 lab_converged
note "fabric: 2 nodes converged $(( $(now_ms) - t0 )) ms after lab start"
check "ECMP: every pod route has both ToRs as next hops" wait_until 10 lab_all_ecmp
[ "$(lab_all_ecmp; echo $?)" = 0 ] || lab_dump
for t in tor1 tor2; do
	check "$t: 2 dynamic neighbors with BFD up (100 ms x 3)" wait_until 15 lab_bfd_up $t 2
done
check "every pod reaches every other pod (4 pods, 12 pings)" lab_all_pods_reach

# --- a third node joins ---------------------------------------------------------
before=$(tor_sums)
check "node3 joins the running lab" lab_node_add 3
check "a pod on node3" lab_pods_add node3 1
check "node3 converged" wait_until 60 lab_converged
check "ECMP on all 3 nodes" wait_until 10 lab_all_ecmp
check_eq "the ToRs' running configs did not change for the join" "$(tor_sums)" "$before"
check "every pod reaches every other pod (5 pods)" lab_all_pods_reach

# --- an uplink cut --------------------------------------------------------------
ip -n "$(ns node1)" link set up-tor1 down
t=$(now_ms)
check "uplink node1-tor1 cut: node2 reaches node1's pods over tor2 only (2 s)" \
	wait_until 2 lab_only_via node2 "$(pod_cidr 1)" up-tor2
note "uplink cut: node2's route to node1 lost its tor1 next hop after $(( $(now_ms) - t )) ms"
check "node1's own routes go over tor2 only" wait_until 2 lab_only_via node1 "$(pod_cidr 2)" up-tor2
check "every pod still reaches every other pod" lab_all_pods_reach
ip -n "$(ns node1)" link set up-tor1 up
check "link back: ECMP again on every node" wait_until 30 lab_all_ecmp
check "sanitizer-clean agent logs after SIGTERM" lab_agents_clean
finish
