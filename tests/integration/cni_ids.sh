#!/bin/bash
# timeout: 40
# Container ids at the length limits: the longest id whose owner record
# "<containerid>/<ifname>/<network>" fits the host veth's alias (254 bytes)
# works for ADD, CHECK, GC and DEL with a readable IPAM record; every longer
# one (244-255 and beyond 255 characters with eth0 and "idnet") is refused with error 4 before anything
# is created: no veth, no allocation, and later GCs stay clean.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/cni_lib.inc"
need_root
ns_add node
ns_add a
C=$(conf idnet '[[{"subnet":"10.244.12.0/24"}]]' '{"cniVersion":"1.1.0"}')
# id N: a valid container id of N characters.
id() { printf 'c%*s' "$(($1 - 1))" '' | tr ' ' 'x'; }
IFN=eth0
NET=idnet
LIMIT=$((254 - ${#IFN} - 1 - ${#NET} - 1))

for n in 244 250 251 252 255 256 300 1000; do
	[ "$n" -gt "$LIMIT" ] || continue
	cni ADD "$(id "$n")" "$IFN" a "$C"
	check_eq "id of $n characters: ADD refused with 4" "$RC $(code)" "1 4"
	check_eq "id of $n characters: no veth, no allocation" \
		"$(node_veths) $(allocations idnet)" "0 0"
	cni DEL "$(id "$n")" "$IFN" a "$C"
	check_eq "id of $n characters: DEL succeeds" "$RC" 0
done
cni ADD "$(id $((LIMIT + 1)))" "$IFN" a "$C"
check_eq "one character over the limit ($((LIMIT + 1))): refused with 4" "$RC $(code)" "1 4"
check_eq "nothing left by the refused ADDs" "$(node_veths) $(allocations idnet)" "0 0"

LONG=$(id "$LIMIT")
cni ADD "$LONG" "$IFN" a "$C"; RES=$OUT
check_eq "id of $LIMIT characters (the limit): ADD exits 0" "$RC" 0
check_eq "its host veth's alias names its full id and the network" \
	"$(ip -n "$(ns node)" -j -d link show type veth | jq -r '.[0].ifalias')" "$LONG/$IFN/$NET"
cni CHECK "$LONG" "$IFN" a "$(with_prev "$C" "$RES")"
check_eq "CHECK passes (the IPAM record reads back)" "$RC:$OUT" "0:"
cni GC "" "" "" "$(jq -c --arg id "$LONG" --arg i "$IFN" \
	'. + {"cni.dev/valid-attachments": [{containerID:$id, ifname:$i},
	  {containerID:("x" * 300), ifname:$i}]}' <<<"$C")"
check_eq "GC keeping it exits 0 (an over-long valid entry is ignored)" "$RC:$OUT" "0:"
check_eq "GC kept its veth and allocation" "$(node_veths 1) $(allocations idnet)" "1 1"
cni DEL "$LONG" "$IFN" a "$C"
check_eq "DEL exits 0" "$RC" 0
check_eq "DEL released the veth and the allocation" "$(node_veths) $(allocations idnet)" "0 0"
cni GC "" "" "" "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$C")"
check_eq "a later GC finds nothing corrupted" "$RC:$OUT" "0:"
finish
