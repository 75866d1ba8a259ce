#!/bin/bash
# Container entrypoint: starts FRR's zebra, bfdd (for `bfd = true` peers) and
# bgpd with FIB install off (bgpd -n: bgp-agent is the only writer of the
# routes BGP learned) and the BMP module (-M bmp: bgpd pushes route changes
# to the agent), then runs
# `bgp-agent run` and stays as PID 1: it forwards SIGTERM/SIGINT/SIGHUP to the
# agent, reaps orphans, and stops FRR when the agent exits.
#
# Environment:
#   BGP_AGENT_CONF   agent config (default /etc/bgp-agent/agent.conf)
#   FRR_CONF         FRR config the agent renders into (default /etc/frr/frr.conf)
#   FRR_RUN          FRR's run directory with the vty sockets (default /var/run/frr)
#   FRR_TMP          FRR's per-process scratch directory (default /var/tmp/frr)
#   BGP_AGENT_ARGS   extra arguments for `bgp-agent run` (e.g. -v)
set -euo pipefail

BGP_AGENT_CONF=${BGP_AGENT_CONF:-/etc/bgp-agent/agent.conf}
FRR_CONF=${FRR_CONF:-/etc/frr/frr.conf}
FRR_RUN=${FRR_RUN:-/var/run/frr}
FRR_TMP=${FRR_TMP:-/var/tmp/frr}
agent_pid=

log() { echo "entrypoint: $*" >&2; }

# wait_for PATH: up to 10 s for a socket to appear.
wait_for() {
	for _ in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	log "timed out waiting for $1"
	return 1
}

# frr_alive PIDFILE: the pid file names a running FRR daemon.
frr_alive() {
	local pid comm
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	case $comm in zebra | bgpd | bfdd | staticd | watchfrr) return 0 ;; esac
	return 1
}

# A restarted container keeps its files but not its processes. FRR names its
# scratch directories by pid, and pids repeat in a fresh pid namespace: zebra
# then fails with 'failed to mkdir "/var/tmp/frr/zebra.N": File exists'. The
# pid files and sockets of the previous run are just as dead. Only if no FRR
# daemon of this run directory is alive (then it is not ours to clean).
clean_frr_state() {
	local f
	for f in "$FRR_RUN"/*.pid; do
		if frr_alive "$f"; then
			log "FRR is already running here ($f: pid $(cat "$f")); not starting a second one"
			return 1
		fi
	done
	rm -rf "${FRR_TMP:?}"/*
	rm -f "$FRR_RUN"/*.pid "$FRR_RUN"/*.vty "$FRR_RUN"/zserv.api "$FRR_RUN"/bfdd.sock
}

prepare_frr() {
	mkdir -p "$FRR_RUN" "$(dirname "$FRR_CONF")" /var/run/bgp-agent
	# A bootstrap config until the agent renders the real one.
	[ -s "$FRR_CONF" ] || printf 'frr defaults datacenter\nservice integrated-vtysh-config\n!\n' >"$FRR_CONF"
	[ -e "$(dirname "$FRR_CONF")/vtysh.conf" ] || : >"$(dirname "$FRR_CONF")/vtysh.conf"
	chown -R frr:frr "$FRR_RUN" "$(dirname "$FRR_CONF")"
}

start_frr() {
	/usr/lib/frr/zebra -d -f "$FRR_CONF" -i "$FRR_RUN/zebra.pid"
	wait_for "$FRR_RUN/zserv.api"
	# bfdd reads only its block of the file: given all of it, it leaves config
	# mode at the first `exit` of a block it does not know (router bgp).
	sed -n '/^frr defaults /p; /^bfd$/,/^exit$/p' "$FRR_CONF" >"$FRR_RUN/bfdd.conf"
	/usr/lib/frr/bfdd -d -f "$FRR_RUN/bfdd.conf" -i "$FRR_RUN/bfdd.pid"
	wait_for "$FRR_RUN/bfdd.vty"
	/usr/lib/frr/bgpd -d -n -M bmp -f "$FRR_CONF" -i "$FRR_RUN/bgpd.pid"
	wait_for "$FRR_RUN/bgpd.vty"
}

stop_frr() {
	local d
	for d in bgpd bfdd zebra; do
		if [ -f "$FRR_RUN/$d.pid" ]; then kill "$(cat "$FRR_RUN/$d.pid")" 2>/dev/null || true; fi
	done
}

# shellcheck disable=SC2317 # called from the traps below
forward() {
	if [ -n "$agent_pid" ]; then kill -"$1" "$agent_pid" 2>/dev/null || true; fi
}

main() {
	bgp-agent check-config -c "$BGP_AGENT_CONF"
	clean_frr_state
	prepare_frr
	start_frr
	trap 'forward TERM' TERM
	trap 'forward INT' INT
	trap 'forward HUP' HUP
	# shellcheck disable=SC2086
	bgp-agent run -c "$BGP_AGENT_CONF" ${BGP_AGENT_ARGS:-} &
	agent_pid=$!
	local rc rc2
	# wait returns early (status > 128) when a trapped signal arrives. If the
	# agent is still shutting down, wait again; if it has just exited, a second
	# wait returns its real status (127 means the first one already had it).
	while :; do
		rc=0
		wait "$agent_pid" || rc=$?
		[ "$rc" -gt 128 ] || break
		kill -0 "$agent_pid" 2>/dev/null && continue
		rc2=0
		wait "$agent_pid" 2>/dev/null || rc2=$?
		[ "$rc2" != 127 ] && rc=$rc2
		break
	done
	stop_frr
	log "bgp-agent exited with status $rc"
	exit "$rc"
}

main "$@"
