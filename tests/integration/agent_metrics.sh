#!/bin/bash
# The metrics endpoint (issue 10 item 3), with the real thing: Debian's
# prometheus scrapes the agent inside node1's namespace (own storage dir,
# 1 s interval) and its HTTP API gives back the peer, route, apply and
# latency series, equal to what the kernel and bgpd say; promtool accepts the
# page; slow, idle, garbage and never-reading HTTP clients leave route repair
# and scrapes fast; SIGTERM with such clients connected stops cleanly.
# timeout: 90
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/agent_testlib.sh"
need_root

ROUTES="10.244.7.0/24 10.244.8.0/24"
LISTEN=192.168.1.11:9101
PROM=127.0.0.1:19090
CLIENTS="$REPO/tests/lib/ctl_clients.py"

lan_node1_tor1 $ROUTES
frr_start node1 "$(frr_bootstrap node1)" -n
agent_conf node1 192.168.1.11 65001 10.244.1.0/24 \
	'{ name = "tor1"; address = "192.168.1.1"; asn = 65000; }' >/dev/null
echo "metrics = { listen = \"$LISTEN\"; };" >>"$WORK/node1.conf"
agent_start node1
check "routes from tor1 installed" wait_until 40 has_route node1 '^10\.244\.8\.0/24 via'

# get PATH [CURL_ARGS...]: the agent's answer at PATH (3 s at most).
get() { nsx node1 curl -sS -m 3 "${@:2}" "http://$LISTEN$1"; }
get /metrics -D "$WORK/headers" -o "$WORK/page.txt"
check "GET /metrics: 200, Prometheus text format" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$WORK/headers"
check "promtool check metrics accepts the page" sh -c "promtool check metrics <'$WORK/page.txt'"
check_eq "other paths: 404" "$(get /x -o /dev/null -w '%{http_code}')" 404
check_eq "POST: 405" "$(get /metrics -o /dev/null -w '%{http_code}' -d x=1)" 405

# --- prometheus scrapes it --------------------------------------------------
cat >"$WORK/prometheus.yml" <<YML
global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:
  - job_name: bgp-agent
    static_configs: [ { targets: [ "$LISTEN" ] } ]
YML
mkdir "$WORK/prom-data"
ip netns exec "$(ns node1)" prometheus --config.file="$WORK/prometheus.yml" \
	--storage.tsdb.path="$WORK/prom-data" --web.listen-address=$PROM \
	--log.level=warn >>"$WORK/prometheus.log" 2>&1 &
track_pid $!
# promql QUERY: the value of the query's first series ("" when none).
promql() {
	nsx node1 curl -sS -m 3 "http://$PROM/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // ""'
}
# prom_is QUERY VALUE: prometheus has the query at VALUE (it scrapes each second).
prom_is() { [ "$(promql "$1")" = "$2" ]; }
check "prometheus scrapes the agent (up == 1)" wait_until 30 prom_is 'up{job="bgp-agent"}' 1
check "bgp_agent_up == 1" wait_until 5 prom_is bgp_agent_up 1
check "peer tor1 up" wait_until 5 prom_is 'bgp_agent_peer_up{peer="tor1",address="192.168.1.1"}' 1
check "peer tor1 state set: Established" \
	wait_until 5 prom_is 'bgp_agent_peer_session_state{peer="tor1",state="Established"}' 1
check "peer tor1: 2 prefixes accepted (what it advertises)" \
	wait_until 5 prom_is 'bgp_agent_peer_prefixes_accepted{peer="tor1"}' 2
check "peer tor1: BFD off (not configured)" \
	wait_until 5 prom_is 'bgp_agent_peer_bfd_state{peer="tor1",state="off"}' 1
kernel=$(kroutes node1 | wc -l)
check "routes installed == the kernel's routes of proto 52 ($kernel)" \
	wait_until 5 prom_is bgp_agent_routes_installed "$kernel"
check "routes desired == installed, none failed or stale" \
	wait_until 5 prom_is 'bgp_agent_routes_desired - bgp_agent_routes_installed + bgp_agent_routes_failed + bgp_agent_routes_stale' 0
check "FRR applied once" wait_until 5 prom_is 'bgp_agent_frr_applies_total{result="applied"}' 1
check "FRR apply duration observed" wait_until 5 prom_is 'bgp_agent_frr_apply_duration_seconds_count > 0' 1
check "kernel sync latency histogram has observations" \
	wait_until 5 prom_is 'bgp_agent_kernel_sync_duration_seconds_count > bool 0' 1
check "feed latency histogram has observations" \
	wait_until 5 prom_is 'bgp_agent_feed_duration_seconds_count > bool 0' 1
check "start time is the agent's (within 60 s of now)" \
	wait_until 5 prom_is 'abs(time() - bgp_agent_start_time_seconds) < bool 60' 1
# A change shows: tor1 withdraws a route.
feeds=$(promql bgp_agent_feed_duration_seconds_count)
vty tor1 "configure terminal" "router bgp 65000" "address-family ipv4 unicast" \
	"no network 10.244.8.0/24" >/dev/null
check "withdrawn route: tor1 down to 1 accepted prefix" \
	wait_until 15 prom_is 'bgp_agent_peer_prefixes_accepted{peer="tor1"}' 1
check "withdrawn route: installed down by one" \
	wait_until 5 prom_is 'bgp_agent_routes_installed' $((kernel - 1))
check "withdrawn route: a deletion counted" \
	wait_until 5 prom_is 'bgp_agent_kernel_route_changes_total{change="deleted"} > bool 0' 1
check "withdrawn route: learning it is timed in the feed histogram" \
	wait_until 5 prom_is "bgp_agent_feed_duration_seconds_count > bool ${feeds:-0}" 1

# --- hostile HTTP clients -----------------------------------------------------
ROUTE=10.244.7.0/24
# repair_ms: deletes ROUTE by hand; the milliseconds until the agent put it back.
repair_ms() {
	local t0
	ip -n "$(ns node1)" route del $ROUTE proto 52
	t0=$(now_ms)
	while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
		has_route node1 "^${ROUTE//./\\.} via" && { echo $(( $(now_ms) - t0 )); return; }
		sleep 0.01
	done
	echo 9999
}
pids=()
for mode in "slowloris" "idle 16" "garbage" "noread 4"; do
	nsx node1 python3 "$CLIENTS" ${mode%% *} "tcp:$LISTEN" 8 ${mode#* } &
	pids+=($!); track_pid $!
done
sleep 2.5 # the slow client is mid-request, the others connected
ms=$(repair_ms)
note "hostile HTTP clients: route back after $ms ms"
check "hostile HTTP clients: hand-deleted route back within 1 s" test "$ms" -lt 1000
t0=$(now_ms)
get /metrics -o "$WORK/page2.txt"
ms=$(( $(now_ms) - t0 ))
note "hostile HTTP clients: a scrape answered in $ms ms"
check "hostile HTTP clients: a scrape answers within 1 s" test "$ms" -lt 1000
check "hostile HTTP clients: and is complete" grep -q '^bgp_agent_frr_apply_duration_seconds_count ' "$WORK/page2.txt"
ms=$(repair_ms)
check "hostile HTTP clients: route back within 1 s again ($ms ms)" test "$ms" -lt 1000

# --- bgpd stopped: scrapes answer from what is known --------------------------
bgpd=$(cat "$(frr_dir node1)/bgpd.pid")
kill -STOP "$bgpd"
on_cleanup kill -CONT "$bgpd"
slow=0
for i in 1 2 3; do
	t0=$(now_ms)
	get /metrics -o "$WORK/page3.txt"
	ms=$(( $(now_ms) - t0 ))
	note "bgpd stopped: scrape $i answered in $ms ms"
	[ "$ms" -lt 1500 ] || slow=$ms
done
check_eq "bgpd stopped: every scrape answers within 1.5 s" "$slow" 0
check "bgpd stopped: the page says bgpd is not answering" \
	grep -qx 'bgp_agent_bgpd_answering 0' "$WORK/page3.txt"
kill -CONT "$bgpd"

# SIGTERM while hostile clients are still connected.
nsx node1 python3 "$CLIENTS" idle "tcp:$LISTEN" 20 8 &
track_pid $!
nsx node1 python3 "$CLIENTS" noread "tcp:$LISTEN" 20 2 &
track_pid $!
sleep 1
t0=$(now_ms)
pid=$(agent_pid node1)
kill -TERM "$pid"
wait "$pid"
rc=$?
check_eq "SIGTERM with HTTP clients connected: exit status 0" "$rc" 0
check "SIGTERM: stopped within 2 s" test $(( $(now_ms) - t0 )) -lt 2000
eval "AGENT_PID_node1="
check_agent_logs_clean

finish
