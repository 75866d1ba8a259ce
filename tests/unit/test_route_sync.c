/* route_sync: the reconcile step against a recording fake of the kernel, and
 * the desired set built from learned routes + import policy + anchors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "route_sync.h"

/* The fake kernel: records every operation; fails those for fail_dst. */
struct recorder {
	char log[64][ROUTE_STRLEN + 16];
	size_t n;
	size_t calls;
	const char *fail_dst;
	bool fail_all;
};

static const char *const op_names[] = { "add", "replace", "delete" };

static int record_apply(void *ctx, const struct route_op *ops, size_t n, int *results)
{
	struct recorder *rec = ctx;
	char buf[ROUTE_STRLEN], dst[PREFIX_STRLEN];
	int failed = 0;

	rec->calls++;
	if (rec->fail_all)
		return -1;
	for (size_t i = 0; i < n; i++) {
		assert_true(rec->n < 64);
		route_format(ops[i].route, buf, sizeof(buf));
		snprintf(rec->log[rec->n++], sizeof(rec->log[0]), "%s %s", op_names[ops[i].kind], buf);
		prefix_format(&ops[i].route->dst, dst, sizeof(dst));
		results[i] = rec->fail_dst && strcmp(rec->fail_dst, dst) == 0 ? -2 : 0;
		failed += results[i] != 0;
	}
	return failed;
}

static struct route R(const char *dst, const char *gw1, const char *gw2)
{
	struct route r;
	struct nexthop nh;
	char err[128];
	const char *gws[2] = { gw1, gw2 };

	memset(&r, 0, sizeof(r));
	assert_int_equal(prefix_parse(dst, &r.dst, PREFIX_STRICT, err, sizeof(err)), 0);
	r.metric = ROUTE_METRIC_LEARNED;
	for (int i = 0; i < 2; i++) {
		if (gws[i] == NULL)
			continue;
		memset(&nh, 0, sizeof(nh));
		assert_int_equal(ip_addr_parse(gws[i], &nh.gw, err, sizeof(err)), 0);
		assert_int_equal(route_add_nexthop(&r, &nh), 0);
	}
	return r;
}

static void add(struct route_set *s, struct route r)
{
	assert_int_equal(route_set_add(s, &r), 0);
}

struct fixture {
	struct route_set want, have;
	struct recorder rec;
	struct route_sync_ops ops;
	struct route_sync_counts c;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	route_set_init(&f.want);
	route_set_init(&f.have);
	f.ops = (struct route_sync_ops){ &f.rec, record_apply };
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	route_set_free(&f->want);
	route_set_free(&f->have);
	return 0;
}

static void sample(struct fixture *f)
{
	add(&f->want, R("10.244.2.0/24", "192.168.1.1", "192.168.2.1")); /* replace: ECMP grew */
	add(&f->have, R("10.244.2.0/24", "192.168.1.1", NULL));
	add(&f->want, R("10.244.3.0/24", "192.168.1.1", NULL));           /* unchanged */
	add(&f->have, R("10.244.3.0/24", "192.168.1.1", NULL));
	add(&f->want, R("fd00:10:244:4::/64", "fd00:1::1", NULL));        /* add */
	add(&f->have, R("10.244.9.0/24", "192.168.1.1", NULL));           /* stale */
	route_set_sort(&f->want);
	route_set_sort(&f->have);
}

static void test_apply_with_deletes(void **state)
{
	struct fixture *f = *state;

	sample(f);
	assert_int_equal(route_sync_apply(&f->want, &f->have, true, &f->ops, &f->c), 0);
	assert_int_equal(f->rec.n, 3);
	assert_string_equal(f->rec.log[0], "add fd00:10:244:4::/64 via fd00:1::1 metric 20");
	assert_string_equal(f->rec.log[1],
			    "replace 10.244.2.0/24 via 192.168.1.1, via 192.168.2.1 metric 20");
	assert_string_equal(f->rec.log[2], "delete 10.244.9.0/24 via 192.168.1.1 metric 20");
	assert_int_equal(f->c.added, 1);
	assert_int_equal(f->c.replaced, 1);
	assert_int_equal(f->c.deleted, 1);
	assert_int_equal(f->c.unchanged, 1);
	assert_int_equal(f->c.failed + f->c.held, 0);
}

static void test_deletes_held_until_allowed(void **state)
{
	struct fixture *f = *state;

	sample(f);
	assert_int_equal(route_sync_apply(&f->want, &f->have, false, &f->ops, &f->c), 0);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->c.deleted, 0);
	assert_int_equal(f->c.held, 1);
	for (size_t i = 0; i < f->rec.n; i++)
		assert_null(strstr(f->rec.log[i], "delete"));
}

static void test_steady_state_makes_no_call(void **state)
{
	struct fixture *f = *state;

	add(&f->want, R("10.244.2.0/24", "192.168.2.1", "192.168.1.1"));
	add(&f->have, R("10.244.2.0/24", "192.168.1.1", "192.168.2.1"));
	route_set_sort(&f->want);
	route_set_sort(&f->have);
	assert_int_equal(route_sync_apply(&f->want, &f->have, true, &f->ops, &f->c), 0);
	assert_int_equal(f->rec.calls, 0);
	assert_int_equal(f->c.unchanged, 1);
}

static void test_failures_counted(void **state)
{
	struct fixture *f = *state;

	sample(f);
	f->rec.fail_dst = "10.244.2.0/24";
	assert_int_equal(route_sync_apply(&f->want, &f->have, true, &f->ops, &f->c), 1);
	assert_int_equal(f->c.failed, 1);
	assert_int_equal(f->c.replaced, 0);
	assert_int_equal(f->c.added, 1);
	assert_int_equal(f->c.deleted, 1);
	f->rec.fail_all = true;
	assert_int_equal(route_sync_apply(&f->want, &f->have, true, &f->ops, &f->c), -1);
	assert_int_equal(f->c.failed, 3);
}

static void make_config(struct agent_config *cfg, bool ecmp)
{
	char err[128];

	memset(cfg, 0, sizeof(*cfg));
	assert_int_equal(ip_addr_parse("192.168.1.11", &cfg->node.address, err, sizeof(err)), 0);
	assert_int_equal(prefix_parse("10.244.1.0/24", &cfg->node.pod_cidrs[0], 0, err, sizeof(err)), 0);
	cfg->node.n_pod_cidrs = 1;
	assert_int_equal(prefix_parse("10.244.0.0/16", &cfg->cluster.pod_cidrs[0], 0, err, sizeof(err)), 0);
	assert_int_equal(prefix_parse("fd00:10:244::/48", &cfg->cluster.pod_cidrs[1], 0, err, sizeof(err)), 0);
	cfg->cluster.n_pod_cidrs = 2;
	cfg->cluster.node_mask_v4 = 24;
	cfg->cluster.node_mask_v6 = 64;
	cfg->kernel.ecmp = ecmp;
}

static void test_build_desired(void **state)
{
	struct fixture *f = *state;
	struct agent_config cfg;
	struct rejected_set rej;
	struct route_set desired;
	char buf[ROUTE_STRLEN];

	make_config(&cfg, true);
	route_set_init(&desired);
	rejected_set_init(&rej);
	add(&f->have, R("10.244.2.0/24", "192.168.2.1", "192.168.1.1"));
	add(&f->have, R("10.244.1.0/24", "192.168.1.1", NULL));  /* our own: refused */
	add(&f->have, R("0.0.0.0/0", "192.168.1.1", NULL));      /* default: refused */
	add(&f->have, R("10.244.3.0/24", "192.168.1.11", "192.168.1.1")); /* one bad next hop */
	add(&f->have, R("fd00:10:244:2::/64", "fd00:1::1", NULL));
	route_set_sort(&f->have);
	assert_int_equal(route_sync_build_desired(&cfg, &f->have, true, NULL, &desired, &rej), 0);
	assert_int_equal(desired.n, 4);
	assert_string_equal(route_format(&desired.routes[0], buf, sizeof(buf)),
			    "unreachable 10.244.1.0/24 metric 4278198272");
	assert_string_equal(route_format(&desired.routes[1], buf, sizeof(buf)),
			    "10.244.2.0/24 via 192.168.1.1, via 192.168.2.1 metric 20");
	assert_string_equal(route_format(&desired.routes[2], buf, sizeof(buf)),
			    "10.244.3.0/24 via 192.168.1.1 metric 20");
	assert_int_equal(rej.n, 3);
	assert_string_equal(rej.v[0].reason, "0.0.0.0/0 is a default route");
	assert_string_equal(rej.v[1].reason,
			    "10.244.1.0/24 overlaps this node's own pod CIDR 10.244.1.0/24");
	assert_int_equal(rej.v[2].route.n_nh, 2); /* recorded as learned */
	assert_non_null(strstr(rej.v[2].reason, "node's own address"));
	/* Without ECMP: one next hop, always the same one; no anchors asked. */
	cfg.kernel.ecmp = false;
	assert_int_equal(route_sync_build_desired(&cfg, &f->have, false, NULL, &desired, NULL), 0);
	assert_int_equal(desired.n, 3);
	assert_string_equal(route_format(&desired.routes[0], buf, sizeof(buf)),
			    "10.244.2.0/24 via 192.168.1.1 metric 20");
	route_set_free(&desired);
	rejected_set_free(&rej);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_with_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deletes_held_until_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_steady_state_makes_no_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_desired, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
