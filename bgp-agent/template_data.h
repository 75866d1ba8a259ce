/* The template data tree (maps of key -> string / bool / list of maps), as
 * seen by the renderer in template.c. Builders use template.h only. */
#ifndef BGP_AGENT_TEMPLATE_DATA_H
#define BGP_AGENT_TEMPLATE_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "template.h"

enum tmpl_kind { TMPL_STRING, TMPL_BOOL, TMPL_LIST };

struct tmpl_entry {
	char *key;
	enum tmpl_kind kind;
	char *str;                /* TMPL_STRING */
	bool b;                   /* TMPL_BOOL */
	struct tmpl_data **items; /* TMPL_LIST */
	size_t n_items;
};

struct tmpl_data {
	struct tmpl_data *root; /* where allocation failures are remembered */
	bool failed;
	struct tmpl_entry *entries;
	size_t n_entries;
};

const struct tmpl_entry *tmpl_lookup(const struct tmpl_data *d, const char *key);
/* True for a set bool, a non-empty string or a non-empty list. */
bool tmpl_entry_truthy(const struct tmpl_entry *e);

#endif
