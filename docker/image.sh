#!/bin/bash
# Builds the bgp-agent image with podman, without a registry: the Debian base
# image is made locally with debootstrap from apt's own mirror and kept in a
# private storage directory (never the machine's default image store), so
# later builds reuse it. Why each option: docs/deployment.md, "Containers with podman".
#
#   docker/image.sh build        base image if missing or older than BASE_MAX_DAYS, then the image
#   docker/image.sh base         only the base image
#   docker/image.sh podman ARGS  podman with the project's store and containers.conf
#
# Environment: PODMAN_STORE (default /var/tmp/bgp-agent-podman), IMAGE (default
# localhost/bgp-agent:latest), DEBIAN_MIRROR (default: the first bookworm URI
# of apt's sources), BASE_MAX_DAYS (default 7).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PODMAN_STORE=${PODMAN_STORE:-/var/tmp/bgp-agent-podman}
IMAGE=${IMAGE:-localhost/bgp-agent:latest}
BASE=docker.io/library/debian:bookworm
BASE_MAX_DAYS=${BASE_MAX_DAYS:-7}
export CONTAINERS_CONF=$REPO/docker/containers.conf

pm() {
	mkdir -p "$PODMAN_STORE"/{root,runroot,tmp}
	podman --root "$PODMAN_STORE/root" --runroot "$PODMAN_STORE/runroot" \
		--tmpdir "$PODMAN_STORE/tmp" "$@"
}

mirror() {
	[ -n "${DEBIAN_MIRROR:-}" ] && { echo "$DEBIAN_MIRROR"; return; }
	{ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '
		/^deb / && / bookworm / && !/security/ { print $2; exit }
		/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u !~ /security/ { print u; exit }'
}

# The base image is still valid when it exists and is younger than BASE_MAX_DAYS.
base_valid() {
	local created
	created=$(pm image inspect --format '{{.Created.Unix}}' "$BASE" 2>/dev/null) || return 1
	[ $(( $(date +%s) - created )) -lt $(( BASE_MAX_DAYS * 86400 )) ]
}

base() {
	local rootfs url
	base_valid && return 0
	url=$(mirror)
	[ -n "$url" ] || { echo "image: no bookworm mirror in apt's sources; set DEBIAN_MIRROR" >&2; return 1; }
	rootfs=$(mktemp -d "$PODMAN_STORE/tmp/rootfs.XXXXXX")
	trap 'rm -rf "$rootfs"' RETURN
	echo "image: debootstrap bookworm from $url (about 35 s)" >&2
	debootstrap --variant=minbase bookworm "$rootfs" "$url" >"$rootfs.log" 2>&1 ||
		{ tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; return 1; }
	rm -f "$rootfs.log"
	tar --numeric-owner -C "$rootfs" -c . | pm import -q - "$BASE" >/dev/null
	pm tag "$BASE" docker.io/library/debian:bookworm-slim
}

build() {
	base
	echo "image: building $IMAGE from docker/Dockerfile" >&2
	pm build --pull=never --network host -f "$REPO/docker/Dockerfile" -t "$IMAGE" "$REPO"
}

case ${1:-} in
base) base ;;
build) build ;;
podman) shift; pm "$@" ;;
*) sed -n '2,14s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
