/* The only file that talks to libconfig: reads the file, walks every group
 * against the key tables below, stores typed values into struct agent_config
 * and records each key's file:line. Type, range and unknown-key errors are
 * reported here; cross-field checks live in config_validate.c. */
#include "config_phases.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <libgen.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"

enum value_kind { V_STRING, V_UINT, V_BOOL, V_ADDR, V_PEER_ADDR, V_CIDRS, V_LOGLEVEL, V_REMOTE_AS };

struct key_spec {
	const char *name;
	enum value_kind kind;
	size_t off;            /* into the section's struct */
	size_t size;           /* string buffer, integer width, or CIDR capacity */
	long long min, max;    /* V_UINT */
	size_t count_off;      /* V_CIDRS: where the count goes */
	bool required;
};

struct section_spec {
	const char *name;
	const struct key_spec *keys;
	size_t n_keys;
	size_t off; /* into struct agent_config */
	bool required;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STR(s, f, req) { #f, V_STRING, offsetof(s, f), sizeof(((s *)0)->f), 0, 0, 0, req }
#define UINT(s, f, lo, hi) { #f, V_UINT, offsetof(s, f), sizeof(((s *)0)->f), lo, hi, 0, false }
#define BOOL(s, f) { #f, V_BOOL, offsetof(s, f), sizeof(bool), 0, 0, 0, false }

typedef struct agent_config AC;
#define NODE_T __typeof__(((AC *)0)->node)
#define CLUSTER_T __typeof__(((AC *)0)->cluster)
#define FRR_T __typeof__(((AC *)0)->frr)
#define KERNEL_T __typeof__(((AC *)0)->kernel)
#define CNI_T __typeof__(((AC *)0)->cni)
#define LOG_T __typeof__(((AC *)0)->log)
#define CONTROL_T __typeof__(((AC *)0)->control)
#define METRICS_T __typeof__(((AC *)0)->metrics)
#define GR_T __typeof__(((AC *)0)->graceful_restart)

static const struct key_spec node_keys[] = {
	STR(NODE_T, name, true),
	{ "address", V_ADDR, offsetof(NODE_T, address), 0, 0, 0, 0, true },
	{ "asn", V_UINT, offsetof(NODE_T, asn), sizeof(uint32_t), 1, 4294967295LL, 0, true },
	{ "pod_cidrs", V_CIDRS, offsetof(NODE_T, pod_cidrs), CONFIG_MAX_CIDRS, 0, 0,
	  offsetof(NODE_T, n_pod_cidrs), true },
};

static const struct key_spec cluster_keys[] = {
	{ "pod_cidrs", V_CIDRS, offsetof(CLUSTER_T, pod_cidrs), CONFIG_MAX_CIDRS, 0, 0,
	  offsetof(CLUSTER_T, n_pod_cidrs), true },
	UINT(CLUSTER_T, node_mask_v4, 1, 32),
	UINT(CLUSTER_T, node_mask_v6, 1, 128),
};

static const struct key_spec frr_keys[] = {
	STR(FRR_T, pathspace, false), STR(FRR_T, run_dir, false),
	STR(FRR_T, config_file, false), STR(FRR_T, templates, false),
	STR(FRR_T, reload_cmd, false), UINT(FRR_T, bmp_port, 0, 65535),
	STR(FRR_T, vtysh_cmd, false),
};

static const struct key_spec kernel_keys[] = {
	UINT(KERNEL_T, table, 1, 4294967295LL),
	UINT(KERNEL_T, protocol, 1, 255),
	UINT(KERNEL_T, resync_interval, 1, 86400),
	UINT(KERNEL_T, grace_period, 0, 86400),
	BOOL(KERNEL_T, ecmp),
};

static const struct key_spec cni_keys[] = {
	STR(CNI_T, conflist, false), STR(CNI_T, network, false),
	STR(CNI_T, bridge, false), UINT(CNI_T, mtu, 576, 65535),
};

static const struct key_spec log_keys[] = {
	{ "level", V_LOGLEVEL, offsetof(LOG_T, level), 0, 0, 0, 0, false },
	STR(LOG_T, file, false),
};

static const struct key_spec control_keys[] = {
	STR(CONTROL_T, socket, false),
};

static const struct key_spec metrics_keys[] = {
	STR(METRICS_T, listen, false),
};

static const struct key_spec peer_keys[] = {
	STR(struct peer_config, name, true),
	{ "address", V_PEER_ADDR, offsetof(struct peer_config, address), 0, 0, 0, 0, false },
	STR(struct peer_config, interface, false),
	{ "asn", V_REMOTE_AS, offsetof(struct peer_config, remote_as), 0, 0, 0, 0, true },
	STR(struct peer_config, password, false),
	BOOL(struct peer_config, bfd),
	/* FRR's ranges: transmit/receive-interval 10-60000, detect-multiplier 2-255. */
	UINT(struct peer_config, bfd_interval_ms, 10, 60000),
	UINT(struct peer_config, bfd_multiplier, 2, 255),
	UINT(struct peer_config, max_prefixes, 1, 4294967295LL),
	UINT(struct peer_config, hold_time, 0, 65535),
	UINT(struct peer_config, keepalive, 0, 65535),
	BOOL(struct peer_config, multihop),
	UINT(struct peer_config, ttl_security_hops, 0, 254),
};

/* FRR's ranges for bgp graceful-restart restart-time, stalepath-time and
 * select-defer-time. */
static const struct key_spec graceful_restart_keys[] = {
	BOOL(GR_T, enabled),
	UINT(GR_T, restart_time, 0, 4095),
	UINT(GR_T, stalepath_time, 1, 4095),
	UINT(GR_T, select_defer_time, 0, 3600),
};

static const struct section_spec sections[] = {
	{ "node", node_keys, N(node_keys), offsetof(AC, node), true },
	{ "cluster", cluster_keys, N(cluster_keys), offsetof(AC, cluster), true },
	{ "frr", frr_keys, N(frr_keys), offsetof(AC, frr), false },
	{ "kernel", kernel_keys, N(kernel_keys), offsetof(AC, kernel), false },
	{ "cni", cni_keys, N(cni_keys), offsetof(AC, cni), false },
	{ "log", log_keys, N(log_keys), offsetof(AC, log), false },
	{ "control", control_keys, N(control_keys), offsetof(AC, control), false },
	{ "metrics", metrics_keys, N(metrics_keys), offsetof(AC, metrics), false },
	{ "graceful_restart", graceful_restart_keys, N(graceful_restart_keys),
	  offsetof(AC, graceful_restart), false },
};

struct walk {
	struct config_source *src;
	char *text;            /* source text of text_file, for wide integers */
	const char *text_file;
};

__attribute__((format(printf, 3, 4)))
static void setting_error(struct walk *w, const config_setting_t *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_error_at(w->src, config_setting_source_file(s), config_setting_source_line(s), "%s", msg);
}

static void record(struct walk *w, const config_setting_t *s, const char *key)
{
	config_source_record(w->src, key, config_setting_source_file(s), config_setting_source_line(s));
}

static bool is_integer(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

static int want_string(struct walk *w, const config_setting_t *s, const char *key)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		return 0;
	setting_error(w, s, "%s: expected a string in double quotes", key);
	return -1;
}

static int set_string(struct walk *w, const config_setting_t *s, const struct key_spec *k,
		      void *base, const char *key)
{
	const char *v;

	if (want_string(w, s, key) < 0)
		return -1;
	v = config_setting_get_string(s);
	if (strlen(v) >= k->size) {
		setting_error(w, s, "%s: \"%s\" is too long (at most %zu characters)", key, v,
			      k->size - 1);
		return -1;
	}
	snprintf((char *)base + k->off, k->size, "%s", v);
	return 0;
}

static void store_uint(void *p, size_t width, unsigned long long v)
{
	switch (width) {
	case sizeof(uint8_t): *(uint8_t *)p = (uint8_t)v; break;
	case sizeof(uint16_t): *(uint16_t *)p = (uint16_t)v; break;
	case sizeof(uint32_t): *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

/* Line n (1-based) of the cached source text of file, or NULL. */
static const char *source_line(struct walk *w, const char *file, int n)
{
	const char *p;

	if (file == NULL)
		return NULL;
	if (w->text_file == NULL || strcmp(w->text_file, file) != 0) {
		free(w->text);
		w->text = read_whole_file(file, NULL);
		w->text_file = w->text != NULL ? file : NULL;
	}
	for (p = w->text; p != NULL && --n > 0; p = strchr(p, '\n'))
		if (*p == '\n')
			p++;
	if (p != NULL && *p == '\n')
		p++;
	return p;
}

/* The literal after "name =" (or "name :") at p, parsed wide; -1 if none. */
static int literal_after(const char *p, size_t namelen, unsigned long long *out)
{
	char *end;

	p += namelen;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=' && *p != ':')
		return -1;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	*out = strtoull(p, &end, strncmp(p, "0x", 2) == 0 || strncmp(p, "0X", 2) == 0 ? 16 : 10);
	return errno == 0 && end != p ? 0 : -1;
}

/* libconfig 1.5 stores a plain decimal beyond 2^31-1 (no "L" suffix) as a
 * 32-bit int, silently wrapped: 4200000000 arrives as -94967296. Recover the
 * written value from the source line: the literal after this key's name whose
 * 32-bit wrap equals what libconfig kept. */
static bool recover_wide_int(struct walk *w, const config_setting_t *s, long long *v)
{
	const char *name = config_setting_name(s);
	const char *line = source_line(w, config_setting_source_file(s), config_setting_source_line(s));
	size_t nl = name != NULL ? strlen(name) : 0;
	unsigned long long lit;

	for (const char *p = line; p != NULL && nl > 0 && *p != '\0' && *p != '\n'; p++) {
		if (strncmp(p, name, nl) != 0 || (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
			continue;
		if (literal_after(p, nl, &lit) == 0 && (int32_t)(uint32_t)lit == (int32_t)*v &&
		    lit != (unsigned long long)*v) {
			*v = (long long)lit;
			return true;
		}
	}
	return false;
}

/* A plain integer can come wrapped (see recover_wide_int); one with an "L"
 * suffix arrives as CONFIG_TYPE_INT64 and is exact. */
static int get_ranged(struct walk *w, const config_setting_t *s, const char *key,
		      long long min, long long max, long long *out)
{
	if (!is_integer(s)) {
		setting_error(w, s, "%s: expected an integer", key);
		return -1;
	}
	*out = config_setting_get_int64(s);
	if (config_setting_type(s) == CONFIG_TYPE_INT && max > INT32_MAX)
		recover_wide_int(w, s, out);
	if (*out < min || *out > max) {
		setting_error(w, s, "%s: %lld is out of range %lld-%lld", key, *out, min, max);
		return -1;
	}
	return 0;
}

static int set_uint(struct walk *w, const config_setting_t *s, const struct key_spec *k,
		    void *base, const char *key)
{
	long long v;

	if (get_ranged(w, s, key, k->min, k->max, &v) < 0)
		return -1;
	store_uint((char *)base + k->off, k->size, (unsigned long long)v);
	return 0;
}

static int set_bool(struct walk *w, const config_setting_t *s, const struct key_spec *k,
		    void *base, const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		setting_error(w, s, "%s: expected true or false", key);
		return -1;
	}
	*(bool *)((char *)base + k->off) = config_setting_get_bool(s) != 0;
	return 0;
}

static int set_addr(struct walk *w, const config_setting_t *s, const struct key_spec *k,
		    void *base, const char *key)
{
	char err[160];

	if (want_string(w, s, key) < 0)
		return -1;
	if (ip_addr_parse(config_setting_get_string(s), (struct ip_addr *)((char *)base + k->off),
			  err, sizeof(err)) < 0) {
		setting_error(w, s, "%s: %s", key, err);
		return -1;
	}
	return 0;
}

static int set_peer_addr(struct walk *w, const config_setting_t *s, const struct key_spec *k,
			 void *base, const char *key)
{
	if (set_addr(w, s, k, base, key) < 0)
		return -1;
	((struct peer_config *)base)->has_address = true;
	return 0;
}

static int set_one_cidr(struct walk *w, const config_setting_t *e, const char *key,
			struct prefix *out)
{
	char err[160];

	if (want_string(w, e, key) < 0)
		return -1;
	if (prefix_parse(config_setting_get_string(e), out, PREFIX_STRICT, err, sizeof(err)) < 0) {
		setting_error(w, e, "%s: %s", key, err);
		return -1;
	}
	return 0;
}

static int set_cidrs(struct walk *w, const config_setting_t *s, const struct key_spec *k,
		     void *base, const char *key)
{
	struct prefix *out = (struct prefix *)((char *)base + k->off);
	size_t *count = (size_t *)((char *)base + k->count_off);
	int n = config_setting_length(s), rc = 0;
	char ekey[128];

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST) {
		setting_error(w, s, "%s: expected a list of prefixes: [ \"10.244.0.0/16\" ]", key);
		return -1;
	}
	if (n == 0 || (size_t)n > k->size) {
		setting_error(w, s, "%s: expected 1 to %zu prefixes, found %d", key, k->size, n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		snprintf(ekey, sizeof(ekey), "%s.%d", key, i);
		record(w, e, ekey);
		if (set_one_cidr(w, e, key, &out[*count]) < 0)
			rc = -1;
		else
			(*count)++;
	}
	return rc;
}

static int set_loglevel(struct walk *w, const config_setting_t *s, const struct key_spec *k,
			void *base, const char *key)
{
	int level;

	if (want_string(w, s, key) < 0)
		return -1;
	level = log_level_parse(config_setting_get_string(s));
	if (level < 0) {
		setting_error(w, s, "%s: unknown level \"%s\" (error, warn, info or debug)", key,
			      config_setting_get_string(s));
		return -1;
	}
	*(enum log_level *)((char *)base + k->off) = (enum log_level)level;
	return 0;
}

static int set_remote_as(struct walk *w, const config_setting_t *s, const struct key_spec *k,
			 void *base, const char *key)
{
	struct peer_config *p = base;
	long long v;

	(void)k;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *str = config_setting_get_string(s);

		if (strcmp(str, "internal") == 0 || strcmp(str, "external") == 0) {
			p->remote_as = str[0] == 'i' ? PEER_AS_INTERNAL : PEER_AS_EXTERNAL;
			return 0;
		}
		setting_error(w, s, "%s: \"%s\" is not an AS number, \"internal\" or \"external\"",
			      key, str);
		return -1;
	}
	if (get_ranged(w, s, key, 1, 4294967295LL, &v) < 0)
		return -1;
	p->remote_as = PEER_AS_NUMBER;
	p->asn = (uint32_t)v;
	return 0;
}

typedef int (*setter_fn)(struct walk *, const config_setting_t *, const struct key_spec *,
			 void *, const char *);

static const setter_fn setters[] = {
	[V_STRING] = set_string, [V_UINT] = set_uint, [V_BOOL] = set_bool,
	[V_ADDR] = set_addr, [V_PEER_ADDR] = set_peer_addr, [V_CIDRS] = set_cidrs,
	[V_LOGLEVEL] = set_loglevel, [V_REMOTE_AS] = set_remote_as,
};

/* Levenshtein distance, for "did you mean" on unknown keys. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t lb = strlen(b), prev[64], cur[64];

	if (lb >= N(prev))
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; a[i - 1] != '\0'; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

static const char *closest_name(const char *name, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3; /* suggest only close typos */

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

static void unknown_key(struct walk *w, const config_setting_t *s, const char *where,
			const char *const *names, size_t n)
{
	const char *name = config_setting_name(s);
	const char *hint = closest_name(name, names, n);

	if (hint != NULL)
		setting_error(w, s, "unknown key \"%s\" in %s (did you mean \"%s\"?)", name, where, hint);
	else
		setting_error(w, s, "unknown key \"%s\" in %s", name, where);
}

static const struct key_spec *find_key(const struct key_spec *keys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static void walk_unknown(struct walk *w, const config_setting_t *s, const char *where,
			 const struct key_spec *keys, size_t n)
{
	const char *names[16];
	size_t m = n < N(names) ? n : N(names);

	for (size_t i = 0; i < m; i++)
		names[i] = keys[i].name;
	unknown_key(w, s, where, names, m);
}

static void walk_group(struct walk *w, const config_setting_t *g, const char *where,
		       const struct key_spec *keys, size_t n, void *base)
{
	char key[128];

	if (!config_setting_is_group(g)) {
		setting_error(w, g, "%s: expected a group { key = value; ... }", where);
		return;
	}
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const struct key_spec *k = find_key(keys, n, config_setting_name(s));

		if (k == NULL) {
			walk_unknown(w, s, where, keys, n);
			continue;
		}
		snprintf(key, sizeof(key), "%s.%s", where, k->name);
		record(w, s, key);
		setters[k->kind](w, s, k, base, key);
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i].required && config_setting_get_member(g, keys[i].name) == NULL)
			setting_error(w, g, "%s: missing required key \"%s\"", where, keys[i].name);
}

static void walk_peers(struct walk *w, const config_setting_t *list, struct agent_config *cfg)
{
	int n = config_setting_length(list);
	char where[32];

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		setting_error(w, list, "peers: expected a list ( { ... }, { ... } )");
		return;
	}
	cfg->peers = calloc(n > 0 ? (size_t)n : 1, sizeof(*cfg->peers));
	if (cfg->peers == NULL) {
		setting_error(w, list, "peers: out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		struct peer_config *p = &cfg->peers[cfg->n_peers++];

		config_peer_defaults(p);
		p->line = config_setting_source_line(e);
		snprintf(where, sizeof(where), "peers.%d", i);
		record(w, e, where);
		walk_group(w, e, where, peer_keys, N(peer_keys), p);
	}
}

static void walk_root(struct walk *w, const config_setting_t *root, struct agent_config *cfg)
{
	const char *names[N(sections) + 1];

	for (size_t i = 0; i < N(sections); i++)
		names[i] = sections[i].name;
	names[N(sections)] = "peers";
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		size_t j;

		record(w, s, name);
		if (strcmp(name, "peers") == 0) {
			walk_peers(w, s, cfg);
			continue;
		}
		for (j = 0; j < N(sections) && strcmp(sections[j].name, name) != 0; j++)
			;
		if (j == N(sections))
			unknown_key(w, s, "the top level", names, N(names));
		else
			walk_group(w, s, name, sections[j].keys, sections[j].n_keys,
				   (char *)cfg + sections[j].off);
	}
	for (size_t j = 0; j < N(sections); j++)
		if (sections[j].required && config_setting_get_member(root, sections[j].name) == NULL)
			config_error_at(w->src, NULL, 0, "missing required section \"%s\"",
					sections[j].name);
}

/* ---- @include checks ---------------------------------------------------- */

/* libconfig 1.5 opens an @include with fopen() and hands the stream to its
 * flex scanner; for a directory (`@include ""`, `@include "conf.d"`) the read
 * fails and flex calls exit(2): a reload would kill the agent. A FIFO or
 * device would block or never end. So every @include, nested ones too, must
 * name a regular file before libconfig sees it. Found by tests/fuzz. */
#define INCLUDE_DEPTH_MAX 10 /* libconfig's MAX_INCLUDE_DEPTH */

/* A line `@include "NAME"` (ending at end): 1 with NAME, 0 for another line,
 * -1 when malformed: without its closing quote libconfig silently ignores an
 * include at the end of a file (or swallows lines up to the next quote); any
 * escape but \\ and \" it drops, printing the backslash to stdout. */
static int include_name(const char *p, const char *end, char *name, size_t len)
{
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 9 || memcmp(p, "@include", 8) != 0 || (p[8] != ' ' && p[8] != '\t'))
		return 0;
	for (p += 8; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	if (p >= end || *p++ != '"')
		return -1;
	while (p < end && *p != '"' && n + 1 < len) {
		if (*p == '\\' && (++p >= end || (*p != '\\' && *p != '"')))
			return -1;
		name[n++] = *p++;
	}
	name[n] = '\0';
	return p < end && *p == '"' ? 1 : -1;
}

/* Checks the @includes of file (and theirs); missing files are left to
 * libconfig, which reports them with file:line. */
static int check_includes(struct config_source *src, const char *dir, const char *file, int depth)
{
	size_t len = 0;
	char *text, name[PATH_MAX], path[PATH_MAX];
	const char *line, *end;
	struct stat st;
	int lineno = 1, rc = 0, found;

	text = read_whole_file(file, &len);
	for (line = text; text != NULL && rc == 0 && line < text + len; line = end + 1, lineno++) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		if (end == NULL)
			end = text + len;
		found = include_name(line, end, name, sizeof(name));
		if (found < 0) {
			config_error_at(src, file, lineno, "malformed @include (expected @include \"FILE\" on one line)");
			rc = -1;
		}
		if (found <= 0)
			continue;
		/* Joined as libconfig joins them; too long or missing: libconfig's error. */
		if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
		    stat(path, &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			config_error_at(src, file, lineno, "@include \"%s\": not a regular file", name);
			rc = -1;
		} else if (depth == INCLUDE_DEPTH_MAX) {
			/* Stop here: a file including itself twice is 2^depth walks. */
			config_error_at(src, file, lineno, "@include \"%s\": nested deeper than %d"
					" (an include loop?)", name, INCLUDE_DEPTH_MAX);
			rc = -1;
		} else {
			rc = check_includes(src, dir, path, depth + 1);
		}
	}
	free(text);
	return rc;
}

/* Relative @include paths resolve against the config file's directory. */
static void set_include_dir(config_t *lc, const char *path, char *dir, size_t len)
{
	snprintf(dir, len, "%s", path);
	config_set_include_dir(lc, dirname(dir));
}

int config_parse_file(const char *path, struct agent_config *cfg, struct config_source *src)
{
	struct walk w = { .src = src };
	char dir[PATH_MAX];
	config_t lc;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (f == NULL) {
		config_error_at(src, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	fclose(f);
	config_init(&lc);
	set_include_dir(&lc, path, dir, sizeof(dir));
	if (check_includes(src, config_get_include_dir(&lc), path, 0) != 0) {
		rc = -1;
		goto out;
	}
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		config_error_at(src, config_error_file(&lc), config_error_line(&lc), "%s",
				config_error_text(&lc));
		rc = -1;
		goto out;
	}
	walk_root(&w, config_root_setting(&lc), cfg);
out:
	free(w.text);
	config_destroy(&lc);
	return rc;
}

/* ---- the key reference, for tests/docs/check_docs.py ------------------- */

static const char *const kind_names[] = {
	[V_STRING] = "string", [V_UINT] = "integer", [V_BOOL] = "boolean",
	[V_ADDR] = "IPv4 address", [V_PEER_ADDR] = "IPv4 or IPv6 address",
	[V_CIDRS] = "list of prefixes", [V_LOGLEVEL] = "log level", [V_REMOTE_AS] = "AS number",
};

static unsigned long long load_uint(const void *p, size_t width)
{
	switch (width) {
	case sizeof(uint8_t): return *(const uint8_t *)p;
	case sizeof(uint16_t): return *(const uint16_t *)p;
	case sizeof(uint32_t): return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

/* A default as the documentation writes it: "text", 24, true, or "required". */
static void describe_default(FILE *out, const struct key_spec *k, const void *base)
{
	const char *p = (const char *)base + k->off;

	if (k->required) {
		fputs("required", out);
		return;
	}
	switch (k->kind) {
	case V_STRING: fprintf(out, "\"%s\"", p); break;
	case V_UINT: fprintf(out, "%llu", load_uint(p, k->size)); break;
	case V_BOOL: fputs(*(const bool *)p ? "true" : "false", out); break;
	case V_LOGLEVEL: fprintf(out, "\"%s\"", log_level_name(*(const enum log_level *)p)); break;
	default: fputs("none", out); break;
	}
}

static void describe_keys(FILE *out, const char *section, const struct key_spec *keys, size_t n,
			  const void *base)
{
	for (size_t i = 0; i < n; i++) {
		const struct key_spec *k = &keys[i];
		const char *kind = (size_t)k->kind < N(kind_names) ? kind_names[k->kind] : NULL;

		fprintf(out, "%s.%s\t%s\t", section, k->name, kind != NULL ? kind : "?");
		if (k->kind == V_UINT)
			fprintf(out, "%lld-%lld", k->min, k->max);
		fputc('\t', out);
		describe_default(out, k, base);
		fputc('\n', out);
	}
}

/* Defaults as a node named NODE-NAME without frr.pathspace gets them. */
void config_keys_describe(FILE *out)
{
	struct agent_config *cfg = calloc(1, sizeof(*cfg));
	struct peer_config peer = { 0 };
	struct config_source src;

	if (cfg == NULL)
		return;
	config_defaults(cfg);
	snprintf(cfg->node.name, sizeof(cfg->node.name), "NODE-NAME");
	config_source_init(&src, "", stderr);
	config_derive_defaults(cfg, &src);
	config_source_free(&src);
	config_peer_defaults(&peer);
	for (size_t i = 0; i < N(sections); i++)
		describe_keys(out, sections[i].name, sections[i].keys, sections[i].n_keys,
			      (const char *)cfg + sections[i].off);
	describe_keys(out, "peers", peer_keys, N(peer_keys), &peer);
	free(cfg);
}
