#!/bin/bash
# `make deb`: the Debian package builds with debhelper and lintian reports no
# error (make deb fails otherwise); it depends on frr and frr-pythontools and
# holds both binaries, the templates, the example configs, the man pages, the
# systemd unit and the rt_protos entry; installed with dpkg into a throw-away
# root, its bgp-agent passes check-config on its example config, and a purge
# leaves that root as it was. The machine's own dpkg database is not touched.
# timeout: 120
. "$(dirname "$0")/../lib/testlib.sh"
tmp=$(mktemp -d /tmp/deb-test.XXXXXX)
track_path "$tmp"
debdir=$tmp/out

check "make deb builds the package, lintian without errors" \
	sh -c "make -s -C '$REPO' deb BUILD='$tmp/build' >'$tmp/make.log' 2>&1"
grep -v '^running with root' "$tmp/make.log" | sed 's/^/# /'
deb=$(ls "$tmp"/build/deb/bgp-agent_*.deb 2>/dev/null | head -1)
check "one .deb" test -f "$deb"
depends=$(dpkg-deb -f "$deb" Depends)
note "Depends: $depends"
check "depends on frr" grep -Eq '(^|, )frr(,| |$)' <<<"$depends"
check "depends on frr-pythontools" grep -q 'frr-pythontools' <<<"$depends"

# A throw-away root with an empty dpkg database; frr is not in it, hence
# --force-depends (the dependency itself is checked above).
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
find "$root" | sort >"$tmp/before"
check "dpkg -i into the throw-away root" sh -c \
	"dpkg --root='$root' --force-depends --force-script-chrootless -i '$deb' >'$tmp/dpkg.log' 2>&1"
for f in usr/sbin/bgp-agent usr/lib/cni/bgp-bridge \
	usr/share/bgp-agent/frr-templates/frr.conf.tmpl \
	etc/bgp-agent/agent.conf.example \
	usr/share/doc/bgp-agent/examples/agent.conf \
	usr/share/doc/bgp-agent/examples/10-bgp-bridge.conflist \
	usr/share/doc/bgp-agent/README.Debian \
	usr/share/man/man5/bgp-agent.conf.5.gz usr/share/man/man8/bgp-agent.8.gz \
	usr/share/man/man8/bgp-bridge.8.gz usr/lib/systemd/system/bgp-agent.service; do
	check "installed: /$f" test -s "$root/$f"
done
check_eq "rt_protos entry" "$(cat "$root/etc/iproute2/rt_protos.d/bgp-agent.conf")" "52 bgp-agent"
check "the unit runs the installed binary" \
	grep -q '^ExecStart=/usr/sbin/bgp-agent run' "$root/usr/lib/systemd/system/bgp-agent.service"
check "README.Debian tells how to enable bgpd and bfdd in FRR's daemons file" sh -c \
	"grep -q 'bgpd=yes' '$root/usr/share/doc/bgp-agent/README.Debian' && grep -q 'bfdd=yes' '$root/usr/share/doc/bgp-agent/README.Debian'"
check "the man pages read without warnings" sh -c \
	"MANWIDTH=80 man --warnings -l '$root/usr/share/man/man8/bgp-agent.8.gz' 2>&1 >/dev/null | grep -c . | grep -qx 0"

# The example names /usr/share/bgp-agent/frr-templates; here that is in the
# throw-away root, so the check runs on a copy pointing there.
sed "s|\"/usr/share/bgp-agent/frr-templates\"|\"$root/usr/share/bgp-agent/frr-templates\"|" \
	"$root/etc/bgp-agent/agent.conf.example" >"$tmp/agent.conf"
check "the packaged bgp-agent passes check-config on the packaged example" sh -c \
	"'$root/usr/sbin/bgp-agent' check-config -c '$tmp/agent.conf' | grep -q 'configuration OK'"
check "the packaged bgp-bridge answers VERSION" sh -c \
	"CNI_COMMAND=VERSION '$root/usr/lib/cni/bgp-bridge' </dev/null | grep -q supportedVersions"

check "dpkg --purge" sh -c "dpkg --root='$root' --force-script-chrootless --purge bgp-agent >>'$tmp/dpkg.log' 2>&1"
find "$root" | sort | grep -v '^'"$root"'/var/lib/dpkg' >"$tmp/after"
grep -v '^'"$root"'/var/lib/dpkg' "$tmp/before" >"$tmp/before.files"
check "purge leaves the root as it was" diff "$tmp/before.files" "$tmp/after"
[ "$T_FAIL" = 0 ] || sed 's/^/# /' "$tmp/dpkg.log"
finish
