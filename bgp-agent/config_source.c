#include "config_source.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void config_source_init(struct config_source *src, const char *path, FILE *err)
{
	memset(src, 0, sizeof(*src));
	src->path = path;
	src->err = err;
}

void config_source_free(struct config_source *src)
{
	for (size_t i = 0; i < src->n_entries; i++)
		free(src->entries[i].key);
	for (size_t i = 0; i < src->n_files; i++)
		free(src->files[i]);
	free(src->entries);
	free(src->files);
	src->entries = NULL;
	src->files = NULL;
	src->n_entries = src->cap_entries = src->n_files = 0;
}

/* libconfig owns its file names only while the config_t lives; keep a copy. */
static const char *intern_file(struct config_source *src, const char *file)
{
	char **grown;

	if (file == NULL)
		return src->path;
	for (size_t i = 0; i < src->n_files; i++)
		if (strcmp(src->files[i], file) == 0)
			return src->files[i];
	grown = realloc(src->files, (src->n_files + 1) * sizeof(*grown));
	if (grown == NULL)
		return src->path;
	src->files = grown;
	src->files[src->n_files] = strdup(file);
	if (src->files[src->n_files] == NULL)
		return src->path;
	return src->files[src->n_files++];
}

int config_source_record(struct config_source *src, const char *key, const char *file, int line)
{
	struct source_entry *e;

	if (src->n_entries == src->cap_entries) {
		size_t cap = src->cap_entries ? src->cap_entries * 2 : 64;
		struct source_entry *grown = realloc(src->entries, cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		src->entries = grown;
		src->cap_entries = cap;
	}
	e = &src->entries[src->n_entries];
	e->key = strdup(key);
	if (e->key == NULL)
		return -1;
	e->file = intern_file(src, file);
	e->line = line;
	src->n_entries++;
	return 0;
}

static const struct source_entry *find_entry(const struct config_source *src, const char *key)
{
	for (size_t i = 0; i < src->n_entries; i++)
		if (strcmp(src->entries[i].key, key) == 0)
			return &src->entries[i];
	return NULL;
}

bool config_source_has(const struct config_source *src, const char *key)
{
	return find_entry(src, key) != NULL;
}

static void report(struct config_source *src, const char *file, int line, const char *fmt, va_list ap)
{
	src->errors++;
	if (src->err == NULL)
		return;
	if (line > 0)
		fprintf(src->err, "%s:%d: ", file, line);
	else
		fprintf(src->err, "%s: ", file);
	vfprintf(src->err, fmt, ap);
	fputc('\n', src->err);
}

void config_error_at(struct config_source *src, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(src, file != NULL ? file : src->path, line, fmt, ap);
	va_end(ap);
}

/* "peers.2.address" unset -> try "peers.2", then "peers": a missing key is
 * reported where its enclosing group starts. */
void config_error_key(struct config_source *src, const char *key, const char *fmt, ...)
{
	char buf[256];
	const struct source_entry *e = NULL;
	va_list ap;

	snprintf(buf, sizeof(buf), "%s", key);
	for (;;) {
		char *dot;

		e = find_entry(src, buf);
		if (e != NULL || (dot = strrchr(buf, '.')) == NULL)
			break;
		*dot = '\0';
	}
	va_start(ap, fmt);
	report(src, e != NULL ? e->file : src->path, e != NULL ? e->line : 0, fmt, ap);
	va_end(ap);
}
