/* The template engine: variables, lists, optional and inverted sections,
 * scoping, standalone lines, and errors naming NAME:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "template.h"

/* Renders text over d; returns the output, or the error text when it fails. */
static char *render(const char *text, const struct tmpl_data *d, int *rc)
{
	char *out = NULL, *errs = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&errs, &len);

	assert_non_null(err);
	*rc = tmpl_render(text, "t.tmpl", d, &out, err);
	fclose(err);
	if (*rc == 0) {
		assert_string_equal(errs, "");
		free(errs);
		return out;
	}
	assert_null(out);
	return errs;
}

static void expect(const char *text, const struct tmpl_data *d, const char *want)
{
	int rc;
	char *got = render(text, d, &rc);

	if (rc != 0 || strcmp(got, want) != 0)
		fail_msg("rendering \"%s\": wanted \"%s\", got (rc %d) \"%s\"", text, want, rc, got);
	free(got);
}

static void expect_error(const char *text, const struct tmpl_data *d, const char *want)
{
	int rc;
	char *got = render(text, d, &rc);

	if (rc == 0 || strstr(got, want) == NULL)
		fail_msg("rendering \"%s\": wanted error \"%s\", got (rc %d) \"%s\"", text, want, rc, got);
	free(got);
}

static struct tmpl_data *sample(void)
{
	struct tmpl_data *d = tmpl_data_new(), *item;

	tmpl_set_string(d, "asn", "65001");
	tmpl_set_stringf(d, "id", "%d.%d", 10, 1);
	tmpl_set_bool(d, "yes", true);
	tmpl_set_bool(d, "no", false);
	tmpl_set_string(d, "empty", "");
	tmpl_set_list(d, "none");
	item = tmpl_list_append(d, "peers");
	tmpl_set_string(item, "name", "a");
	tmpl_set_bool(item, "bfd", true);
	item = tmpl_list_append(d, "peers");
	tmpl_set_string(item, "name", "b");
	tmpl_set_bool(item, "bfd", false);
	tmpl_set_string(item, "asn", "65002"); /* shadows the outer asn */
	return d;
}

static void test_variables(void **state)
{
	struct tmpl_data *d = sample();

	(void)state;
	expect("router bgp {{asn}} id {{ id }}\n", d, "router bgp 65001 id 10.1\n");
	expect("{{yes}}/{{no}}", d, "true/false");
	expect("no tags at all", d, "no tags at all");
	expect("", d, "");
	tmpl_set_string(d, "asn", "65009"); /* replaces */
	expect("{{asn}}", d, "65009");
	tmpl_data_free(d);
}

static void test_lists_and_scope(void **state)
{
	struct tmpl_data *d = sample();

	(void)state;
	expect("{{#peers}}[{{name}} {{asn}}]{{/peers}}", d, "[a 65001][b 65002]");
	expect("{{#none}}x{{/none}}end", d, "end");
	expect("{{#yes}}once{{/yes}}{{#no}}never{{/no}}", d, "once");
	tmpl_data_free(d);
}

static void test_optional_and_inverted(void **state)
{
	struct tmpl_data *d = sample();

	(void)state;
	expect("{{?yes}}Y{{/yes}}{{?no}}N{{/no}}{{?unset}}U{{/unset}}{{?empty}}E{{/empty}}", d, "Y");
	expect("{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^unset}}U{{/unset}}{{^none}}L{{/none}}", d, "NUL");
	expect("{{?peers}}has peers{{/peers}}", d, "has peers");
	expect("{{#peers}}{{name}}{{?bfd}}+bfd{{/bfd}};{{/peers}}", d, "a+bfd;b;");
	tmpl_data_free(d);
}

/* A line holding only a section tag vanishes with its newline. */
static void test_standalone_lines(void **state)
{
	struct tmpl_data *d = sample();

	(void)state;
	expect("a\n{{#peers}}\n  x {{name}}\n{{/peers}}\nb\n", d, "a\n  x a\n  x b\nb\n");
	expect("a\n  {{! comment }}  \nb\n", d, "a\nb\n");
	expect("a\n{{?no}}\nno\n{{/no}}\nb", d, "a\nb");
	/* not standalone: text beside the tag keeps the line */
	expect("a {{?yes}}y{{/yes}}\n", d, "a y\n");
	expect("{{asn}}\n", d, "65001\n");
	tmpl_data_free(d);
}

static void test_errors_name_the_line(void **state)
{
	struct tmpl_data *d = sample();

	(void)state;
	expect_error("a\nb {{typo}}\n", d, "t.tmpl:2: {{typo}} is not set");
	expect_error("\n\n{{#peers}}x\n", d, "t.tmpl:3: {{#peers}} is never closed");
	expect_error("{{#peers}}\n{{/peer}}\n", d, "t.tmpl:2: {{/peer}} does not close {{#peers}} of line 1");
	expect_error("x\n{{/peers}}", d, "t.tmpl:2: {{/peers}} closes no section");
	expect_error("a\n\n{{asn", d, "t.tmpl:3: unterminated tag");
	expect_error("{{a b}}", d, "t.tmpl:1: bad tag \"{{a b}}\"");
	expect_error("{{peers}}", d, "t.tmpl:1: {{peers}} is a list");
	expect_error("{{#unset}}x{{/unset}}", d, "t.tmpl:1: {{#unset}} is not set");
	/* a broken section is an error even when the data would skip it */
	expect_error("{{?no}}{{#x}}{{/no}}", d, "does not close");
	tmpl_set_string(d, "evil", "x\nline");
	expect_error("a\n{{evil}}", d, "t.tmpl:2: the value of {{evil}} contains a newline");
	tmpl_data_free(d);
}

static void test_render_file(void **state)
{
	struct tmpl_data *d = sample();
	char path[] = "/tmp/test_template.XXXXXX", *out = NULL;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	fputs("asn {{asn}}\n{{bad\n", f);
	fclose(f);
	assert_int_equal(tmpl_render_file(path, d, &out, NULL), -1);
	assert_null(out);
	f = fopen(path, "w");
	fputs("asn {{asn}}\n", f);
	fclose(f);
	assert_int_equal(tmpl_render_file(path, d, &out, stderr), 0);
	assert_string_equal(out, "asn 65001\n");
	free(out);
	assert_int_equal(tmpl_render_file("/nonexistent.tmpl", d, &out, NULL), -1);
	unlink(path);
	tmpl_data_free(d);
}

/* Nesting is bounded (found by tests/fuzz: 100,000 nested sections overflowed
 * the parser's stack): 64 levels render, 65 are an error naming the line. */
static void test_nesting_limit(void **state)
{
	struct tmpl_data *d = sample();
	char text[80 * 16 + 8];
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 65; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "{{?yes}}");
	len += (size_t)snprintf(text + len, sizeof(text) - len, "x");
	for (int i = 0; i < 65; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "{{/yes}}");
	expect_error(text, d, "t.tmpl:1: {{?yes}}: sections nested deeper than 64");
	/* One level less: the first open tag and the last close tag dropped. */
	text[len - 8] = '\0';
	expect(text + 8, d, "x");
	tmpl_data_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_lists_and_scope),
		cmocka_unit_test(test_optional_and_inverted),
		cmocka_unit_test(test_standalone_lines),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_render_file),
		cmocka_unit_test(test_nesting_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
