/* Walks the members of a large JSON object one at a time, so that bgpd's
 * multi-megabyte tables never exist as one jansson tree: only the value of
 * the member being looked at is decoded (the tree of all 10,000 routes would
 * cost tens of MB). Keys must not contain escapes (bgpd's never do). */
#ifndef BGP_JSON_SCAN_H
#define BGP_JSON_SCAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_scan {
	const char *start, *p, *end;
	char *err;
	size_t errlen;
};

/* Called for each member; must consume the value with exactly one of the
 * json_scan_* value functions below. Returns 0 to go on, -1 to stop (with
 * s->err filled). */
typedef int (*json_member_fn)(void *arg, const char *key, size_t keylen, struct json_scan *s);
/* Called for each element of an array, with the same contract. */
typedef int (*json_element_fn)(void *arg, struct json_scan *s);

void json_scan_init(struct json_scan *s, const char *buf, size_t len, char *err, size_t errlen);
/* The value at s is an object: calls fn for each member. */
int json_scan_object(struct json_scan *s, json_member_fn fn, void *arg);
/* The value at s is an array: calls fn for each element. */
int json_scan_array(struct json_scan *s, json_element_fn fn, void *arg);
/* Reads true/false; any other (valid) value is skipped and reads as false. */
int json_scan_bool(struct json_scan *s, bool *out);
/* Reads a string into buf (escapes \" \\ \/ decoded); a value of another
 * type is skipped and reads as "". Fails on strings longer than len - 1 and
 * on other escapes (never in the short fields read this way). */
int json_scan_string(struct json_scan *s, char *buf, size_t len);
/* Decodes the value (object or array) into a jansson tree (json_decref it). */
int json_scan_decode(struct json_scan *s, json_t **out);
/* Reads a non-negative integer value. */
int json_scan_uint(struct json_scan *s, uint64_t *out);
/* True when the next value is an object (nothing consumed). */
bool json_scan_at_object(struct json_scan *s);
/* Skips any value. */
int json_scan_skip(struct json_scan *s);
/* Fails unless only whitespace is left. */
int json_scan_end(struct json_scan *s);

#endif
