#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. node1's uplink to tor1 goes
# down. Both nodes drop the tor1 next hop (node1 at once, node2 when tor1
# withdraws node1's pod CIDR); the probe's longest gap stays under 3 s.
# timeout: 150
LAB=ff$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
failure_test_main uplink-cut
