# Helpers for the agent's end-to-end tests and benchmark (source after
# testlib.sh). A small lab: an L2 switch "lan" (bridge br0) for the node
# network 192.168.1.0/24, node namespaces running FRR + bgp-agent, and
# upstream FRR routers ("tors") that inject prefixes with `network`
# statements. Every address lives inside the lab's namespaces.

AGENT=$BUILD_DIR/bgp-agent
WORK=$(mktemp -d /tmp/agent-test.XXXXXX)
track_path "$WORK"
_lan_port=0

lan_up() { ns_add lan && ns_bridge lan br0; }
# lan_attach NAME ADDR/LEN: eth0 in NAME, plugged into the lan switch.
lan_attach() {
	_lan_port=$((_lan_port + 1))
	ns_link "$1" eth0 lan "p$_lan_port" &&
		ip -n "$(ns lan)" link set "p$_lan_port" master br0 &&
		ip -n "$(ns "$1")" addr add "$2" dev eth0
}

# frr_bootstrap NAME: the minimal config an agent's FRR starts with; the
# agent renders and applies the rest.
frr_bootstrap() {
	# The agent renders the machine's hostname (namespaces share it): start
	# with the same one so the first apply does not rename the router.
	printf 'frr defaults datacenter\nhostname %s\nservice integrated-vtysh-config\n!\n' "$(hostname)" \
		>"$WORK/$1-frr.conf"
	echo "$WORK/$1-frr.conf"
}

# tor_conf NAME ADDR ROUTER_ID NEIGHBORS AS PREFIX...: an upstream router in
# AS 65000 that advertises PREFIXes without needing routes for them.
# NEIGHBORS: "ADDR" (with AS for it), or "ADDR=AS,ADDR=AS,..." (AS unused).
tor_conf() {
	local name=$1 addr=$2 rid=$3 nbrs=$4 nas=$5 p n a; shift 5
	case $nbrs in *=*) ;; *) nbrs="$nbrs=$nas" ;; esac
	{
		printf 'frr defaults datacenter\nhostname %s\n!\nrouter bgp 65000\n' "$name"
		printf ' bgp router-id %s\n no bgp ebgp-requires-policy\n' "$rid"
		printf ' no bgp network import-check\n coalesce-time 50\n'
		for n in ${nbrs//,/ }; do
			a=${n#*=}; n=${n%%=*}
			printf ' neighbor %s remote-as %s\n neighbor %s timers 3 9\n' "$n" "$a" "$n"
		done
		printf ' address-family ipv4 unicast\n'
		for p in "$@"; do printf '  network %s\n' "$p"; done
		printf ' exit-address-family\nexit\n!\n'
	} >"$WORK/$name-frr.conf"
	echo "$WORK/$name-frr.conf"
}

# lan_node1_tor1 PREFIX...: the one-node lab most agent tests use: node1
# (192.168.1.11, AS 65001) and tor1 (192.168.1.1) on one LAN, tor1's FRR
# running and advertising PREFIXes to node1.
lan_node1_tor1() {
	local n
	lan_up
	for n in node1 tor1; do ns_add $n; done
	lan_attach node1 192.168.1.11/24
	lan_attach tor1 192.168.1.1/24
	frr_start tor1 "$(tor_conf tor1 192.168.1.1 192.168.1.1 192.168.1.11 65001 "$@")"
}

# agent_conf NODE ADDR ASN POD_CIDR PEER_LINES: writes $WORK/NODE.conf.
# PEER_LINES: libconfig peer entries, e.g. '{ name="tor1"; address="192.168.1.1"; asn=65000; }'
agent_conf() {
	local node=$1 addr=$2 asn=$3 pod=$4 peers=$5 n
	n=$(ns "$node")
	cat >"$WORK/$node.conf" <<CONF
node = { name = "$node"; address = "$addr"; asn = $asn; pod_cidrs = [ "$pod" ]; };
cluster = { pod_cidrs = [ "10.244.0.0/16" ]; node_mask_v4 = 24; };
peers = ( $peers );
frr = { pathspace = "$n"; templates = "$REPO/frr-templates"; };
kernel = { table = 254; resync_interval = ${RESYNC:-10}; grace_period = ${GRACE:-30}; ecmp = true; };
cni = { conflist = "$WORK/$node-net.d/10-bgp-bridge.conflist"; };
log = { level = "${AGENT_LOG_LEVEL:-info}"; };
control = { socket = "$WORK/$node.sock"; };
CONF
	echo "$WORK/$node.conf"
}

AGENT_RUN=() # a command prefix that execs its arguments (e.g. a private mount namespace)
# agent_start NODE: runs the agent in NODE's namespace; its pid in AGENT_PID_<NODE>.
# Not through nsx (a shell function: `&` would fork a subshell whose pid is
# not the agent's); ip netns exec execs the agent, so $! is the agent itself.
agent_start() {
	"${AGENT_RUN[@]}" ip netns exec "$(ns "$1")" "$AGENT" run -c "$WORK/$1.conf" >>"$WORK/$1-agent.log" 2>&1 &
	local pid=$!
	track_pid "$pid"
	eval "AGENT_PID_$1=$pid"
}
agent_pid() { eval "echo \${AGENT_PID_$1:-}"; }
agent_stop() {
	local pid; pid=$(agent_pid "$1")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "AGENT_PID_$1="
}
agent_status() { nsx "$1" "$AGENT" status -c "$WORK/$1.conf" "${@:2}"; }

# Kernel routes of the agent's protocol in NODE, as ip shows them without
# the nexthop object ("nhid N"): the next hops are what the tests compare.
kroutes() { ip -n "$(ns "$1")" route show proto 52 "${@:2}" | sed -E 's/ nhid [0-9]+//'; }
# has_route NODE PATTERN: grep -E over NODE's agent routes.
has_route() { kroutes "$1" | grep -Eq "$2"; }
no_route() { ! kroutes "$1" | grep -Eq "$2"; }
# nexthop_count NODE PREFIX: number of next hops of our route to PREFIX.
nexthop_count() {
	ip -n "$(ns "$1")" route show proto 52 "$2" | awk '
		/^[0-9]/ && / via / { n = 1 } /nexthop via/ { n++ } END { print n + 0 }'
}
# peer_sessions NODE PEER: how often the session to PEER was established and
# dropped ("2 1"); unchanged while the session stays up.
peer_sessions() {
	vty "$1" "show bgp neighbors $2 json" | python3 -c '
import json, sys
p = list(json.load(sys.stdin).values())[0]
print(p.get("connectionsEstablished", 0), p.get("connectionsDropped", 0))'
}
# peer_uptime_ms NODE PEER: milliseconds the session has been Established.
peer_uptime_ms() {
	vty "$1" "show bgp neighbors $2 json" |
		python3 -c 'import json,sys; print(list(json.load(sys.stdin).values())[0].get("bgpTimerUpMsec", 0))'
}
dump_logs() {
	local f
	for f in "$WORK"/*-agent.log; do
		[ -f "$f" ] || continue
		echo "# --- $f (last 40 lines)"
		tail -n 40 "$f" | sed 's/^/#   /'
	done
}
# The agent's logs hold no ASan/UBSan/LSan report (meaningful with SANITIZE=1
# builds; the agent must have exited for leak reports to be written).
check_agent_logs_clean() {
	check "no sanitizer report in the agent's log" \
		sh -c "! grep -qE 'Sanitizer|runtime error' $WORK/*-agent.log"
}
