/* A minimal pull scanner over JSON objects; values are decoded by jansson. */
#include "json_scan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 2, 3)))
static int scan_error(struct json_scan *s, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(s->err, s->errlen, "invalid JSON at byte %zu: %s", (size_t)(s->p - s->start), msg);
	return -1;
}

void json_scan_init(struct json_scan *s, const char *buf, size_t len, char *err, size_t errlen)
{
	s->start = s->p = buf;
	s->end = buf + len;
	s->err = err;
	s->errlen = errlen;
}

static void skip_ws(struct json_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* Next non-space character, not consumed; '\0' at the end of input. */
static char peek(struct json_scan *s)
{
	skip_ws(s);
	return s->p < s->end ? *s->p : '\0';
}

bool json_scan_at_object(struct json_scan *s)
{
	return peek(s) == '{';
}

static int expect(struct json_scan *s, char c)
{
	if (peek(s) != c)
		return scan_error(s, "expected '%c'", c);
	s->p++;
	return 0;
}

/* A key without escapes: returns its bytes in place. */
static int scan_key(struct json_scan *s, const char **key, size_t *len)
{
	const char *q;

	if (expect(s, '"') < 0)
		return -1;
	for (q = s->p; q < s->end && *q != '"'; q++)
		if (*q == '\\')
			return scan_error(s, "escaped characters in a key are not supported");
	if (q >= s->end)
		return scan_error(s, "unterminated string");
	*key = s->p;
	*len = (size_t)(q - s->p);
	s->p = q + 1;
	return expect(s, ':');
}

int json_scan_object(struct json_scan *s, json_member_fn fn, void *arg)
{
	const char *key = NULL;
	size_t len = 0;

	if (expect(s, '{') < 0)
		return -1;
	if (peek(s) == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (scan_key(s, &key, &len) < 0 || fn(arg, key, len, s) < 0)
			return -1;
		if (peek(s) == ',') {
			s->p++;
			continue;
		}
		return expect(s, '}');
	}
}

int json_scan_array(struct json_scan *s, json_element_fn fn, void *arg)
{
	if (expect(s, '[') < 0)
		return -1;
	if (peek(s) == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (fn(arg, s) < 0)
			return -1;
		if (peek(s) == ',') {
			s->p++;
			continue;
		}
		return expect(s, ']');
	}
}

/* True when the input at s starts with the literal word. */
static bool at_literal(struct json_scan *s, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(s->end - s->p) >= n && memcmp(s->p, word, n) == 0;
}

int json_scan_bool(struct json_scan *s, bool *out)
{
	*out = false;
	peek(s);
	if (at_literal(s, "true")) {
		*out = true;
		s->p += 4;
		return 0;
	}
	if (at_literal(s, "false")) {
		s->p += 5;
		return 0;
	}
	return json_scan_skip(s);
}

/* One character of a string body; escapes are few and simple in bgpd's output. */
static int string_char(struct json_scan *s, char *c)
{
	if (*s->p != '\\') {
		*c = *s->p++;
		return 0;
	}
	if (s->p + 1 >= s->end || s->p[1] == '\0' || strchr("\"\\/", s->p[1]) == NULL)
		return scan_error(s, "unsupported escape in a string");
	*c = s->p[1];
	s->p += 2;
	return 0;
}

int json_scan_string(struct json_scan *s, char *buf, size_t len)
{
	size_t n = 0;
	char c = 0;

	buf[0] = '\0';
	if (peek(s) != '"')
		return json_scan_skip(s);
	for (s->p++; s->p < s->end && *s->p != '"';) {
		if (string_char(s, &c) < 0)
			return -1;
		if (n + 1 >= len)
			return scan_error(s, "string longer than %zu bytes", len - 1);
		buf[n++] = c;
	}
	if (s->p >= s->end)
		return scan_error(s, "unterminated string");
	s->p++;
	buf[n] = '\0';
	return 0;
}

int json_scan_decode(struct json_scan *s, json_t **out)
{
	json_error_t e;
	char c = peek(s);

	if (c != '{' && c != '[')
		return scan_error(s, "expected an object or array");
	/* Stops after the closing bracket; position = bytes consumed. */
	*out = json_loadb(s->p, (size_t)(s->end - s->p), JSON_DISABLE_EOF_CHECK, &e);
	if (*out == NULL) {
		s->p += e.position > 0 ? (size_t)e.position : 0;
		return scan_error(s, "%s", e.text);
	}
	s->p += e.position;
	return 0;
}

int json_scan_uint(struct json_scan *s, uint64_t *out)
{
	char buf[24];
	size_t n = 0;
	char *endp;

	peek(s);
	while (s->p + n < s->end && n < sizeof(buf) - 1 && s->p[n] >= '0' && s->p[n] <= '9') {
		buf[n] = s->p[n];
		n++;
	}
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, &endp, 10);
	if (n == 0 || errno != 0 || (s->p + n < s->end && s->p[n] >= '0' && s->p[n] <= '9'))
		return scan_error(s, "expected a non-negative integer");
	s->p += n;
	return 0;
}

static int skip_string(struct json_scan *s)
{
	for (s->p++; s->p < s->end; s->p++) {
		if (*s->p == '\\')
			s->p++;
		else if (*s->p == '"') {
			s->p++;
			return 0;
		}
	}
	return scan_error(s, "unterminated string");
}

/* Objects and arrays: count brackets outside strings. */
static int skip_nested(struct json_scan *s)
{
	int depth = 0;

	while (s->p < s->end) {
		char c = *s->p;

		if (c == '"') {
			if (skip_string(s) < 0)
				return -1;
			continue;
		}
		s->p++;
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return 0;
	}
	return scan_error(s, "unterminated object or array");
}

int json_scan_skip(struct json_scan *s)
{
	char c = peek(s);
	const char *from = s->p;

	if (c == '"')
		return skip_string(s);
	if (c == '{' || c == '[')
		return skip_nested(s);
	/* Numbers, true, false, null. */
	while (s->p < s->end && strchr(",}] \t\r\n", *s->p) == NULL)
		s->p++;
	return s->p > from ? 0 : scan_error(s, "expected a value");
}

int json_scan_end(struct json_scan *s)
{
	if (peek(s) != '\0')
		return scan_error(s, "unexpected data after the end");
	return 0;
}
