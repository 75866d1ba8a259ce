/* route_gate: the restart gate fed with events and times, no clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "route_gate.h"

#define GRACE 120000u
#define QUIET 5000u

static struct route_set installed(const char *const *dsts, size_t n)
{
	struct route_set s;
	struct route r;
	char err[96];

	route_set_init(&s);
	for (size_t i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		assert_int_equal(prefix_parse(dsts[i], &r.dst, PREFIX_STRICT, err, sizeof(err)), 0);
		assert_int_equal(route_set_add(&s, &r), 0);
	}
	route_set_sort(&s);
	return s;
}

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[96];

	assert_int_equal(prefix_parse(s, &p, PREFIX_STRICT, err, sizeof(err)), 0);
	return p;
}

/* A gate closed at t=1000 over two adopted routes. */
static void closed_gate(struct route_gate *g)
{
	static const char *const dsts[] = { "10.244.2.0/24", "10.244.1.0/24" };
	struct route_set s = installed(dsts, 2);

	route_gate_init(g, GRACE, QUIET);
	assert_int_equal(route_gate_close(g, 1000, "agent started", &s), 0);
	route_set_free(&s);
}

static void closed_until_eor_and_quiet(void **state)
{
	struct route_gate g;
	struct prefix p1 = P("10.244.1.0/24"), p3 = P("10.244.3.0/24");

	(void)state;
	closed_gate(&g);
	assert_false(route_gate_is_open(&g));
	assert_true(route_gate_protects(&g, &p1));
	assert_false(route_gate_protects(&g, &p3)); /* not adopted: not protected */
	assert_false(route_gate_waits_for_eor(&g)); /* no table yet */
	route_gate_table(&g, 0);
	assert_true(route_gate_waits_for_eor(&g));
	route_gate_peers(&g, 1500, false);
	assert_false(route_gate_update(&g, 1500));
	route_gate_peers(&g, 2000, true);
	assert_false(route_gate_update(&g, 2000)); /* End-of-RIB seen, not quiet yet */
	assert_false(route_gate_waits_for_eor(&g));
	assert_false(route_gate_update(&g, 2000 + QUIET - 1));
	assert_true(route_gate_update(&g, 2000 + QUIET));
	assert_true(route_gate_is_open(&g));
	assert_false(route_gate_protects(&g, &p1));
	assert_non_null(strstr(route_gate_reason(&g), "End-of-RIB after 1000 ms"));
	assert_false(route_gate_update(&g, 2000 + QUIET + 1)); /* opens once */
	route_gate_free(&g);
}

static void table_change_restarts_quiet(void **state)
{
	struct route_gate g;

	(void)state;
	closed_gate(&g);
	route_gate_table(&g, 0);
	route_gate_peers(&g, 2000, true);
	assert_false(route_gate_update(&g, 2000));
	route_gate_moved(&g, 4000);
	assert_false(route_gate_update(&g, 2000 + QUIET));
	assert_true(route_gate_update(&g, 4000 + QUIET));
	route_gate_free(&g);
}

static void prefix_without_best_path_holds(void **state)
{
	struct route_gate g;

	(void)state;
	closed_gate(&g);
	assert_true(route_gate_needs_table(&g));
	route_gate_table(&g, 3);
	assert_true(route_gate_needs_table(&g));
	route_gate_peers(&g, 2000, true);
	assert_false(route_gate_update(&g, 2000 + QUIET * 4));
	route_gate_table(&g, 0);
	assert_false(route_gate_needs_table(&g));
	assert_false(route_gate_update(&g, 2000 + QUIET * 4)); /* End-of-RIB seen now */
	assert_true(route_gate_update(&g, 2000 + QUIET * 5));
	route_gate_free(&g);
}

static void peers_read_before_close_do_not_count(void **state)
{
	struct route_gate g;
	struct route_set none;

	(void)state;
	route_set_init(&none);
	route_gate_init(&g, GRACE, QUIET);
	route_gate_peers(&g, 500, true);
	assert_int_equal(route_gate_close(&g, 1000, "bgpd (re)started", &none), 0);
	route_gate_table(&g, 0);
	assert_false(route_gate_update(&g, 1000 + QUIET * 2));
	assert_true(route_gate_waits_for_eor(&g));
	route_gate_free(&g);
}

static void grace_period_runs_out(void **state)
{
	struct route_gate g;

	(void)state;
	closed_gate(&g);
	assert_false(route_gate_update(&g, 1000 + GRACE)); /* no table: never opens */
	route_gate_table(&g, 0);
	assert_false(route_gate_update(&g, 1000 + GRACE - 1));
	assert_true(route_gate_update(&g, 1000 + GRACE));
	assert_string_equal(route_gate_reason(&g), "grace period of 120 s ran out");
	route_gate_free(&g);
}

static void grace_change_applies(void **state)
{
	struct route_gate g;

	(void)state;
	closed_gate(&g);
	route_gate_table(&g, 0);
	route_gate_set_grace(&g, 10000);
	assert_true(route_gate_update(&g, 11000));
	route_gate_free(&g);
}

static void reclose_protects_again(void **state)
{
	static const char *const dsts[] = { "10.244.9.0/24" };
	struct route_set s = installed(dsts, 1);
	struct route_gate g;
	struct prefix p9 = P("10.244.9.0/24"), p1 = P("10.244.1.0/24");

	(void)state;
	closed_gate(&g);
	route_gate_table(&g, 0);
	assert_true(route_gate_update(&g, 1000 + GRACE));
	assert_int_equal(route_gate_close(&g, 200000, "bgpd (re)started", &s), 0);
	assert_false(route_gate_is_open(&g));
	assert_true(route_gate_protects(&g, &p9));
	assert_false(route_gate_protects(&g, &p1));
	assert_false(route_gate_update(&g, 200000 + QUIET * 2)); /* needs a new table */
	assert_non_null(strstr(route_gate_reason(&g), "bgpd (re)started"));
	route_set_free(&s);
	route_gate_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(closed_until_eor_and_quiet),
		cmocka_unit_test(table_change_restarts_quiet),
		cmocka_unit_test(prefix_without_best_path_holds),
		cmocka_unit_test(peers_read_before_close_do_not_count),
		cmocka_unit_test(grace_period_runs_out),
		cmocka_unit_test(grace_change_applies),
		cmocka_unit_test(reclose_protects_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
