/* The agent's configuration as a plain struct: filled by config_load() (parse +
 * validate, every error as FILE:LINE: message), read by everything else.
 * Parsing never touches the system; nothing else parses. */
#ifndef BGP_AGENT_CONFIG_H
#define BGP_AGENT_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "prefix.h"

#define CONFIG_MAX_CIDRS 8
#define CONFIG_NAME_MAX 64

/* rtnetlink protocol number of the routes the agent owns (ip route ... proto 52;
 * named "bgp-agent" in /etc/iproute2/rt_protos.d). Not one of 11, 12, 17, 80,
 * 186-198 used by zebra, BIRD, kube-router, Calico and FRR. */
#define DEFAULT_ROUTE_PROTOCOL 52

/* BFD by default: 100 ms x 3, a failure detected within 300 ms. */
#define DEFAULT_BFD_INTERVAL_MS 100
#define DEFAULT_BFD_MULTIPLIER 3
/* FRR 8.4's own defaults: show running-config omits a value equal to them, so
 * the renderer must too (or every reload would see a difference). */
#define FRR_BFD_INTERVAL_MS 300
#define FRR_BFD_MULTIPLIER 3
#define FRR_GR_RESTART_TIME 120
#define FRR_GR_STALEPATH_TIME 360
#define FRR_GR_SELECT_DEFER_TIME 360

enum peer_remote_as {
	PEER_AS_NUMBER,   /* remote-as <asn> */
	PEER_AS_INTERNAL, /* remote-as internal: iBGP, e.g. route reflectors */
	PEER_AS_EXTERNAL, /* remote-as external: any other AS */
};

struct peer_config {
	char name[CONFIG_NAME_MAX];
	bool has_address;
	struct ip_addr address;      /* neighbor address, or ... */
	char interface[IF_NAMESIZE]; /* ... BGP unnumbered (RFC 5549) on this link */
	enum peer_remote_as remote_as;
	uint32_t asn;           /* with PEER_AS_NUMBER */
	char password[81];      /* TCP MD5; empty = none */
	bool bfd;               /* BFD for fast failure detection (needs bfdd) */
	uint16_t bfd_interval_ms; /* BFD transmit and receive interval */
	uint8_t bfd_multiplier;   /* BFD packets missed before the session is down */
	uint32_t max_prefixes;  /* per address family; session torn down above it */
	uint16_t hold_time;     /* 0 = FRR default of the datacenter profile */
	uint16_t keepalive;
	bool multihop;          /* ebgp-multihop for peers not on the link */
	uint8_t ttl_security_hops; /* GTSM (RFC 5082); 0 = off */
	int line;               /* where it was defined, for later messages */
};

struct agent_config {
	char path[PATH_MAX]; /* the file it was read from */

	struct {
		char name[CONFIG_NAME_MAX];
		struct ip_addr address; /* router-id (IPv4) and peering address */
		uint32_t asn;
		struct prefix pod_cidrs[CONFIG_MAX_CIDRS];
		size_t n_pod_cidrs;
	} node;

	struct {
		struct prefix pod_cidrs[CONFIG_MAX_CIDRS];
		size_t n_pod_cidrs;
		uint8_t node_mask_v4; /* default 24 */
		uint8_t node_mask_v6; /* default 64 */
	} cluster;

	struct peer_config *peers;
	size_t n_peers;

	struct {
		bool enabled;               /* restarting speaker + helper; false = helper only */
		uint16_t restart_time;      /* seconds, advertised: how long peers keep our routes */
		uint16_t stalepath_time;    /* seconds we keep a restarting peer's routes after it is back */
		uint16_t select_defer_time; /* seconds our best-path selection waits for End-of-RIB */
	} graceful_restart;

	struct {
		char pathspace[CONFIG_NAME_MAX]; /* "" = FRR's default instance */
		char run_dir[PATH_MAX];          /* /var/run/frr; vty sockets in run_dir[/pathspace] */
		char config_file[PATH_MAX];      /* where the rendered frr.conf is written */
		char templates[PATH_MAX];        /* directory of *.tmpl */
		char reload_cmd[PATH_MAX];       /* /usr/lib/frr/frr-reload.py */
		unsigned bmp_port;               /* bgpd's BMP listener on 127.0.0.1; 0 = off */
		char vtysh_cmd[PATH_MAX];        /* /usr/bin/vtysh: the first load */
	} frr;

	struct {
		uint32_t table;           /* default 254 (main) */
		uint8_t protocol;         /* default DEFAULT_ROUTE_PROTOCOL */
		unsigned resync_interval; /* seconds; full reconcile even without events */
		unsigned grace_period;    /* seconds to wait for End-of-RIB before sweeping stale routes */
		bool ecmp;                /* install all best paths as one multipath route */
	} kernel;

	struct {
		char conflist[PATH_MAX]; /* written by the agent for bgp-bridge; "" = don't */
		char network[CONFIG_NAME_MAX];
		char bridge[IF_NAMESIZE];
		unsigned mtu;
	} cni;

	struct {
		enum log_level level;
		char file[PATH_MAX]; /* "" = stderr */
	} log;

	struct {
		char socket[PATH_MAX]; /* control socket for `bgp-agent status` */
	} control;

	struct {
		char listen[64]; /* Prometheus endpoint "ADDRESS:PORT"; "" = off */
	} metrics;
};

/* Reads and validates path. Returns 0, or -1 after printing every error found
 * to err as "FILE:LINE: message" (one per line). cfg is zeroed first; release
 * with config_free() in either case. */
int config_load(const char *path, struct agent_config *cfg, FILE *err);
void config_free(struct agent_config *cfg);
/* The vty socket directory: run_dir/pathspace or run_dir. */
void config_vty_dir(const struct agent_config *cfg, char *buf, size_t len);
/* The peer as FRR names it (neighbor address, or interface when unnumbered);
 * returns buf. */
#define PEER_ID_MAX (INET6_ADDRSTRLEN + IF_NAMESIZE)
const char *config_peer_id(const struct peer_config *p, char *buf, size_t len);
/* True when the node has a pod CIDR of this address family. */
bool config_node_has_family(const struct agent_config *cfg, int family);

#endif
