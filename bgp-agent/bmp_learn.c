/* bgpd's BMP feed -> what the reconciler needs to know (see bmp_learn.h). */
#include "bmp_learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp_station.h"
#include "frr_learn.h"
#include "log.h"

/* A peer the feed reported up, and the families it sent End-of-RIB for. */
struct feed_peer {
	struct ip_addr addr;
	bool eor[BGP_AF_COUNT];
};

struct bmp_learn {
	const struct agent_config *cfg;
	struct bmp_learn_ops ops;
	void *arg;
	struct bmp_station *st;
	bool connected;
	struct feed_peer peers[BMP_LEARN_MAX_PEERS];
	size_t n_peers;
	bool all_eor_told;
	struct prefix *buf;        /* the prefixes of one callback */
	size_t cap;
	char last_event[96];
	uint64_t last_event_ms;
};

static void note(struct bmp_learn *b, const char *fmt, const struct ip_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	snprintf(b->last_event, sizeof(b->last_event), fmt, a ? ip_addr_format(a, buf, sizeof(buf)) : "");
	b->last_event_ms = monotonic_ms();
}

static struct feed_peer *find_peer(struct bmp_learn *b, const struct ip_addr *a)
{
	for (size_t i = 0; i < b->n_peers; i++)
		if (ip_addr_equal(&b->peers[i].addr, a))
			return &b->peers[i];
	return NULL;
}

/* Told once per session: every configured peer up and done. */
static void check_all_eor(struct bmp_learn *b)
{
	if (b->all_eor_told || b->n_peers < b->cfg->n_peers)
		return;
	for (size_t i = 0; i < b->n_peers; i++)
		for (int af = 0; af < BGP_AF_COUNT; af++)
			if (frr_learn_af_in_use(b->cfg, af) && !b->peers[i].eor[af])
				return;
	b->all_eor_told = true;
	note(b, "End-of-RIB from every peer%s", NULL);
	if (b->ops.all_eor != NULL)
		b->ops.all_eor(b->arg);
}

static void on_session(void *arg, bool up)
{
	struct bmp_learn *b = arg;

	b->connected = up;
	b->n_peers = 0;
	b->all_eor_told = false;
	note(b, up ? "feed connected%s" : "feed lost%s", NULL);
	log_info("bmp: %s", up ? "bgpd's feed is up; learning per changed prefix"
			       : "bgpd's feed is down; learning through the vty poll");
	if (b->ops.session != NULL)
		b->ops.session(b->arg, up);
}

static void on_peer_up(void *arg, const struct bmp_peer *peer)
{
	struct bmp_learn *b = arg;

	note(b, "peer %s up", &peer->addr);
	if (find_peer(b, &peer->addr) != NULL || b->n_peers == BMP_LEARN_MAX_PEERS)
		return;
	memset(&b->peers[b->n_peers], 0, sizeof(b->peers[0]));
	b->peers[b->n_peers++].addr = peer->addr;
}

static void on_peer_down(void *arg, const struct bmp_peer *peer)
{
	struct bmp_learn *b = arg;
	struct feed_peer *p = find_peer(b, &peer->addr);

	note(b, "peer %s down", &peer->addr);
	if (p != NULL)
		*p = b->peers[--b->n_peers];
	if (b->ops.peer_down != NULL)
		b->ops.peer_down(b->arg, &peer->addr);
}

static void on_prefixes(void *arg, const struct bmp_route *v, size_t n)
{
	struct bmp_learn *b = arg;

	if (n > b->cap) {
		struct prefix *p = realloc(b->buf, n * sizeof(*p));

		if (p == NULL) {
			log_errorx("bmp: out of memory; %zu changed prefixes left to the resync", n);
			return;
		}
		b->buf = p;
		b->cap = n;
	}
	for (size_t i = 0; i < n; i++)
		b->buf[i] = v[i].prefix;
	if (b->ops.changed != NULL)
		b->ops.changed(b->arg, b->buf, n);
}

static void on_end_of_rib(void *arg, const struct bmp_peer *peer, int family)
{
	struct bmp_learn *b = arg;
	struct feed_peer *p = find_peer(b, &peer->addr);

	if (p == NULL)
		return;
	p->eor[family == AF_INET6 ? BGP_AF_IPV6_UNICAST : BGP_AF_IPV4_UNICAST] = true;
	check_all_eor(b);
}

static const struct bmp_station_ops station_ops = {
	.session = on_session,
	.peer_up = on_peer_up,
	.peer_down = on_peer_down,
	.prefixes = on_prefixes,
	.end_of_rib = on_end_of_rib,
};

struct bmp_learn *bmp_learn_open(struct event_loop *loop, const struct agent_config *cfg,
				 const struct bmp_learn_ops *ops, void *arg, bool *failed)
{
	struct bmp_station_config sc;
	struct bmp_learn *b;
	char err[96];

	*failed = false;
	if (cfg->frr.bmp_port == 0)
		return NULL;
	b = calloc(1, sizeof(*b));
	memset(&sc, 0, sizeof(sc));
	if (b == NULL || ip_addr_parse("127.0.0.1", &sc.addr, err, sizeof(err)) != 0)
		goto fail;
	sc.port = (uint16_t)cfg->frr.bmp_port;
	b->cfg = cfg;
	b->ops = *ops;
	b->arg = arg;
	snprintf(b->last_event, sizeof(b->last_event), "none");
	b->st = bmp_station_open(loop, &sc, &station_ops, b);
	if (b->st != NULL)
		return b;
fail:
	free(b);
	*failed = true;
	return NULL;
}

void bmp_learn_close(struct bmp_learn *b)
{
	if (b == NULL)
		return;
	bmp_station_close(b->st);
	free(b->buf);
	free(b);
}

bool bmp_learn_connected(const struct bmp_learn *b)
{
	return b != NULL && b->connected;
}

void bmp_learn_get_status(const struct bmp_learn *b, struct bmp_learn_status *out)
{
	struct bmp_station_stats st;

	memset(out, 0, sizeof(*out));
	if (b == NULL)
		return;
	bmp_station_stats(b->st, &st);
	out->enabled = true;
	out->connected = b->connected;
	out->sessions = st.sessions;
	out->messages = st.messages;
	out->parse_errors = st.parse_errors;
	out->last_message_ms = st.last_message_ms;
	snprintf(out->last_event, sizeof(out->last_event), "%s", b->last_event);
	out->last_event_ms = b->last_event_ms;
}
