/* The network configuration from stdin, parsed (jansson) and validated into a
 * plain struct. Parsing never touches the system. */
#ifndef CNI_NETCONF_H
#define CNI_NETCONF_H

#include <jansson.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni_error.h"
#include "prefix.h"
#include "result.h"

#define NETCONF_MAX_RANGES 2 /* one per address family */
#define NETCONF_MAX_ROUTES 16
#define NETCONF_DEFAULT_BRIDGE "cni0"
#define NETCONF_DEFAULT_DATADIR "/var/lib/cni/networks"
#define NETCONF_BUILTIN_IPAM "bgp-bridge"

struct ipam_range {
	struct prefix subnet;
	struct ip_addr start, end; /* inclusive, inside subnet */
	struct ip_addr gateway;
};

struct ipam_conf {
	bool builtin;          /* ipam.type absent or "bgp-bridge" */
	char type[64];         /* delegate plugin name when !builtin */
	char data_dir[PATH_MAX];
	struct ipam_range ranges[NETCONF_MAX_RANGES];
	int n_ranges;
	struct cni_route routes[NETCONF_MAX_ROUTES];
	int n_routes;
};

struct attachment {
	char containerid[256];
	char ifname[IFNAMSIZ];
};

struct netconf {
	char cni_version[16];
	char name[128];
	char type[64];
	char bridge[IFNAMSIZ];
	bool is_gateway, is_default_gw, force_address, ip_masq, hairpin, promisc;
	bool sync_delete; /* DEL waits for the kernel to remove the veth */
	int mtu; /* 0: kernel default */
	char log_file[PATH_MAX];
	char log_level[16];
	struct ipam_conf ipam;
	json_t *dns;         /* owned, or NULL */
	json_t *prev_result; /* owned, or NULL */
	struct attachment *valid; /* cni.dev/valid-attachments (GC) */
	size_t n_valid;
	bool has_valid;
	json_t *root;        /* the whole document, for delegates */
};

/* Parses stdin bytes. Errors: 6 (decode, with jansson's line:column),
 * 1 (unsupported cniVersion), 2 (ipMasq true), 7 (invalid value, key quoted). */
int netconf_parse(const char *buf, size_t len, struct netconf *nc, struct cni_err *err);
void netconf_free(struct netconf *nc);
/* Only cniVersion (VERSION command input); "" when absent or unreadable. */
void netconf_peek_version(const char *buf, size_t len, char *out, size_t outlen);

#endif
