/* A small logic-less template engine (mustache-like), so the FRR
 * configuration is a plain text file a user can read and edit
 * (frr-templates/README.md documents the syntax):
 *
 *   {{name}}              the value of name (innermost list item first, then outer)
 *   {{#name}}...{{/name}} a list: the block once per item (items are maps);
 *                         a true bool or non-empty string: the block once
 *   {{?name}}...{{/name}} optional: the block once if name is set and true /
 *                         non-empty; a missing name is simply false
 *   {{^name}}...{{/name}} inverted: the block once if name is missing, false,
 *                         "" or an empty list
 *   {{! comment }}        nothing
 *
 * A line holding only a section, close or comment tag (and blanks) disappears
 * entirely, newline included. A {{name}} that is not set, or whose value holds
 * a newline, is an error: a typo must not render a half config. Errors name
 * the template as FILE:LINE.
 *
 * The data is a tree of maps: key -> string, bool or list of maps. It knows
 * nothing of FRR. */
#ifndef BGP_AGENT_TEMPLATE_H
#define BGP_AGENT_TEMPLATE_H

#include <stdbool.h>
#include <stdio.h>

struct tmpl_data;

struct tmpl_data *tmpl_data_new(void);
void tmpl_data_free(struct tmpl_data *d);
/* Setters replace an existing key. An allocation failure is remembered in the
 * root and makes tmpl_render() fail, so builders need not check each call. */
void tmpl_set_string(struct tmpl_data *d, const char *key, const char *value);
void tmpl_set_stringf(struct tmpl_data *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tmpl_set_bool(struct tmpl_data *d, const char *key, bool value);
/* Appends a new, empty map to the list key (created, empty, on first use
 * with tmpl_set_list) and returns it (NULL on allocation failure). */
struct tmpl_data *tmpl_list_append(struct tmpl_data *d, const char *key);
/* Makes key an (empty) list, so {{#key}} renders nothing rather than failing. */
void tmpl_set_list(struct tmpl_data *d, const char *key);

/* Renders text (named name in error messages) over data into *out (heap,
 * NUL-terminated; caller frees). Returns 0, or -1 after printing
 * "NAME:LINE: message" lines to err. */
int tmpl_render(const char *text, const char *name, const struct tmpl_data *data, char **out,
		FILE *err);
/* The same for a template file. */
int tmpl_render_file(const char *path, const struct tmpl_data *data, char **out, FILE *err);

#endif
