#!/bin/bash
# Failure test, fabric lab (tests/lab/fabric_failures.sh) with a probe flow
# between node1-pod1 and node2-pod1 both ways. node1's FRR is killed (-9) and
# started again from the rendered config at once. The agent keeps node1's
# kernel routes, the ToRs keep node1's pod CIDR as stale (graceful restart;
# BFD down ignored: C bit clear) until the new bgpd sends it again: no probe
# packet is lost. Fails without 'bgp route-map delay-timer 0' in the rendered
# config (~3 s lost).
# timeout: 150
LAB=ff$$
. "$(dirname "$0")/../lab/fabric_failures.sh"
failure_test_main node-frr-restart
