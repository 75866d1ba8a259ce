#!/bin/bash
# Static checks of docker/ (no container engine runs here): the YAML parses,
# every agent.conf shipped (and the one the Kubernetes init container renders)
# passes `bgp-agent check-config`, every path the files use exists in a
# `make install DESTDIR=…` tree, the runtime packages in the Dockerfile are the
# ones providing the libraries the binaries link against, and the entrypoint
# passes `bash -n`.
# timeout: 120
. "$(dirname "$0")/../lib/testlib.sh"
D=$REPO/docker
AGENT=$BUILD_DIR/bgp-agent
tmp=$(mktemp -d /tmp/bgp-docker-files.XXXXXX)
track_path "$tmp"

# --- YAML ---------------------------------------------------------------------
for y in "$D"/containerlab/*.clab.yml "$D"/kubernetes/*.yaml; do
	check "YAML parses: ${y#"$REPO"/}" python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$y"
done

# --- entrypoint -----------------------------------------------------------------
check "entrypoint.sh passes bash -n" bash -n "$D/entrypoint.sh"
check "entrypoint.sh is executable" test -x "$D/entrypoint.sh"
for b in /usr/lib/frr/zebra /usr/lib/frr/bfdd /usr/lib/frr/bgpd; do
	grep -q "$b" "$D/entrypoint.sh" && check "entrypoint's $b exists in Debian's frr package" test -x "$b"
done
check "entrypoint starts bgpd without FIB install (-n)" grep -q 'bgpd -d -n' "$D/entrypoint.sh"
check "entrypoint starts bgpd with the BMP module (-M bmp)" grep -q 'bgpd -d -n -M bmp' "$D/entrypoint.sh"

# The entrypoint for real, as far as it runs without a container engine: in a
# lab namespace with private tmpfs over /etc/frr, /var/run/frr and /var/tmp/frr
# (the container's files, kept across a restart), with a node config whose
# paths point into this tree. It runs twice, each time in a fresh pid
# namespace as PID 1 like `podman restart` does: pids repeat, and the second
# run finds the first one's FRR runtime state (and, to make pid collisions
# certain, scratch directories for every low pid).
ep_run() {
	mkdir -p "$tmp/ep"
	sed -e "s|/usr/share/bgp-agent/frr-templates|$REPO/frr-templates|" \
		-e "s|/etc/cni/net.d/|$tmp/ep/|" -e "s|/var/run/bgp-agent/agent.sock|$tmp/ep/agent.sock|" \
		"$D/containerlab/node1/agent.conf" >"$tmp/ep/agent.conf"
	ns_add ep || return 1
	# (no dummy module in every kernel: a veth pair with both ends inside)
	ip -n "$(ns ep)" link add eth1 type veth peer name eth1p && ip -n "$(ns ep)" link set eth1 up &&
		ip -n "$(ns ep)" addr add 192.168.1.11/24 dev eth1 || return 1
	# ip netns exec runs in a mount namespace of its own: the tmpfs mounts
	# below never reach the machine's /etc/frr, /var/run/frr or /var/tmp/frr.
	# shellcheck disable=SC2016 # $1.. expand in the inner shell
	ip netns exec "$(ns ep)" sh -c 'mount -t tmpfs ep /etc/frr && mount -t tmpfs ep /var/run/frr &&
		mkdir -p /var/tmp/frr && mount -t tmpfs ep /var/tmp/frr || exit 1
		for run in 1 2; do
			[ $run = 2 ] && for p in $(seq 2 300); do mkdir -p /var/tmp/frr/zebra.$p \
				/var/tmp/frr/bfdd.$p /var/tmp/frr/bgpd.$p; done
			unshare --pid --fork --mount-proc env PATH="$1:$PATH" BGP_AGENT_CONF="$2" \
				bash "$3" >"$4/log.$run" 2>&1 &
			echo $! >"$4/unshare.$run"
			rc=0; wait $! || rc=$?
			echo $rc >"$4/rc.$run"
		done' ep "$BUILD_DIR" "$tmp/ep/agent.conf" "$D/entrypoint.sh" "$tmp/ep" &
	EP_PID=$!
	track_pid "$EP_PID"
}
ep_applied() { "$AGENT" status -c "$tmp/ep/agent.conf" 2>/dev/null | grep -q '^FRR: *applied'; }
ep_daemons_gone() { [ -z "$(ip netns pids "$(ns ep)")" ]; }
# ep_pid RUN: the entrypoint of run RUN (PID 1 of its pid namespace).
ep_pid() { [ -s "$tmp/ep/unshare.$1" ] && pgrep -P "$(cat "$tmp/ep/unshare.$1")" | head -n1; }
ep_stop() { # RUN
	local pid
	pid=$(ep_pid "$1") && [ -n "$pid" ] && kill -TERM "$pid" &&
		wait_until 15 test -s "$tmp/ep/rc.$1"
}
if ep_run; then
	check "entrypoint: zebra, bgpd and the agent start; the agent applied its FRR config" wait_until 30 ep_applied
	check "entrypoint: bgpd runs with -n (no FIB install)" sh -c "ps -o args= \$(ip netns pids $(ns ep)) | grep -q 'bgpd -d -n'"
	check "entrypoint: bgpd runs with -M bmp" sh -c "ps -o args= \$(ip netns pids $(ns ep)) | grep -q 'bgpd -d -n -M bmp'"
	check "entrypoint: bfdd runs (for bfd = true peers)" sh -c "ps -o args= \$(ip netns pids $(ns ep)) | grep -q 'bfdd -d'"
	ep_stop 1
	check_eq "entrypoint: SIGTERM is forwarded, the agent exits 0 and so does the entrypoint" \
		"$(cat "$tmp/ep/rc.1" 2>/dev/null)" 0
	# --- restart: the same files, a fresh pid namespace -----------------------------
	check "restarted entrypoint: the agent applied its FRR config again" wait_until 30 sh -c \
		"[ -s '$tmp/ep/unshare.2' ] && '$AGENT' status -c '$tmp/ep/agent.conf' 2>/dev/null | grep -q '^FRR: *applied'"
	check "restarted entrypoint: zebra, bfdd and bgpd run" sh -c \
		"ps -o comm= \$(ip netns pids $(ns ep)) | sort -u | grep -c '^\(zebra\|bfdd\|bgpd\)$' | grep -qx 3"
	check_eq "restarted entrypoint: FRR finds a clean runtime state (no \"File exists\")" \
		"$(grep -c 'File exists' "$tmp/ep/log.2")" 0
	check "restarted entrypoint: the previous run's scratch directories are gone" sh -c \
		"d=/proc/\$(pgrep -P \$(cat '$tmp/ep/unshare.2') | head -n1)/root/var/tmp/frr
		 [ -d \$d ] && ls \$d | grep -q '^zebra\.' && ! ls \$d | grep -q '\.300\$'"
	ep_stop 2
	check_eq "restarted entrypoint exits 0 on SIGTERM" "$(cat "$tmp/ep/rc.2" 2>/dev/null)" 0
	wait "$EP_PID"
	check "entrypoint: zebra, bfdd and bgpd are stopped after the agent exits" wait_until 10 ep_daemons_gone
else
	not_ok "entrypoint: set up its namespace"
fi
[ "$T_FAIL" = 0 ] || tail -n 20 "$tmp/ep"/log.* >&2

# --- make install tree ------------------------------------------------------------
dest=$tmp/root
# Same flags as the build under test, so `install`'s dependency on `all`
# never rebuilds anything into BUILD_DIR with different flags.
san=0
ldd "$AGENT" | grep -q libasan && san=1
if make -s -C "$REPO" SANITIZE=$san BUILD="$BUILD_DIR" install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=… succeeds"
else
	not_ok "make install DESTDIR=… succeeds: $(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
fi
for p in /usr/sbin/bgp-agent /opt/cni/bin/bgp-bridge /usr/share/bgp-agent/frr-templates \
	/usr/lib/systemd/system/bgp-agent.service; do
	check "install tree has $p" test -e "$dest$p"
done
# The systemd unit runs binaries that the install tree has.
for b in $(sed -n 's/^Exec[A-Za-z]*=\([^ ]*\).*/\1/p' "$dest/usr/lib/systemd/system/bgp-agent.service"); do
	check "systemd unit's $b exists" test -x "$([ "$b" = /bin/kill ] || echo "$dest")$b"
done
# install-cni copies the plugin onto Kubernetes hosts, which need not have libnl
# or jansson: it must be static (sanitizer builds link it dynamically).
[ "$san" = 0 ] && check "installed bgp-bridge is statically linked (runs on any host)" \
	sh -c "! ldd '$dest/opt/cni/bin/bgp-bridge' >/dev/null 2>&1"
check "Dockerfile copies the install tree from DESTDIR=/out" grep -q 'install DESTDIR=/out' "$D/Dockerfile"
check "Dockerfile's CNI copy source is an installed path" grep -q 'install -D -m 0755 /opt/cni/bin/bgp-bridge /usr/lib/bgp-agent/cni/bgp-bridge' "$D/Dockerfile"
check "DaemonSet installs the CNI from the path the Dockerfile creates" grep -q '/usr/lib/bgp-agent/cni/bgp-bridge' "$D/kubernetes/bgp-agent.yaml"
check "Dockerfile is Debian 12 (bookworm)" grep -q '^FROM debian:bookworm' "$D/Dockerfile"

# The Debian packages of every shared library the binaries link directly must be
# installed in the runtime stage (apt brings the libraries those link).
runtime_pkgs() {
	local bin
	for bin in "$AGENT" "$BUILD_DIR/bgp-bridge"; do
		ldd "$bin" 2>/dev/null | awk -v needed="$(objdump -p "$bin" 2>/dev/null |
			awk '$1 == "NEEDED" {print $2}')" '
			BEGIN { n = split(needed, v, "\n"); for (i = 1; i <= n; i++) want[v[i]] = 1 }
			/=>/ && ($1 in want) {print $3}'
	done | sort -u | while read -r lib; do
		dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null
	done | cut -d: -f1 | sort -u | grep -v '^libc6$' |
		# the sanitizer runtime is not part of the image (it builds without)
		if [ "$san" = 1 ]; then grep -vE '^(libasan|libubsan|libgcc-s|libstdc\+\+)'; else cat; fi
}
for pkg in $(runtime_pkgs); do
	check "Dockerfile runtime stage installs $pkg (a library the binaries link)" grep -qw "$pkg" "$D/Dockerfile"
done

# --- agent configurations ---------------------------------------------------------
# Paths inside a shipped agent.conf must be ones the image has: installed by
# `make install`, created by the entrypoint, or FRR's own.
conf_paths_exist() { # CONF
	local t
	t=$(sed -n 's/^ *templates *= *"\(.*\)";/\1/p' "$1")
	[ -d "$dest$t" ] || { echo "templates $t not in install tree"; return 1; }
}
for c in "$D"/containerlab/node*/agent.conf; do
	check "check-config passes: ${c#"$REPO"/}" "$AGENT" check-config -c "$c"
	check "paths of ${c#"$REPO"/} exist in the install tree" conf_paths_exist "$c"
done

# Kubernetes: render the ConfigMap template with the ConfigMap's own script for
# a sample Node object, exactly as the init container does, then check it.
python3 - "$D/kubernetes/bgp-agent.yaml" "$tmp" <<'EOF' || not_ok "extract ConfigMap"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
cm = next(d for d in docs if d["kind"] == "ConfigMap")
for key in ("agent.conf.tmpl", "render-config.py"):
    open("%s/%s" % (sys.argv[2], key), "w").write(cm["data"][key])
EOF
cat >"$tmp/node.json" <<'EOF'
{"metadata": {"name": "worker-7", "labels": {}},
 "spec": {"podCIDR": "10.244.7.0/24", "podCIDRs": ["10.244.7.0/24"]}}
EOF
check "render-config.py renders the template for a sample Node" env NODE_JSON="$tmp/node.json" \
	NODE_NAME=worker-7 NODE_IP=192.168.1.17 TOR_ADDRESS=192.168.1.1 TOR_ASN=65000 \
	python3 "$tmp/render-config.py" "$tmp/agent.conf.tmpl" "$tmp/k8s-agent.conf"
check "rendered Kubernetes agent.conf passes check-config" "$AGENT" check-config -c "$tmp/k8s-agent.conf"
check "rendered ASN is 4200000000 + low 24 bits of the node IP" grep -q "asn *= *$((4200000000 + (168 << 16) + (1 << 8) + 17));" "$tmp/k8s-agent.conf"
check "paths of the Kubernetes agent.conf exist in the install tree" conf_paths_exist "$tmp/k8s-agent.conf"
check "a Node without podCIDRs is refused" sh -c "echo '{\"spec\":{}}' >'$tmp/empty.json' &&
	! NODE_JSON='$tmp/empty.json' NODE_NAME=x NODE_IP=192.168.1.9 TOR_ADDRESS=192.168.1.1 TOR_ASN=65000 \
	python3 '$tmp/render-config.py' '$tmp/agent.conf.tmpl' '$tmp/x.conf' 2>/dev/null"

# --- DaemonSet structure -----------------------------------------------------------
python3 - "$D/kubernetes/bgp-agent.yaml" >"$tmp/ds.tap" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
ds = next(d for d in docs if d["kind"] == "DaemonSet")
spec = ds["spec"]["template"]["spec"]
def t(ok, what): print(("ok" if ok else "FAIL") + " " + what)
t(spec.get("hostNetwork") is True, "DaemonSet uses hostNetwork")
vols = {v["name"]: v for v in spec["volumes"]}
mounts = {}
for c in spec["containers"] + spec.get("initContainers", []):
    for m in c.get("volumeMounts", []):
        t(m["name"] in vols, "volume %s of container %s is defined" % (m["name"], c["name"]))
        mounts[m["mountPath"]] = m["name"]
for host in ("/opt/cni/bin", "/etc/cni/net.d", "/var/lib/cni"):
    t(any(v.get("hostPath", {}).get("path") == host for v in vols.values()), "hostPath %s mounted" % host)
for path in ("/etc/frr", "/var/run/frr", "/etc/bgp-agent"):
    t(path in mounts, "%s mounted in the agent container" % path)
caps = spec["containers"][0]["securityContext"]["capabilities"]["add"]
t(set(caps) <= {"NET_ADMIN", "NET_RAW", "SYS_ADMIN"}, "capabilities limited to %s" % caps)
t(not spec["containers"][0]["securityContext"].get("privileged"), "agent container is not privileged")
EOF
while read -r res what; do
	if [ "$res" = ok ]; then ok "$what"; else not_ok "$what"; fi
done <"$tmp/ds.tap"

# --- containerlab ---------------------------------------------------------------------
# The filtered ToR config shipped for containerlab (and shown in docs/deployment.md for
# bare metal), for real: as the ToR of a two-node namespace lab.
clab_tor_lab() {
	on_cleanup "env LAB=dt$$ '$REPO/tests/lab/lab.sh' down" # if this script is killed meanwhile
	(
		LAB=dt$$ MODE=tor DUALSTACK=0 NODES=2 LAB_TOR_CONF=$D/containerlab/tor/frr.conf
		. "$REPO/tests/lab/lab.sh"
		# a subshell does not inherit the EXIT trap: clean up here
		trap lab_down EXIT
		trap 'exit 143' TERM
		if lab_up && lab_pod_add node1 pod1 >/dev/null && lab_pod_add node2 pod1 >/dev/null &&
			wait_until 60 lab_converged && lab_ping node1-pod1 node2-pod1; then
			exit 0
		fi
		lab_dump
		exit 1
	)
}
check "the containerlab ToR config as the ToR of a 2-node lab: routes converge, pods reach each other" clab_tor_lab

clab_binds_exist() {
	python3 - "$D/containerlab/bgp-agent.clab.yml" <<'EOF'
import os, sys, yaml
topo = yaml.safe_load(open(sys.argv[1]))
base = os.path.dirname(sys.argv[1])
bad = [b for n in topo["topology"]["nodes"].values() for b in n.get("binds", [])
       if not os.path.exists(os.path.join(base, b.split(":")[0]))]
print("missing:", bad) if bad else None
sys.exit(1 if bad else 0)
EOF
}
check "every file the containerlab topology binds exists" clab_binds_exist
# FRR's own parser, without daemons: the ToR configs we ship are valid FRR 8.4.
for f in "$D/containerlab/tor/frr.conf" "$REPO/tests/lab/tor-frr.conf"; do
	check "vtysh --dryrun accepts ${f#"$REPO"/}" vtysh -C -f "$f"
done
finish
