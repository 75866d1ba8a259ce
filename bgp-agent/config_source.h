/* Where each configuration value came from (file and line) and the error
 * sink of config_load(): the parse phase records "node.pod_cidrs.1" -> file:line,
 * the validate phase, which only sees the plain struct, looks lines up by the
 * same key to report "FILE:LINE: message". Internal to the config module. */
#ifndef BGP_AGENT_CONFIG_SOURCE_H
#define BGP_AGENT_CONFIG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct source_entry {
	char *key;        /* dotted path: "peers.2.address" */
	const char *file; /* interned in source_files */
	int line;
};

struct config_source {
	const char *path; /* the main file: used when no line is known */
	FILE *err;
	unsigned errors;
	struct source_entry *entries;
	size_t n_entries, cap_entries;
	char **files;
	size_t n_files;
};

void config_source_init(struct config_source *src, const char *path, FILE *err);
void config_source_free(struct config_source *src);
/* Remembers that key was set at file:line (file NULL = the main file). */
int config_source_record(struct config_source *src, const char *key, const char *file, int line);
bool config_source_has(const struct config_source *src, const char *key);

/* Reports "FILE:LINE: message" at an explicit place (line <= 0: "FILE: message"). */
void config_error_at(struct config_source *src, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Reports at the place key (or its nearest recorded parent) was set. */
void config_error_key(struct config_source *src, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
