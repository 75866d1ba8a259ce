#include "template_data.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tmpl_data *data_new(struct tmpl_data *root)
{
	struct tmpl_data *d = calloc(1, sizeof(*d));

	if (d != NULL)
		d->root = root != NULL ? root : d;
	return d;
}

struct tmpl_data *tmpl_data_new(void)
{
	return data_new(NULL);
}

static void entry_clear(struct tmpl_entry *e)
{
	free(e->str);
	for (size_t i = 0; i < e->n_items; i++)
		tmpl_data_free(e->items[i]);
	free(e->items);
	e->str = NULL;
	e->items = NULL;
	e->n_items = 0;
}

void tmpl_data_free(struct tmpl_data *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n_entries; i++) {
		entry_clear(&d->entries[i]);
		free(d->entries[i].key);
	}
	free(d->entries);
	free(d);
}

const struct tmpl_entry *tmpl_lookup(const struct tmpl_data *d, const char *key)
{
	for (size_t i = 0; i < d->n_entries; i++)
		if (strcmp(d->entries[i].key, key) == 0)
			return &d->entries[i];
	return NULL;
}

bool tmpl_entry_truthy(const struct tmpl_entry *e)
{
	switch (e->kind) {
	case TMPL_BOOL: return e->b;
	case TMPL_STRING: return e->str[0] != '\0';
	case TMPL_LIST: return e->n_items > 0;
	}
	return false;
}

static void fail(struct tmpl_data *d)
{
	d->root->failed = true;
}

/* The entry for key, emptied for a new value of kind; NULL after failure. */
static struct tmpl_entry *entry_for(struct tmpl_data *d, const char *key, enum tmpl_kind kind)
{
	struct tmpl_entry *e = (struct tmpl_entry *)tmpl_lookup(d, key), *grown;

	if (e != NULL) {
		if (e->kind == kind && kind == TMPL_LIST)
			return e;
		entry_clear(e);
		e->kind = kind;
		return e;
	}
	grown = realloc(d->entries, (d->n_entries + 1) * sizeof(*grown));
	if (grown == NULL)
		goto fail;
	d->entries = grown;
	e = &d->entries[d->n_entries];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->key = strdup(key);
	if (e->key == NULL)
		goto fail;
	d->n_entries++;
	return e;
fail:
	fail(d);
	return NULL;
}

void tmpl_set_string(struct tmpl_data *d, const char *key, const char *value)
{
	struct tmpl_entry *e = entry_for(d, key, TMPL_STRING);

	if (e == NULL)
		return;
	e->str = strdup(value);
	if (e->str == NULL) {
		e->str = calloc(1, 1);
		fail(d);
	}
}

void tmpl_set_stringf(struct tmpl_data *d, const char *key, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(d);
		return;
	}
	tmpl_set_string(d, key, s);
	free(s);
}

void tmpl_set_bool(struct tmpl_data *d, const char *key, bool value)
{
	struct tmpl_entry *e = entry_for(d, key, TMPL_BOOL);

	if (e != NULL)
		e->b = value;
}

void tmpl_set_list(struct tmpl_data *d, const char *key)
{
	entry_for(d, key, TMPL_LIST);
}

struct tmpl_data *tmpl_list_append(struct tmpl_data *d, const char *key)
{
	struct tmpl_entry *e = entry_for(d, key, TMPL_LIST);
	struct tmpl_data **grown, *item;

	if (e == NULL)
		return NULL;
	item = data_new(d->root);
	grown = realloc(e->items, (e->n_items + 1) * sizeof(*grown));
	if (item == NULL || grown == NULL) {
		free(item);
		if (grown != NULL)
			e->items = grown;
		fail(d);
		return NULL;
	}
	e->items = grown;
	e->items[e->n_items++] = item;
	return item;
}
