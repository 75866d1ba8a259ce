/* CNI_* environment parsing and the spec's container id / ifname rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cni_env.h"

/* A fake environment: NULL-terminated name/value pairs. */
static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
	for (int i = 0; fake_env[i] != NULL; i += 2)
		if (strcmp(fake_env[i], name) == 0)
			return fake_env[i + 1];
	return NULL;
}

static int parse(const char *const *env, struct cni_env *out, struct cni_err *err)
{
	fake_env = env;
	memset(err, 0, sizeof(*err));
	return cni_env_parse(out, fake_getenv, err);
}

static void test_add_complete(void **state)
{
	static const char *const env[] = {
		"CNI_COMMAND", "ADD", "CNI_CONTAINERID", "abc-1.2_x", "CNI_NETNS", "/run/netns/x",
		"CNI_IFNAME", "eth0", "CNI_PATH", "/opt/cni/bin", "CNI_ARGS", "A=1;B=2", NULL,
	};
	struct cni_env e;
	struct cni_err err;

	(void)state;
	assert_int_equal(parse(env, &e, &err), 0);
	assert_int_equal(e.cmd, CMD_ADD);
	assert_string_equal(e.containerid, "abc-1.2_x");
	assert_string_equal(e.ifname, "eth0");
	assert_string_equal(e.args, "A=1;B=2");
}

static void expect_env_error(const char *const *env, const char *needle)
{
	struct cni_env e;
	struct cni_err err;

	assert_int_equal(parse(env, &e, &err), -1);
	assert_int_equal(err.code, CNI_ERR_ENV);
	assert_non_null(strstr(err.details, needle));
}

static void test_missing_variables(void **state)
{
	static const char *const no_cmd[] = { "CNI_CONTAINERID", "x", NULL };
	static const char *const no_id[] = {
		"CNI_COMMAND", "ADD", "CNI_NETNS", "/n", "CNI_IFNAME", "eth0", "CNI_PATH", "/p", NULL,
	};
	static const char *const no_netns[] = {
		"CNI_COMMAND", "CHECK", "CNI_CONTAINERID", "x", "CNI_IFNAME", "eth0",
		"CNI_PATH", "/p", NULL,
	};
	static const char *const empty_ifname[] = {
		"CNI_COMMAND", "DEL", "CNI_CONTAINERID", "x", "CNI_IFNAME", "", "CNI_PATH", "/p",
		NULL,
	};
	static const char *const bogus[] = { "CNI_COMMAND", "UPDATE", NULL };

	(void)state;
	expect_env_error(no_cmd, "CNI_COMMAND");
	expect_env_error(no_id, "CNI_CONTAINERID");
	expect_env_error(no_netns, "CNI_NETNS");
	expect_env_error(empty_ifname, "CNI_IFNAME");
	expect_env_error(bogus, "'UPDATE'");
}

static void test_del_gc_version_need_less(void **state)
{
	static const char *const del[] = {
		"CNI_COMMAND", "DEL", "CNI_CONTAINERID", "x", "CNI_IFNAME", "eth0", "CNI_PATH", "/p",
		NULL,
	};
	static const char *const gc[] = { "CNI_COMMAND", "GC", "CNI_PATH", "/p", NULL };
	static const char *const status_no_path[] = { "CNI_COMMAND", "STATUS", NULL };
	static const char *const version[] = { "CNI_COMMAND", "VERSION", NULL };
	struct cni_env e;
	struct cni_err err;

	(void)state;
	assert_int_equal(parse(del, &e, &err), 0);
	assert_null(e.netns);
	assert_int_equal(parse(gc, &e, &err), 0);
	assert_int_equal(e.cmd, CMD_GC);
	assert_int_equal(parse(version, &e, &err), 0);
	expect_env_error(status_no_path, "CNI_PATH");
}

static void test_containerid_rules(void **state)
{
	(void)state;
	assert_true(cni_containerid_valid("a"));
	assert_true(cni_containerid_valid("0abc.def_g-h"));
	assert_false(cni_containerid_valid(""));
	assert_false(cni_containerid_valid("-abc"));
	assert_false(cni_containerid_valid(".abc"));
	assert_false(cni_containerid_valid("ab c"));
	assert_false(cni_containerid_valid("ab/c"));
	assert_false(cni_containerid_valid("ab!"));
}

static void test_ifname_rules(void **state)
{
	(void)state;
	assert_true(cni_ifname_valid("eth0"));
	assert_true(cni_ifname_valid("abcdefghijklmno")); /* 15 */
	assert_false(cni_ifname_valid("abcdefghijklmnop")); /* 16 */
	assert_false(cni_ifname_valid(""));
	assert_false(cni_ifname_valid("."));
	assert_false(cni_ifname_valid(".."));
	assert_false(cni_ifname_valid("a/b"));
	assert_false(cni_ifname_valid("a:b"));
	assert_false(cni_ifname_valid("a b"));
	assert_false(cni_ifname_valid("a\tb"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_complete),
		cmocka_unit_test(test_missing_variables),
		cmocka_unit_test(test_del_gc_version_need_less),
		cmocka_unit_test(test_containerid_rules),
		cmocka_unit_test(test_ifname_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
