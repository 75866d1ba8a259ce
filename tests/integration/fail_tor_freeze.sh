#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. tor1 freezes: its bgpd, bfdd
# and zebra SIGSTOPped and its forwarding dropped, links up. BFD (100 ms x 3)
# takes tor1 out of both nodes' ECMP routes long before the 9 s hold time; the
# probe's longest gap stays under 3 s.
# timeout: 150
LAB=ff$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
failure_test_main tor-freeze
