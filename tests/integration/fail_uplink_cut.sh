#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. node1's uplink to tor1 goes
# down. Both nodes drop the tor1 next hop (node1 at once, node2 when tor1
# withdraws node1's pod CIDR); the probe's longest gap stays under 3 s.
# timeout: 120
LAB=ff$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
. "$REPO/tests/lib/probe.sh"
. "$REPO/tests/lab/fabric_failures.sh"
need_root
MODE=fabric DUALSTACK=0
on_cleanup lab_down
failure_test uplink-cut
finish
