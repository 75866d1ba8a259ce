#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. tor1 freezes: its bgpd, bfdd
# and zebra SIGSTOPped and its forwarding dropped, links up. BFD (100 ms x 3)
# takes tor1 out of both nodes' ECMP routes long before the 9 s hold time; the
# probe's longest gap stays under 3 s.
# timeout: 120
LAB=ff$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
. "$REPO/tests/lib/probe.sh"
. "$REPO/tests/lab/fabric_failures.sh"
need_root
MODE=fabric DUALSTACK=0
on_cleanup lab_down
failure_test tor-freeze
finish
