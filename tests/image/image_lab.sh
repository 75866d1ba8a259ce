#!/bin/bash
# The image, built and run as the deployment files say (issue 10 item 2):
# `make image` (podman, private store, base image reused), then
# (a) the containerlab topology as podman containers wired as its links say:
#     the ToR (FRR of the image: quay.io's cannot be pulled) and the nodes,
#     pods made with bgp-bridge inside the nodes, the ping matrix;
# (b) the DaemonSet's pod as Kubernetes runs it, on a fourth node of the ToR:
#     both init containers (install-cni, render-config with a sample Node),
#     the main container with the manifest's capabilities on the runtime's
#     default set (not privileged, /proc/sys read-only), then SIGTERM and a
#     restart: no route deleted anywhere, no stale FRR state.
# timeout: 400
source "$(dirname "$0")/../lib/testlib.sh"
need_root
command -v podman >/dev/null || { not_ok "podman is not installed"; finish; exit 1; }
WORK=$(mktemp -d /tmp/image-test.XXXXXX)
track_path "$WORK"
IMG=localhost/bgp-agent:latest
pm() { "$REPO/docker/image.sh" podman "$@"; }
quiet() { "$@" >/dev/null; }
MANIFESTS="$REPO/tests/image/manifests.py"
containers=()
on_cleanup 'pm rm -f -t 0 "${containers[@]}"'

t0=$(now_ms)
check "make image: image built" sh -c "'$REPO/docker/image.sh' build >'$WORK/build.log' 2>&1"
note "image build took $(( ($(now_ms) - t0) / 1000 )) s"
[ "$T_FAIL" = 0 ] || { tail -30 "$WORK/build.log"; finish; exit 1; }

# --- (a) the containerlab topology -------------------------------------------
python3 "$MANIFESTS" clab "$REPO/docker/containerlab/bgp-agent.clab.yml" >"$WORK/clab"
nodes=$(awk '$1 == "node" {print $2}' "$WORK/clab")
for n in $nodes; do ns_add "$n"; done
while read -r _ a ia b ib; do ns_link "$a" "$ia" "$b" "$ib"; done < <(grep '^link ' "$WORK/clab")
# run_clab_node NAME: like containerlab's linux kind (privileged), in NAME's namespace.
run_clab_node() {
	local n=$1 args=() host path image
	image=$(awk -v n="$n" '$1 == "node" && $2 == n {print $3}' "$WORK/clab")
	while read -r _ _ host path; do args+=(-v "$host:$path"); done < <(awk -v n="$n" '$1 == "bind" && $2 == n' "$WORK/clab")
	case $image in
	bgp-agent:*) ;;
	*) # the ToR's FRR image: the image's own FRR instead (zebra + bgpd, as its daemons file says)
		args+=(--entrypoint '["sh", "-c", "mkdir -p /var/run/frr && chown frr:frr /var/run/frr && /usr/lib/frr/zebra -d -A 127.0.0.1 -f /etc/frr/frr.conf && sleep 1 && /usr/lib/frr/bgpd -d -A 127.0.0.1 -f /etc/frr/frr.conf && exec sleep infinity"]') ;;
	esac
	containers+=("$LAB-$n")
	pm run -d --name "$LAB-$n" --hostname "$n" --privileged --network "ns:/run/netns/$(ns "$n")" \
		"${args[@]}" "$IMG" >/dev/null
}
for n in $nodes; do check "containerlab node $n runs" run_clab_node "$n"; done
sleep 1
while read -r _ n cmd; do pm exec "$LAB-$n" $cmd; done < <(grep '^exec ' "$WORK/clab")

tor_sessions() { # N: the ToR has N established sessions
	[ "$(pm exec "$LAB-tor" vtysh -c 'show bgp summary json' |
		jq '[.ipv4Unicast.peers[] | select(.state == "Established")] | length')" = "$1" ]
}
check "ToR: a session with each of the 3 nodes" wait_until 60 tor_sessions 3
has_proto_route() { ip -n "$(ns "$1")" route show proto 52 | grep -Eq "^$2 (nhid [0-9]+ )?via"; }
for n in 1 2 3; do
	for m in 1 2 3; do
		[ $n = $m ] && continue
		check "node$n installed node$m's pod CIDR" wait_until 30 has_proto_route node$n "10\\.244\\.$m\\.0/24"
	done
done

# pod_add NODE: one pod made with bgp-bridge inside NODE's container; prints its address.
pod_add() {
	pm exec "$LAB-$1" sh -c 'set -e
		conf=/etc/cni/net.d/10-bgp-bridge.conflist
		for i in $(seq 100); do [ -s $conf ] && break; sleep 0.1; done
		ip netns add pod1 && ip -n pod1 link set lo up
		jq -c ".plugins[0] + {name: .name, cniVersion: .cniVersion}" $conf >/tmp/pod1.json
		CNI_COMMAND=ADD CNI_CONTAINERID=pod1 CNI_NETNS=/run/netns/pod1 CNI_IFNAME=eth0 \
			CNI_PATH=/opt/cni/bin /opt/cni/bin/bgp-bridge </tmp/pod1.json |
			jq -r ".ips[0].address" | cut -d/ -f1'
}
declare -A pod_ip
for n in 1 2 3; do
	pod_ip[$n]=$(pod_add node$n)
	check "node$n: pod made with bgp-bridge (${pod_ip[$n]})" test -n "${pod_ip[$n]}"
done
matrix=""
for n in 1 2 3; do
	for m in 1 2 3; do
		[ $n = $m ] && continue
		pm exec "$LAB-node$n" ip netns exec pod1 ping -c 1 -W 2 -q "${pod_ip[$m]}" >/dev/null 2>&1 ||
			matrix="$matrix node$n->node$m"
	done
done
check_eq "ping matrix: every pod reaches every other pod" "${matrix:-all}" all

# --- (b) the DaemonSet's pod on a fourth node --------------------------------
ns_add k8s1
ns_link tor eth4 k8s1 eth1
pm exec "$LAB-tor" ip link set eth4 master br0
ip -n "$(ns k8s1)" addr add 192.168.1.14/24 dev eth1
V=$WORK/vol
mkdir -p "$V"/{config-template,agent-config,frr-config,frr-run,agent-run,cni-conf,cni-bin,cni-state}
python3 "$MANIFESTS" daemonset "$REPO/docker/kubernetes/bgp-agent.yaml" "$V/config-template" >"$WORK/ds"
echo '{"metadata": {"name": "k8s1", "labels": {}}, "spec": {"podCIDRs": ["10.244.4.0/24"]}}' \
	>"$V/config-template/node.json"
# What containerd gives a container (Kubernetes' default), plus the manifest's.
caps="CHOWN,DAC_OVERRIDE,FSETID,FOWNER,MKNOD,NET_RAW,SETGID,SETUID,SETFCAP,SETPCAP,NET_BIND_SERVICE,SYS_CHROOT,KILL,AUDIT_WRITE"
# pod_args CONTAINER: its mounts and environment, as the manifest says.
pod_args() {
	local c=$1 vol path mode name value
	while read -r _ _ vol path mode; do
		printf '%s\n' -v "$V/$vol:$path:$mode"
	done < <(awk -v c="$c" '$1 == "mount" && $2 == c' "$WORK/ds")
	while read -r _ _ name value; do
		case $value in
		configmap:*) value=$(cat "$V/config-template/${value#configmap:}") ;;
		field:spec.nodeName) value=k8s1 ;;
		field:status.hostIP) value=192.168.1.14 ;;
		esac
		printf '%s\n' -e "$name=$value"
	done < <(awk -v c="$c" '$1 == "env" && $2 == c' "$WORK/ds")
}
net=(--network "ns:/run/netns/$(ns k8s1)")
while read -r _ name cmd; do
	mapfile -t args < <(pod_args "$name")
	check "init container $name succeeds" pm run --rm "${net[@]}" --cap-drop all --cap-add "$caps" \
		"${args[@]}" -e NODE_JSON=/config/node.json --entrypoint "$cmd" "$IMG"
done < <(grep '^init ' "$WORK/ds")
check "install-cni put bgp-bridge on the host" test -x "$V/cni-bin/bgp-bridge"
check "render-config wrote the node's agent.conf" grep -q '"10.244.4.0/24"' "$V/agent-config/agent.conf"
manifest_caps=$(awk '$1 == "cap" {printf ",%s", $2}' "$WORK/ds")
mapfile -t args < <(pod_args bgp-agent)
containers+=("$LAB-ds")
check "DaemonSet container runs (manifest capabilities, not privileged)" quiet \
	pm run -d --name "$LAB-ds" "${net[@]}" --cap-drop all --cap-add "$caps$manifest_caps" \
	"${args[@]}" "$IMG"
check "DaemonSet container: /proc/sys is read-only" \
	pm exec "$LAB-ds" sh -c 'grep -q " /proc/sys proc ro," /proc/mounts'
check "ToR: the fourth node's session too" wait_until 60 tor_sessions 4
check "k8s1 installed node1's pod CIDR" wait_until 30 has_proto_route k8s1 '10\.244\.1\.0/24'
check "node1 installed k8s1's pod CIDR" wait_until 30 has_proto_route node1 '10\.244\.4\.0/24'

# SIGTERM and restart: watch the routes of k8s1 and node1 meanwhile.
for n in k8s1 node1; do
	ip -n "$(ns $n)" monitor route >"$WORK/monitor-$n" 2>&1 &
	track_pid $!
done
sleep 0.5
pm stop -t 30 "$LAB-ds" >/dev/null
check_eq "SIGTERM: the container exits 0" "$(pm inspect -f '{{.State.ExitCode}}' "$LAB-ds")" 0
check "SIGTERM: k8s1's routes stay" has_proto_route k8s1 '10\.244\.1\.0/24'
pm start "$LAB-ds" >/dev/null
agent_ok() { pm exec "$LAB-ds" bgp-agent status -c /etc/bgp-agent/agent.conf --json |
	jq -e '.peers[0].established and .frr.state == "applied"' >/dev/null; }
check "restart: the agent peers and applies again" wait_until 60 agent_ok
sleep 3
for n in k8s1 node1; do
	check_eq "restart: no route of proto 52 deleted in $n" \
		"$(grep -c '^Deleted.*proto 52' "$WORK/monitor-$n")" 0
done
pm logs "$LAB-ds" >"$WORK/ds.log" 2>&1
check "restart: no stale FRR state (no 'File exists')" sh -c "! grep -q 'File exists' '$WORK/ds.log'"
check "restart: no error in the agent's log" sh -c "! grep -E 'error:' '$WORK/ds.log'"
[ "$T_FAIL" = 0 ] || { note "--- DaemonSet container log"; tail -30 "$WORK/ds.log" | sed 's/^/#   /'; }
finish
