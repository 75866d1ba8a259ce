/* Links: the node bridge, the pod veth pair, lookups and deletion (libnl-3).
 * Every function works on the namespace of the socket it is given. */
#ifndef CNI_LINK_H
#define CNI_LINK_H

#include <net/if.h>
#include <netlink/netlink.h>
#include <stdbool.h>

#include "cni_error.h"

/* IFALIASZ (256) less 2: the kernel counts the NUL libnl sends, and wants
 * one more byte free. */
#define LINK_ALIAS_MAX 254

struct link_info {
	int ifindex;
	int master;
	unsigned flags;
	unsigned mtu;
	char name[IFNAMSIZ];
	char mac[18];
	char alias[LINK_ALIAS_MAX + 1]; /* IFLA_IFALIAS, "" when none */
	bool is_bridge, is_veth;
};

/* 0 and *out filled; 1 when no such link; -1 on error. */
int link_get_info(struct nl_sock *sk, const char *name, struct link_info *out,
		struct cni_err *err);
/* Creates the bridge if missing (tolerating a concurrent creator), brings it
 * up, sets promiscuous mode when asked. Fills *out. */
int link_bridge_ensure(struct nl_sock *sk, const char *name, int mtu, bool promisc,
		       struct link_info *out, struct cni_err *err);
/* One request: host end `host` (up, enslaved to master, in the socket's
 * namespace) and peer `peer` (down) created directly in the namespace netns_fd.
 * The host end gets a random locally administered MAC, written to host_mac,
 * and `alias` (who it belongs to) as its interface alias.
 * Code 103 when a name is taken. A pair this call created is deleted again
 * when naming it fails. */
int link_veth_create(struct nl_sock *sk, const char *host, const char *peer, int netns_fd,
		     int master, int mtu, const char *alias, char host_mac[18],
		     struct cni_err *err);
/* 0 when deleted or already absent. */
int link_delete(struct nl_sock *sk, const char *name, struct cni_err *err);
int link_delete_index(struct nl_sock *sk, int ifindex, struct cni_err *err);
int link_set_up(struct nl_sock *sk, int ifindex, struct cni_err *err);
int link_set_down(struct nl_sock *sk, int ifindex, struct cni_err *err);
/* Bridge port hairpin (reflective relay) mode on. */
int link_set_hairpin(struct nl_sock *sk, int ifindex, struct cni_err *err);
/* Calls fn for every link enslaved to master; fn returns -1 to stop. */
typedef int (*link_port_fn)(const struct link_info *port, void *ctx);
int link_foreach_port(struct nl_sock *sk, int master, link_port_fn fn, void *ctx,
		      struct cni_err *err);
/* "veth" + 8 hex digits of a hash of containerid and ifname: deterministic so
 * DEL finds the host end without any state. */
void link_host_veth_name(const char *containerid, const char *ifname, char *out,
			 size_t len);
/* The host veth's alias "<containerid>/<ifname>/<network>": the name is a
 * 32-bit hash, so before deleting a veth of that name we make sure it is
 * really ours, and GC of one network never takes another network's veth on
 * the same bridge. An empty alias counts as ours: a crash between creating
 * the pair and naming it must not leave a veth that DEL refuses to remove; so
 * does "<containerid>/<ifname>", the alias before it named the network. */
bool link_alias_is_ours(const char *have, const char *ours);
/* out needs LINK_ALIAS_MAX + 1 bytes; -1 when the alias would not fit (the
 * kernel refuses it: ADD must refuse such an attachment before creating). */
int link_host_veth_alias(const char *network, const char *containerid, const char *ifname,
			 char out[LINK_ALIAS_MAX + 1]);

#endif
