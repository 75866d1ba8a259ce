/* route_resolve: BGP next hops resolved through the routes of other owners
 * (longest match, metric, multipath, unresolvable, our own routes skipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "route_resolve.h"

#define OWN 52
#define STATIC 4  /* RTPROT_STATIC */
#define KERNEL 2  /* RTPROT_KERNEL: connected routes */

/* "DST [via GW]... [dev IFINDEX] [metric M] [blackhole]": a route in the
 * words `ip route` prints. A dev without via is an on-link next hop. */
static struct route parse(const char *text)
{
	char buf[256], err[128], *save = NULL, *w;
	struct route r;

	memset(&r, 0, sizeof(r));
	snprintf(buf, sizeof(buf), "%s", text);
	w = strtok_r(buf, " ", &save);
	assert_int_equal(prefix_parse(w, &r.dst, PREFIX_STRICT, err, sizeof(err)), 0);
	r.metric = ROUTE_METRIC_LEARNED;
	while ((w = strtok_r(NULL, " ", &save)) != NULL) {
		if (strcmp(w, "blackhole") == 0) {
			r.type = ROUTE_BLACKHOLE;
		} else if (strcmp(w, "metric") == 0) {
			r.metric = (uint32_t)atoi(strtok_r(NULL, " ", &save));
		} else if (strcmp(w, "via") == 0) {
			assert_int_equal(ip_addr_parse(strtok_r(NULL, " ", &save), &r.nh[r.n_nh++].gw,
						       err, sizeof(err)), 0);
		} else {
			assert_string_equal(w, "dev");
			r.nh[r.n_nh++].ifindex = atoi(strtok_r(NULL, " ", &save));
		}
	}
	return r;
}

static void table_add(struct route_resolver *rs, const char *text, uint8_t protocol)
{
	struct route r = parse(text);

	assert_int_equal(route_resolver_add(rs, &r, protocol), 0);
}

struct fixture {
	struct route_resolver rs;
	struct route_set desired;
	struct rejected_set rej;
};

static int setup(void **state)
{
	static struct fixture f;

	route_resolver_init(&f.rs, OWN);
	route_set_init(&f.desired);
	rejected_set_init(&f.rej);
	/* A node of rack 1: its subnet, the other rack via the rack router, a
	 * default via two uplinks. */
	table_add(&f.rs, "192.168.1.0/24 dev 2 metric 0", KERNEL);
	table_add(&f.rs, "192.168.2.0/24 via 192.168.1.1 metric 0", STATIC);
	table_add(&f.rs, "0.0.0.0/0 via 192.168.1.2 via 192.168.1.3 metric 0", STATIC);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	route_resolver_free(&f->rs);
	route_set_free(&f->desired);
	rejected_set_free(&f->rej);
	return 0;
}

/* Resolves one learned route and returns how it would be installed ("" when
 * it is not). */
static const char *resolve1(struct fixture *f, const char *learned, size_t max_nh)
{
	static char buf[ROUTE_STRLEN];
	struct route r = parse(learned);

	route_set_clear(&f->desired);
	f->rej.n = 0;
	assert_int_equal(route_set_add(&f->desired, &r), 0);
	assert_int_equal(route_resolve_set(&f->rs, &f->desired, &f->rej, max_nh), 0);
	if (f->desired.n == 0)
		return "";
	return route_format(&f->desired.routes[0], buf, sizeof(buf));
}

static void test_on_link_kept(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(resolve1(f, "10.244.2.0/24 via 192.168.1.12", 8),
			    "10.244.2.0/24 via 192.168.1.12 metric 20");
	assert_int_equal(f->rej.n, 0);
}

static void test_longest_match_wins(void **state)
{
	struct fixture *f = *state;

	/* 192.168.2.0/24 beats the default route. */
	assert_string_equal(resolve1(f, "10.244.5.0/24 via 192.168.2.11", 8),
			    "10.244.5.0/24 via 192.168.1.1 metric 20");
	/* A more specific /32 (e.g. a host route set by an admin) beats the /24. */
	table_add(&f->rs, "192.168.2.11/32 via 192.168.1.9 metric 0", STATIC);
	assert_string_equal(resolve1(f, "10.244.5.0/24 via 192.168.2.11", 8),
			    "10.244.5.0/24 via 192.168.1.9 metric 20");
	/* On the same prefix the lower metric wins, as in the kernel. */
	table_add(&f->rs, "192.168.2.11/32 via 192.168.1.8 metric 100", STATIC);
	assert_string_equal(resolve1(f, "10.244.5.0/24 via 192.168.2.11", 8),
			    "10.244.5.0/24 via 192.168.1.9 metric 20");
}

static void test_multipath_resolution(void **state)
{
	struct fixture *f = *state;

	/* Only the default route reaches 10.0.0.0/8: both of its gateways. */
	assert_string_equal(resolve1(f, "10.244.7.0/24 via 10.1.2.3", 8),
			    "10.244.7.0/24 via 192.168.1.2, via 192.168.1.3 metric 20");
	/* Without ECMP, one of them, always the same. */
	assert_string_equal(resolve1(f, "10.244.7.0/24 via 10.1.2.3", 1),
			    "10.244.7.0/24 via 192.168.1.2 metric 20");
	/* Two BGP next hops behind the same router: one kernel next hop. */
	assert_string_equal(resolve1(f, "10.244.5.0/24 via 192.168.2.11 via 192.168.2.12", 8),
			    "10.244.5.0/24 via 192.168.1.1 metric 20");
	/* One on-link, one remote: both, each resolved. */
	assert_string_equal(resolve1(f, "10.244.5.0/24 via 192.168.2.11 via 192.168.1.12", 8),
			    "10.244.5.0/24 via 192.168.1.1, via 192.168.1.12 metric 20");
}

static void test_unresolvable(void **state)
{
	struct fixture *f = *state;
	struct route_resolver empty;

	/* Without the default route nothing reaches 10.1.2.3. */
	route_resolver_init(&empty, OWN);
	table_add(&empty, "192.168.1.0/24 dev 2 metric 0", KERNEL);
	route_resolver_free(&f->rs);
	f->rs = empty;
	assert_string_equal(resolve1(f, "10.244.7.0/24 via 10.1.2.3", 8), "");
	assert_int_equal(f->rej.n, 1);
	assert_string_equal(f->rej.v[0].reason, "next hop 10.1.2.3 unresolved: no route to it");
	assert_int_equal(f->rej.v[0].route.nh[0].gw.u.bytes[0], 10); /* as learned */
	/* One of two lost: installed with the other, and listed with the reason. */
	assert_string_equal(resolve1(f, "10.244.7.0/24 via 10.1.2.3 via 192.168.1.12", 8),
			    "10.244.7.0/24 via 192.168.1.12 metric 20");
	assert_int_equal(f->rej.n, 1);
	assert_string_equal(f->rej.v[0].reason,
			    "1 next hop(s) dropped: next hop 10.1.2.3 unresolved: no route to it");
	/* Behind a blackhole: not reachable either (no fallback to a shorter match). */
	table_add(&f->rs, "0.0.0.0/0 via 192.168.1.2 metric 0", STATIC);
	table_add(&f->rs, "10.1.0.0/16 blackhole metric 0", STATIC);
	assert_string_equal(resolve1(f, "10.244.7.0/24 via 10.1.2.3", 8), "");
	assert_string_equal(f->rej.v[0].reason,
			    "next hop 10.1.2.3 unresolved: its route 10.1.0.0/16 is blackhole");
}

/* Our own routes (other BGP routes, anchors) never resolve a next hop: the
 * default route does, and without it the next hop is unresolved. */
static void test_not_via_our_own_routes(void **state)
{
	struct fixture *f = *state;

	/* The resolver ignores them when they are added ... */
	table_add(&f->rs, "10.250.0.0/16 via 192.168.1.12", OWN);
	assert_int_equal(f->rs.n, 3);
	/* ... and skips them where they are in its table anyway. */
	assert_true(f->rs.cap > f->rs.n);
	f->rs.table[f->rs.n].route = parse("10.250.0.0/16 via 192.168.1.12");
	f->rs.table[f->rs.n++].protocol = OWN;
	assert_string_equal(resolve1(f, "10.244.5.0/24 via 10.250.1.1", 8),
			    "10.244.5.0/24 via 192.168.1.2, via 192.168.1.3 metric 20");
}

static void test_anchors_and_unnumbered_untouched(void **state)
{
	struct fixture *f = *state;
	struct route anchor, unnumbered = parse("10.244.3.0/24 via fe80::1");
	struct prefix p;
	char err[64];

	unnumbered.nh[0].ifindex = 7;
	assert_int_equal(prefix_parse("10.244.1.0/24", &p, PREFIX_STRICT, err, sizeof(err)), 0);
	route_make_anchor(&p, &anchor);
	route_set_clear(&f->desired);
	assert_int_equal(route_set_add(&f->desired, &anchor), 0);
	assert_int_equal(route_set_add(&f->desired, &unnumbered), 0);
	assert_int_equal(route_resolve_set(&f->rs, &f->desired, &f->rej, 8), 0);
	assert_int_equal(f->desired.n, 2);
	assert_true(route_equal(&f->desired.routes[0], &anchor));
	assert_true(route_equal(&f->desired.routes[1], &unnumbered));
	assert_int_equal(f->rs.n_in_use, 0);
}

/* Removing unresolved routes keeps the set sorted; covers() names exactly the
 * prefixes that contain a next hop in use. */
static void test_set_and_covers(void **state)
{
	struct fixture *f = *state;
	const char *learned[] = { "10.244.2.0/24 via 10.9.9.9", "10.244.3.0/24 via 192.168.2.11",
				  "10.244.4.0/24 via 192.168.2.12" };
	struct route_resolver rs;
	struct prefix p;
	char err[64];

	route_resolver_init(&rs, OWN);
	table_add(&rs, "192.168.2.0/24 via 192.168.1.1 metric 0", STATIC);
	route_set_clear(&f->desired);
	for (size_t i = 0; i < 3; i++) {
		struct route r = parse(learned[i]);

		assert_int_equal(route_set_add(&f->desired, &r), 0);
	}
	assert_int_equal(route_resolve_set(&rs, &f->desired, &f->rej, 8), 0);
	assert_int_equal(f->desired.n, 2);
	assert_true(f->desired.sorted);
	assert_non_null(route_set_find(&f->desired, &f->desired.routes[1].dst));
	assert_int_equal(rs.n_in_use, 3);
	assert_int_equal(prefix_parse("192.168.2.0/25", &p, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_true(route_resolver_covers(&rs, &p));
	assert_int_equal(prefix_parse("10.9.9.0/24", &p, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_true(route_resolver_covers(&rs, &p)); /* unresolved ones are watched too */
	assert_int_equal(prefix_parse("192.168.3.0/24", &p, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_false(route_resolver_covers(&rs, &p));
	route_resolver_free(&rs);
}

/* A resolve of some prefixes only (an incremental sync) keeps watching the
 * next hops of the others; forget() drops them before a whole-set resolve. */
static void test_scoped_resolve_keeps_watching(void **state)
{
	struct fixture *f = *state;
	struct prefix rack2, far;
	char err[64];

	assert_int_equal(prefix_parse("192.168.2.0/24", &rack2, PREFIX_STRICT, err, sizeof(err)), 0);
	assert_int_equal(prefix_parse("10.0.0.0/8", &far, PREFIX_STRICT, err, sizeof(err)), 0);
	resolve1(f, "10.244.5.0/24 via 192.168.2.11", 8);
	resolve1(f, "10.244.7.0/24 via 10.1.2.3", 8);
	assert_true(route_resolver_covers(&f->rs, &rack2));
	assert_true(route_resolver_covers(&f->rs, &far));
	resolve1(f, "10.244.5.0/24 via 192.168.2.11", 8); /* no duplicate */
	assert_int_equal(f->rs.n_in_use, 2);
	route_resolver_forget(&f->rs);
	resolve1(f, "10.244.7.0/24 via 10.1.2.3", 8);
	assert_false(route_resolver_covers(&f->rs, &rack2));
	assert_true(route_resolver_covers(&f->rs, &far));
}

static void test_ipv6(void **state)
{
	struct fixture *f = *state;
	struct route via_ll = parse("fd00:192:168:2::/64 via fe80::1 metric 1024");

	via_ll.nh[0].ifindex = 2; /* a link-local gateway comes with its interface */
	snprintf(via_ll.nh[0].ifname, sizeof(via_ll.nh[0].ifname), "eth0");
	assert_int_equal(route_resolver_add(&f->rs, &via_ll, STATIC), 0);
	assert_string_equal(resolve1(f, "fd00:10:244:5::/64 via fd00:192:168:2::11", 8),
			    "fd00:10:244:5::/64 via fe80::1 dev eth0 metric 20");
	assert_string_equal(resolve1(f, "fd00:10:244:5::/64 via fd00:192:168:3::11", 8), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_on_link_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_match_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipath_resolution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unresolvable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_via_our_own_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anchors_and_unnumbered_untouched, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_and_covers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scoped_resolve_keeps_watching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
