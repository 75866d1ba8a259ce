/* route_scope: the set operations of one incremental step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "route_scope.h"

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[96];

	assert_int_equal(prefix_parse(s, &p, PREFIX_STRICT, err, sizeof(err)), 0);
	return p;
}

static struct route R(const char *dst, uint32_t metric)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.dst = P(dst);
	r.metric = metric;
	r.type = ROUTE_UNREACHABLE;
	return r;
}

static struct route_set set_of(const char *const *dsts, size_t n)
{
	struct route_set s;

	route_set_init(&s);
	for (size_t i = 0; i < n; i++) {
		struct route r = R(dsts[i], 20);

		assert_int_equal(route_set_add(&s, &r), 0);
	}
	route_set_sort(&s);
	return s;
}

static void test_normalize(void **state)
{
	struct prefix v[] = { P("10.244.3.0/24"), P("10.244.1.0/24"), P("10.244.3.0/24"),
			      P("fd00::/64"), P("10.244.1.0/24") };
	struct route_scope sc = { v, 0 };

	(void)state;
	sc.n = route_scope_normalize(v, 5);
	assert_int_equal(sc.n, 3);
	assert_true(prefix_equal(&v[0], &(struct prefix){ 0 }) == false);
	assert_true(route_scope_has(&sc, &v[2]));
	assert_false(route_scope_has(&sc, &(struct prefix){ 0 }));
	assert_int_equal(route_scope_normalize(v, 0), 0);
}

static void test_select_and_splice(void **state)
{
	static const char *const have[] = { "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24",
					    "10.244.4.0/24" };
	static const char *const now[] = { "10.244.2.0/24", "10.244.9.0/24" };
	struct prefix scope_v[] = { P("10.244.2.0/24"), P("10.244.3.0/24"), P("10.244.9.0/24") };
	struct route_scope sc = { scope_v, 3 };
	struct route_set s = set_of(have, 4), with = set_of(now, 2), sel;
	struct route extra = R("10.244.2.0/24", 5);
	char buf[PREFIX_STRLEN];

	(void)state;
	assert_int_equal(route_set_add(&s, &extra), 0); /* a second metric */
	route_set_sort(&s);
	route_set_init(&sel);
	assert_int_equal(route_set_select(&s, &sc, &sel), 0);
	assert_int_equal(sel.n, 3); /* 10.244.2.0/24 twice, 10.244.3.0/24 */
	/* 10.244.2.0/24 replaced (both metrics by one), 3 withdrawn, 9 new. */
	assert_int_equal(route_set_splice(&s, &sc, &with), 0);
	assert_int_equal(s.n, 4);
	assert_true(s.sorted);
	assert_string_equal(prefix_format(&s.routes[0].dst, buf, sizeof(buf)), "10.244.1.0/24");
	assert_string_equal(prefix_format(&s.routes[1].dst, buf, sizeof(buf)), "10.244.2.0/24");
	assert_int_equal(s.routes[1].metric, 20);
	assert_string_equal(prefix_format(&s.routes[2].dst, buf, sizeof(buf)), "10.244.4.0/24");
	assert_string_equal(prefix_format(&s.routes[3].dst, buf, sizeof(buf)), "10.244.9.0/24");
	route_set_free(&s);
	route_set_free(&with);
	route_set_free(&sel);
}

static void test_splice_empty(void **state)
{
	struct route_set s, with;
	struct prefix v[] = { P("10.244.2.0/24") };
	struct route_scope sc = { v, 1 };

	(void)state;
	route_set_init(&s);
	route_set_init(&with);
	assert_int_equal(route_set_splice(&s, &sc, &with), 0);
	assert_int_equal(s.n, 0);
	route_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_select_and_splice),
		cmocka_unit_test(test_splice_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
