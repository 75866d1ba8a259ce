/* bmp_learn against a fake BMP station (this file's bmp_station_*): what the
 * feed's callbacks become for the reconciler — changed prefixes, peer down,
 * End-of-RIB of every configured peer once per session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "bmp_learn.h"
#include "bmp_station.h"

/* --- the fake station ------------------------------------------------- */

static struct bmp_station_ops station_ops;
static void *station_arg;
static struct bmp_station_config station_cfg;
static int station_fake;

struct bmp_station *bmp_station_open(struct event_loop *loop, const struct bmp_station_config *cfg,
				     const struct bmp_station_ops *ops, void *arg)
{
	(void)loop;
	station_cfg = *cfg;
	station_ops = *ops;
	station_arg = arg;
	return (struct bmp_station *)&station_fake;
}

void bmp_station_close(struct bmp_station *st)
{
	assert_ptr_equal(st, &station_fake);
}

void bmp_station_stats(const struct bmp_station *st, struct bmp_station_stats *out)
{
	(void)st;
	memset(out, 0, sizeof(*out));
	out->messages = 42;
}

/* --- what the reconciler hears ---------------------------------------- */

struct heard {
	int sessions_up, sessions_down, eor, downs;
	size_t changed;
	struct prefix last[4];
	struct ip_addr down_peer;
};

static void on_session(void *arg, bool up)
{
	struct heard *h = arg;

	if (up)
		h->sessions_up++;
	else
		h->sessions_down++;
}

static void on_changed(void *arg, const struct prefix *v, size_t n)
{
	struct heard *h = arg;

	h->changed += n;
	memcpy(h->last, v, (n < 4 ? n : 4) * sizeof(*v));
}

static void on_peer_down(void *arg, const struct ip_addr *peer)
{
	struct heard *h = arg;

	h->downs++;
	h->down_peer = *peer;
}

static void on_all_eor(void *arg)
{
	((struct heard *)arg)->eor++;
}

static const struct bmp_learn_ops ops = { on_session, on_changed, on_peer_down, on_all_eor };

static struct bmp_peer peer(const char *addr)
{
	struct bmp_peer p;
	char err[96];

	memset(&p, 0, sizeof(p));
	assert_int_equal(ip_addr_parse(addr, &p.addr, err, sizeof(err)), 0);
	return p;
}

/* Two configured peers, IPv4 pod CIDRs only. */
static void make_config(struct agent_config *cfg, struct peer_config *peers)
{
	char err[96];

	memset(cfg, 0, sizeof(*cfg));
	memset(peers, 0, 2 * sizeof(*peers));
	cfg->peers = peers;
	cfg->n_peers = 2;
	cfg->frr.bmp_port = 11019;
	assert_int_equal(prefix_parse("10.244.0.0/16", &cfg->cluster.pod_cidrs[0], PREFIX_STRICT,
				      err, sizeof(err)), 0);
	cfg->cluster.n_pod_cidrs = 1;
}

static void test_off_without_port(void **state)
{
	struct agent_config cfg;
	struct peer_config peers[2];
	struct bmp_learn_status st;
	bool failed = true;

	(void)state;
	make_config(&cfg, peers);
	cfg.frr.bmp_port = 0;
	assert_null(bmp_learn_open(NULL, &cfg, &ops, NULL, &failed));
	assert_false(failed);
	assert_false(bmp_learn_connected(NULL));
	bmp_learn_get_status(NULL, &st);
	assert_false(st.enabled);
}

static void test_feed_events(void **state)
{
	struct agent_config cfg;
	struct peer_config peers[2];
	struct heard h = { 0 };
	struct bmp_learn_status st;
	struct bmp_route routes[3];
	struct bmp_peer t1 = peer("192.168.1.1"), t2 = peer("192.168.1.2");
	char err[96], buf[PREFIX_STRLEN];
	bool failed;
	struct bmp_learn *b;

	(void)state;
	make_config(&cfg, peers);
	b = bmp_learn_open(NULL, &cfg, &ops, &h, &failed);
	assert_non_null(b);
	assert_int_equal(station_cfg.port, 11019);
	station_ops.session(station_arg, true);
	assert_true(bmp_learn_connected(b));
	assert_int_equal(h.sessions_up, 1);
	station_ops.peer_up(station_arg, &t1);
	station_ops.peer_up(station_arg, &t2);
	memset(routes, 0, sizeof(routes));
	assert_int_equal(prefix_parse("10.244.2.0/24", &routes[0].prefix, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_int_equal(prefix_parse("10.244.3.0/24", &routes[1].prefix, PREFIX_STRICT, err, sizeof(err)), 0);
	routes[1].withdrawn = true;
	routes[2] = routes[0];
	station_ops.prefixes(station_arg, routes, 3);
	assert_int_equal(h.changed, 3);
	assert_string_equal(prefix_format(&h.last[1], buf, sizeof(buf)), "10.244.3.0/24");
	/* End-of-RIB: only once both configured peers sent it, and once. */
	station_ops.end_of_rib(station_arg, &t1, AF_INET);
	assert_int_equal(h.eor, 0);
	station_ops.end_of_rib(station_arg, &t2, AF_INET6); /* a family not in use */
	assert_int_equal(h.eor, 0);
	station_ops.end_of_rib(station_arg, &t2, AF_INET);
	assert_int_equal(h.eor, 1);
	station_ops.end_of_rib(station_arg, &t2, AF_INET);
	assert_int_equal(h.eor, 1);
	station_ops.peer_down(station_arg, &t2);
	assert_int_equal(h.downs, 1);
	assert_true(ip_addr_equal(&h.down_peer, &t2.addr));
	bmp_learn_get_status(b, &st);
	assert_true(st.enabled && st.connected);
	assert_int_equal(st.messages, 42);
	assert_string_equal(st.last_event, "peer 192.168.1.2 down");
	/* A new session starts over: End-of-RIB is told again. */
	station_ops.session(station_arg, false);
	assert_false(bmp_learn_connected(b));
	station_ops.session(station_arg, true);
	station_ops.peer_up(station_arg, &t1);
	station_ops.peer_up(station_arg, &t2);
	station_ops.end_of_rib(station_arg, &t1, AF_INET);
	station_ops.end_of_rib(station_arg, &t2, AF_INET);
	assert_int_equal(h.eor, 2);
	/* End-of-RIB from a peer never reported up is ignored. */
	struct bmp_peer t9 = peer("192.168.1.9");
	station_ops.end_of_rib(station_arg, &t9, AF_INET);
	bmp_learn_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_without_port),
		cmocka_unit_test(test_feed_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
