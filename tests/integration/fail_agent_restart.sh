#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. node1's agent is killed (-9)
# and started again. The routes stay in the kernel and FRR keeps its sessions:
# no probe packet is lost.
# timeout: 150
LAB=ff$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
failure_test_main agent-restart
