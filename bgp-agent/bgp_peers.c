/* bgpd's `show bgp neighbors json` -> one plain record per peer. */
#include "bgp_peers.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json_scan.h"

/* FRR's JSON name of each address family we track. */
static const char *const af_json_names[BGP_AF_COUNT] = {
	[BGP_AF_IPV4_UNICAST] = "ipv4Unicast",
	[BGP_AF_IPV6_UNICAST] = "ipv6Unicast",
};

struct peers_parse {
	struct bgp_peers *out;
	size_t cap;
};

static void copy_str(char *dst, size_t len, json_t *v)
{
	snprintf(dst, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static uint64_t get_uint(json_t *obj, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(obj, key));

	return v > 0 ? (uint64_t)v : 0;
}

/* A family is active when configured for the peer and, once the session is
 * up, negotiated (otherwise End-of-RIB for it can never arrive). */
static bool af_active(json_t *peer, const char *name, bool established)
{
	json_t *mp = json_object_get(json_object_get(json_object_get(peer, "neighborCapabilities"),
						     "multiprotocolExtensions"), name);

	if (json_object_get(json_object_get(peer, "addressFamilyInfo"), name) == NULL)
		return false;
	return !established || json_is_true(json_object_get(mp, "advertisedAndReceived"));
}

/* FRR 8.4: gracefulRestartInfo.endOfRibRecv.<af>, and per family in
 * gracefulRestartInfo.<af>.endOfRibStatus.endOfRibRecv. */
static bool af_eor(json_t *peer, const char *name)
{
	json_t *gr = json_object_get(peer, "gracefulRestartInfo");
	json_t *status = json_object_get(json_object_get(gr, name), "endOfRibStatus");

	return json_is_true(json_object_get(json_object_get(gr, "endOfRibRecv"), name)) ||
	       json_is_true(json_object_get(status, "endOfRibRecv"));
}

static void fill_af(struct bgp_peer *p, json_t *peer)
{
	for (int af = 0; af < BGP_AF_COUNT; af++) {
		const char *name = af_json_names[af];
		json_t *info = json_object_get(json_object_get(peer, "addressFamilyInfo"), name);
		struct bgp_peer_af *a = &p->af[af];

		a->active = af_active(peer, name, p->established);
		a->accepted = (uint32_t)get_uint(info, "acceptedPrefixCounter");
		a->received = a->accepted;
		a->eor_received = a->active && af_eor(peer, name);
	}
}

/* Numbered peers are keyed by address; unnumbered ones by interface, with
 * the peer's link-local address in bgpNeighborAddr once it is known. */
static void fill_identity(struct bgp_peer *p, const char *key, json_t *peer)
{
	const char *nbr = json_string_value(json_object_get(peer, "bgpNeighborAddr"));
	char err[96];

	snprintf(p->id, sizeof(p->id), "%s", key);
	if (ip_addr_parse(key, &p->addr, err, sizeof(err)) == 0) {
		p->has_addr = true;
		return;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%.*s", (int)sizeof(p->ifname) - 1, key);
	p->has_addr = nbr != NULL && ip_addr_parse(nbr, &p->addr, err, sizeof(err)) == 0;
}

static void fill_peer(struct bgp_peer *p, const char *key, json_t *peer)
{
	memset(p, 0, sizeof(*p));
	fill_identity(p, key, peer);
	copy_str(p->hostname, sizeof(p->hostname), json_object_get(peer, "hostname"));
	copy_str(p->state, sizeof(p->state), json_object_get(peer, "bgpState"));
	p->remote_as = (uint32_t)get_uint(peer, "remoteAs");
	p->established = strcmp(p->state, "Established") == 0;
	copy_str(p->bfd_status, sizeof(p->bfd_status),
		 json_object_get(json_object_get(peer, "peerBfdInfo"), "status"));
	copy_str(p->last_reset, sizeof(p->last_reset), json_object_get(peer, "lastResetDueTo"));
	if (p->established)
		p->uptime_ms = get_uint(peer, "bgpTimerUpMsec");
	fill_af(p, peer);
}

static int grow(struct peers_parse *pp)
{
	size_t cap = pp->cap ? pp->cap * 2 : 8;
	struct bgp_peer *v;

	if (pp->out->n < pp->cap)
		return 0;
	v = realloc(pp->out->peers, cap * sizeof(*v));
	if (v == NULL)
		return -1;
	pp->out->peers = v;
	pp->cap = cap;
	return 0;
}

static int on_peer(void *arg, const char *key, size_t keylen, struct json_scan *s)
{
	struct peers_parse *pp = arg;
	char id[64];
	json_t *peer;
	int rc = 0;

	if (json_scan_decode(s, &peer) < 0)
		return -1;
	snprintf(id, sizeof(id), "%.*s", (int)(keylen < sizeof(id) ? keylen : sizeof(id) - 1), key);
	/* Only peer objects: FRR mixes in e.g. {"warning": ...} without a BGP instance. */
	if (json_is_object(peer) && json_object_get(peer, "bgpState") != NULL) {
		rc = grow(pp);
		if (rc == 0)
			fill_peer(&pp->out->peers[pp->out->n++], id, peer);
		else
			snprintf(s->err, s->errlen, "out of memory");
	}
	json_decref(peer);
	return rc;
}

int bgp_peers_parse(const char *json, size_t len, struct bgp_peers *out, char *err,
		    size_t errlen)
{
	struct peers_parse pp = { out, 0 };
	struct json_scan s;

	bgp_peers_free(out);
	json_scan_init(&s, json, len, err, errlen);
	if (json_scan_object(&s, on_peer, &pp) < 0 || json_scan_end(&s) < 0) {
		bgp_peers_free(out);
		return -1;
	}
	return 0;
}

void bgp_peers_free(struct bgp_peers *p)
{
	free(p->peers);
	p->peers = NULL;
	p->n = 0;
}

const struct bgp_peer *bgp_peers_find(const struct bgp_peers *p, const char *id)
{
	struct ip_addr a;
	char err[96];
	bool is_addr = ip_addr_parse(id, &a, err, sizeof(err)) == 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct bgp_peer *peer = &p->peers[i];

		/* Addresses compare by value: "fd00:0::1" is "fd00::1". */
		if (is_addr ? peer->ifname[0] == '\0' && peer->has_addr && ip_addr_equal(&peer->addr, &a)
			    : strcmp(peer->id, id) == 0)
			return peer;
	}
	return NULL;
}

static const struct bgp_peer *unnumbered_peer_at(const struct bgp_peers *p,
						 const struct ip_addr *a)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->peers[i].ifname[0] != '\0' && p->peers[i].has_addr &&
		    ip_addr_equal(&p->peers[i].addr, a))
			return &p->peers[i];
	return NULL;
}

size_t bgp_peers_resolve_ifnames(const struct bgp_peers *p, struct route_set *routes)
{
	size_t unresolved = 0;

	for (size_t i = 0; i < routes->n; i++) {
		struct route *r = &routes->routes[i];

		for (size_t j = 0; j < r->n_nh; j++) {
			struct nexthop *nh = &r->nh[j];
			const struct bgp_peer *peer;

			if (nh->gw.family != AF_INET6 || !IN6_IS_ADDR_LINKLOCAL(&nh->gw.u.v6) ||
			    nh->ifname[0] != '\0')
				continue;
			peer = unnumbered_peer_at(p, &nh->gw);
			if (peer != NULL)
				snprintf(nh->ifname, sizeof(nh->ifname), "%s", peer->ifname);
			else
				unresolved++;
		}
	}
	return unresolved;
}
