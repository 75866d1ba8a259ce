#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. tor1's FRR is killed (-9) and
# started again at once. The nodes leave tor1 on BFD down and use tor2; tor1's
# zebra (-K 30) keeps forwarding with the routes it finds in the kernel: no
# probe packet is lost.
# timeout: 150
LAB=ff$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
failure_test_main tor-frr-restart
