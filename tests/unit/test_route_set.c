/* route_set: sorting, canonical next hops, lookup and the diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "route_set.h"

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[128];

	assert_int_equal(prefix_parse(s, &p, PREFIX_STRICT, err, sizeof(err)), 0);
	return p;
}

static struct nexthop NH(const char *gw, const char *ifname)
{
	struct nexthop nh;
	char err[128];

	memset(&nh, 0, sizeof(nh));
	if (gw != NULL)
		assert_int_equal(ip_addr_parse(gw, &nh.gw, err, sizeof(err)), 0);
	if (ifname != NULL)
		snprintf(nh.ifname, sizeof(nh.ifname), "%s", ifname);
	return nh;
}

/* R("10.244.2.0/24", "192.168.1.1", "192.168.1.2", NULL) */
static struct route R(const char *dst, ...)
{
	struct route r;
	const char *gw;
	va_list ap;

	memset(&r, 0, sizeof(r));
	r.dst = P(dst);
	r.metric = ROUTE_METRIC_LEARNED;
	va_start(ap, dst);
	while ((gw = va_arg(ap, const char *)) != NULL) {
		struct nexthop nh = NH(gw, NULL);

		assert_int_equal(route_add_nexthop(&r, &nh), 0);
	}
	va_end(ap);
	return r;
}

static void add(struct route_set *s, struct route r)
{
	assert_int_equal(route_set_add(s, &r), 0);
}

struct diff {
	struct route_set add, rep, del;
};

static void diff_init(struct diff *d)
{
	route_set_init(&d->add);
	route_set_init(&d->rep);
	route_set_init(&d->del);
}

static void diff_free(struct diff *d)
{
	route_set_free(&d->add);
	route_set_free(&d->rep);
	route_set_free(&d->del);
}

static void run_diff(struct route_set *want, struct route_set *have, struct diff *d)
{
	route_set_sort(want);
	route_set_sort(have);
	assert_int_equal(route_diff(want, have, &d->add, &d->rep, &d->del), 0);
}

static void test_empty_sets(void **state)
{
	struct route_set a, b;
	struct diff d;

	(void)state;
	route_set_init(&a);
	route_set_init(&b);
	diff_init(&d);
	run_diff(&a, &b, &d);
	assert_int_equal(d.add.n + d.rep.n + d.del.n, 0);
	assert_null(route_set_find(&a, &(struct prefix){ 0 }));
	add(&a, R("10.244.2.0/24", "192.168.1.12", NULL));
	run_diff(&a, &b, &d); /* everything new */
	assert_int_equal(d.add.n, 1);
	assert_int_equal(d.rep.n + d.del.n, 0);
	run_diff(&b, &a, &d); /* everything stale */
	assert_int_equal(d.del.n, 1);
	assert_int_equal(d.add.n + d.rep.n, 0);
	route_set_free(&a);
	route_set_free(&b);
	diff_free(&d);
}

static void test_sort_and_find_mixed_families(void **state)
{
	struct route_set s;
	char buf[ROUTE_STRLEN];

	(void)state;
	route_set_init(&s);
	add(&s, R("fd00:10:244:3::/64", "fd00:1::1", NULL));
	add(&s, R("10.244.3.0/24", "192.168.1.1", NULL));
	add(&s, R("fd00:10:244:2::/64", "fe80::1", NULL));
	add(&s, R("10.244.2.0/24", "192.168.1.1", NULL));
	route_set_sort(&s);
	/* IPv4 before IPv6, then by address. */
	assert_string_equal(prefix_format(&s.routes[0].dst, buf, sizeof(buf)), "10.244.2.0/24");
	assert_string_equal(prefix_format(&s.routes[1].dst, buf, sizeof(buf)), "10.244.3.0/24");
	assert_string_equal(prefix_format(&s.routes[2].dst, buf, sizeof(buf)), "fd00:10:244:2::/64");
	assert_string_equal(prefix_format(&s.routes[3].dst, buf, sizeof(buf)), "fd00:10:244:3::/64");
	for (size_t i = 0; i < s.n; i++)
		assert_ptr_equal(route_set_find(&s, &s.routes[i].dst), &s.routes[i]);
	struct prefix missing = P("10.244.9.0/24");
	assert_null(route_set_find(&s, &missing));
	route_set_free(&s);
}

static void test_ecmp_order_independent(void **state)
{
	struct route_set want, have;
	struct diff d;

	(void)state;
	route_set_init(&want);
	route_set_init(&have);
	diff_init(&d);
	add(&want, R("10.244.2.0/24", "192.168.1.1", "192.168.2.1", "192.168.3.1", NULL));
	add(&have, R("10.244.2.0/24", "192.168.3.1", "192.168.1.1", "192.168.2.1", NULL));
	add(&want, R("fd00:10:244:2::/64", "fd00:2::1", "fd00:1::1", NULL));
	add(&have, R("fd00:10:244:2::/64", "fd00:1::1", "fd00:2::1", NULL));
	run_diff(&want, &have, &d);
	assert_int_equal(d.add.n + d.rep.n + d.del.n, 0);
	assert_true(route_equal(&want.routes[0], &have.routes[0]));
	route_set_free(&want);
	route_set_free(&have);
	diff_free(&d);
}

static void test_replace_when_nexthops_differ(void **state)
{
	struct route_set want, have;
	struct diff d;
	char buf[ROUTE_STRLEN];

	(void)state;
	route_set_init(&want);
	route_set_init(&have);
	diff_init(&d);
	add(&want, R("10.244.2.0/24", "192.168.1.1", "192.168.2.1", NULL)); /* path added */
	add(&have, R("10.244.2.0/24", "192.168.1.1", NULL));
	add(&want, R("10.244.3.0/24", "192.168.2.1", NULL)); /* path moved */
	add(&have, R("10.244.3.0/24", "192.168.1.1", NULL));
	add(&want, R("10.244.4.0/24", "192.168.1.1", NULL)); /* unchanged */
	add(&have, R("10.244.4.0/24", "192.168.1.1", NULL));
	add(&want, R("10.244.5.0/24", "192.168.1.1", NULL)); /* new */
	add(&have, R("10.244.6.0/24", "192.168.1.1", NULL)); /* stale */
	run_diff(&want, &have, &d);
	assert_int_equal(d.rep.n, 2);
	assert_string_equal(route_format(&d.rep.routes[0], buf, sizeof(buf)),
			    "10.244.2.0/24 via 192.168.1.1, via 192.168.2.1 metric 20");
	assert_string_equal(route_format(&d.rep.routes[1], buf, sizeof(buf)),
			    "10.244.3.0/24 via 192.168.2.1 metric 20");
	assert_int_equal(d.add.n, 1);
	assert_string_equal(prefix_format(&d.add.routes[0].dst, buf, sizeof(buf)), "10.244.5.0/24");
	assert_int_equal(d.del.n, 1);
	assert_string_equal(prefix_format(&d.del.routes[0].dst, buf, sizeof(buf)), "10.244.6.0/24");
	route_set_free(&want);
	route_set_free(&have);
	diff_free(&d);
}

static void test_interface_is_part_of_nexthop(void **state)
{
	struct route a = R("10.244.4.0/24", NULL), b = R("10.244.4.0/24", NULL);
	struct nexthop e3 = NH("fe80::1", "e3"), e4 = NH("fe80::1", "e4");
	char buf[ROUTE_STRLEN];

	(void)state;
	assert_int_equal(route_add_nexthop(&a, &e3), 0);
	assert_int_equal(route_add_nexthop(&a, &e3), -1); /* duplicate refused */
	assert_int_equal(route_add_nexthop(&b, &e4), 0);
	assert_false(route_equal(&a, &b));
	/* A resolved index does not matter once the name is known. */
	b.nh[0] = e3;
	b.nh[0].ifindex = 7;
	assert_true(route_equal(&a, &b));
	assert_string_equal(route_format(&a, buf, sizeof(buf)),
			    "10.244.4.0/24 via fe80::1 dev e3 metric 20");
}

static void test_nexthop_limit(void **state)
{
	struct route r = R("10.244.2.0/24", NULL);
	char gw[32];

	(void)state;
	for (int i = 0; i < ROUTE_MAX_NEXTHOPS; i++) {
		snprintf(gw, sizeof(gw), "192.168.1.%d", 100 - i);
		struct nexthop nh = NH(gw, NULL);
		assert_int_equal(route_add_nexthop(&r, &nh), 0);
	}
	struct nexthop extra = NH("192.168.1.200", NULL);
	assert_int_equal(route_add_nexthop(&r, &extra), -1);
	route_canonicalize(&r);
	for (size_t i = 1; i < r.n_nh; i++)
		assert_true(nexthop_cmp(&r.nh[i - 1], &r.nh[i]) < 0);
}

static void test_metric_change_is_add_and_delete(void **state)
{
	struct route_set want, have;
	struct route anchor, old;
	struct diff d;

	(void)state;
	route_set_init(&want);
	route_set_init(&have);
	diff_init(&d);
	struct prefix own = P("10.244.1.0/24");
	route_make_anchor(&own, &anchor);
	assert_int_equal(anchor.type, ROUTE_UNREACHABLE);
	assert_int_equal(anchor.metric, ROUTE_METRIC_ANCHOR);
	add(&want, anchor);
	old = anchor;
	old.metric = 100;
	add(&have, old);
	add(&have, anchor); /* the right one is there too: only the extra goes */
	run_diff(&want, &have, &d);
	assert_int_equal(d.add.n + d.rep.n, 0);
	assert_int_equal(d.del.n, 1);
	assert_int_equal(d.del.routes[0].metric, 100);
	route_set_clear(&have);
	add(&have, old);
	run_diff(&want, &have, &d);
	assert_int_equal(d.add.n, 1);
	assert_int_equal(d.add.routes[0].metric, ROUTE_METRIC_ANCHOR);
	assert_int_equal(d.del.n, 1);
	assert_int_equal(d.rep.n, 0);
	/* Type alone differing is a replace. */
	route_set_clear(&have);
	old = anchor;
	old.type = ROUTE_BLACKHOLE;
	add(&have, old);
	run_diff(&want, &have, &d);
	assert_int_equal(d.rep.n, 1);
	route_set_free(&want);
	route_set_free(&have);
	diff_free(&d);
}

/* 10,000 routes per family: counts of each kind must come out exactly. */
static void test_ten_thousand(void **state)
{
	struct route_set want, have;
	struct diff d;
	char dst[64], gw[64];

	(void)state;
	route_set_init(&want);
	route_set_init(&have);
	diff_init(&d);
	for (int i = 0; i < 10000; i++) {
		snprintf(dst, sizeof(dst), "10.%d.%d.0/24", 100 + i / 256, i % 256);
		snprintf(gw, sizeof(gw), "192.168.1.%d", 1 + i % 3);
		if (i % 10 != 0) /* 9,000 wanted */
			add(&want, R(dst, gw, NULL));
		if (i % 7 != 0) { /* 8,571 present; every 5th with another next hop */
			snprintf(gw, sizeof(gw), "192.168.1.%d", 1 + (i + (i % 5 == 0)) % 3);
			add(&have, R(dst, gw, NULL));
		}
		snprintf(dst, sizeof(dst), "fd00:%x::/64", i);
		add(&want, R(dst, "fd00:1::1", "fd00:2::1", NULL));
		add(&have, R(dst, "fd00:2::1", "fd00:1::1", NULL));
	}
	run_diff(&want, &have, &d);
	size_t added = 0, replaced = 0, deleted = 0;
	for (int i = 0; i < 10000; i++) {
		bool w = i % 10 != 0, h = i % 7 != 0;
		added += w && !h;
		deleted += !w && h;
		replaced += w && h && i % 5 == 0;
	}
	assert_int_equal(d.add.n, added);
	assert_int_equal(d.rep.n, replaced);
	assert_int_equal(d.del.n, deleted);
	assert_int_equal(want.n, 19000);
	for (size_t i = 1; i < want.n; i++)
		assert_true(prefix_cmp(&want.routes[i - 1].dst, &want.routes[i].dst) < 0);
	route_set_free(&want);
	route_set_free(&have);
	diff_free(&d);
}

/* The set remembers whether it is in order: appends in order keep it,
 * one out of order clears it until the next sort. */
static void test_sorted_flag_follows_appends(void **state)
{
	struct route_set s;
	struct prefix first = P("10.244.0.0/24");

	(void)state;
	route_set_init(&s);
	assert_true(s.sorted);
	add(&s, R("10.244.1.0/24", "192.168.1.1", NULL));
	add(&s, R("10.244.2.0/24", "192.168.1.1", NULL));
	assert_true(s.sorted);
	add(&s, R("10.244.0.0/24", "192.168.1.1", NULL));
	assert_false(s.sorted);
	route_set_sort(&s);
	assert_true(s.sorted);
	assert_non_null(route_set_find(&s, &first));
	route_set_free(&s);
}

static bool pick_all_but_five(const struct prefix *p, void *arg)
{
	struct prefix five = P("10.244.5.0/24");

	(void)arg;
	return !prefix_equal(p, &five);
}

/* An agent restart with routes in place: the desired set holds only the
 * anchor of the node's own CIDR, the kernel has the anchor and learned
 * routes. Wherever the own CIDR sorts (before, between, after the learned
 * ones), each prefix must end up exactly once and in order: the anchor
 * added twice was "File exists" at every sync. */
static void test_add_missing_every_ordering(void **state)
{
	static const char *const own[] = { "10.244.0.0/24", "10.244.3.0/24", "10.244.9.0/24" };
	static const char *const learned[] = { "10.244.1.0/24", "10.244.5.0/24", "10.244.7.0/24" };

	(void)state;
	for (size_t o = 0; o < 3; o++)
		for (int filtered = 0; filtered < 2; filtered++) {
			struct route_set desired, actual;
			struct route anchor;
			struct prefix own_p = P(own[o]);
			long n;

			route_set_init(&desired);
			route_set_init(&actual);
			route_make_anchor(&own_p, &anchor);
			add(&desired, anchor);
			add(&actual, anchor);
			for (size_t l = 0; l < 3; l++)
				add(&actual, R(learned[l], "192.168.1.12", NULL));
			route_set_sort(&actual);
			n = route_set_add_missing(&desired, &actual,
						  filtered ? pick_all_but_five : NULL, NULL);
			assert_int_equal(n, filtered ? 2 : 3);
			assert_int_equal(desired.n, filtered ? 3 : 4);
			assert_true(desired.sorted);
			for (size_t i = 1; i < desired.n; i++)
				assert_true(prefix_cmp(&desired.routes[i - 1].dst,
						       &desired.routes[i].dst) < 0);
			assert_int_equal(route_set_find(&desired, &own_p)->type, ROUTE_UNREACHABLE);
			route_set_free(&desired);
			route_set_free(&actual);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_sets),
		cmocka_unit_test(test_sort_and_find_mixed_families),
		cmocka_unit_test(test_ecmp_order_independent),
		cmocka_unit_test(test_replace_when_nexthops_differ),
		cmocka_unit_test(test_interface_is_part_of_nexthop),
		cmocka_unit_test(test_nexthop_limit),
		cmocka_unit_test(test_metric_change_is_add_and_delete),
		cmocka_unit_test(test_ten_thousand),
		cmocka_unit_test(test_sorted_flag_follows_appends),
		cmocka_unit_test(test_add_missing_every_ordering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
