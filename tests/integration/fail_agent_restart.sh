#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. node1's agent is killed (-9)
# and started again. The routes stay in the kernel and FRR keeps its sessions:
# no probe packet is lost.
# timeout: 120
LAB=ff$$
. "$(dirname "$0")/../lib/testlib.sh"
. "$REPO/tests/lab/lab.sh"
. "$REPO/tests/lib/probe.sh"
. "$REPO/tests/lab/fabric_failures.sh"
need_root
MODE=fabric DUALSTACK=0
on_cleanup lab_down
failure_test agent-restart
finish
