#!/bin/sh
# Installs every Debian 12 package needed to build, test and run bgp-agent and
# bgp-bridge. Idempotent: quiet and quick when everything is already there.
# `deps.sh --list` prints the package names (one a line) and installs nothing.
set -eu

PACKAGES="make gcc libc6-dev pkg-config
  libnl-3-dev libnl-route-3-dev libconfig-dev libjansson-dev libmicrohttpd-dev libcmocka-dev
  frr frr-pythontools
  iproute2 iputils-ping procps psmisc kmod util-linux
  containernetworking-plugins valgrind python3 python3-yaml jq prometheus
  groff-base man-db
  build-essential debhelper dpkg-dev lintian
  podman runc debootstrap"

if [ "${1:-}" = --list ]; then
	printf '%s\n' $PACKAGES
	exit 0
fi

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing — run as root (make deps)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
