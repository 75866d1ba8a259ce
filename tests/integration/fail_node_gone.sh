#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. node3 is gone: both its links
# down. node1 and node2 drop node3's pod CIDR (within hold + GR restart time);
# the probe between node1 and node2 loses nothing.
# timeout: 150
LAB=ff$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
failure_test_main node-gone
