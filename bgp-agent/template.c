/* The template engine (syntax in template.h): parse the whole template into
 * a tree first, so a broken template fails even in sections the data would
 * skip, then render the tree over the data. */
#include "template.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "template_data.h"

#define TMPL_NAME_MAX 64
#define TMPL_DEPTH_MAX 16
/* Sections inside sections: bounds the recursion of parsing, rendering and
 * freeing (thousands of nested {{#x}} overflowed the stack; found by tests/fuzz). */
#define TMPL_NESTING_MAX 64

enum node_kind { N_TEXT, N_VAR, N_EACH = '#', N_OPT = '?', N_INV = '^' };

struct tnode {
	enum node_kind kind;
	const char *text; /* N_TEXT: a slice of the template */
	size_t len;
	char name[TMPL_NAME_MAX];
	int line;
	struct tnode *children;
	size_t n_children;
};

struct parser {
	const char *text, *p, *name;
	FILE *err;
	int errors;
	int nesting; /* sections open at ps->p */
};

__attribute__((format(printf, 4, 5)))
static void tmpl_error(FILE *err, const char *name, int line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	fprintf(err, "%s:%d: ", name, line);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
}

static int line_of(const char *text, const char *pos)
{
	int line = 1;

	for (const char *c = text; c < pos; c++)
		line += *c == '\n';
	return line;
}

static void nodes_free(struct tnode *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nodes_free(nodes[i].children, nodes[i].n_children);
	free(nodes);
}

static struct tnode *add_node(struct tnode **nodes, size_t *n, enum node_kind kind)
{
	struct tnode *grown = realloc(*nodes, (*n + 1) * sizeof(*grown));

	if (grown == NULL)
		return NULL;
	*nodes = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].kind = kind;
	return &grown[(*n)++];
}

static int add_text(struct tnode **nodes, size_t *n, const char *from, const char *to)
{
	struct tnode *t;

	if (to <= from)
		return 0;
	t = add_node(nodes, n, N_TEXT);
	if (t == NULL)
		return -1;
	t->text = from;
	t->len = (size_t)(to - from);
	return 0;
}

struct tag {
	const char *start, *end; /* "{{" and just past "}}" */
	char sigil;              /* 0 for a variable */
	char name[TMPL_NAME_MAX];
	int line;
};

static bool name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* Reads the tag starting at start ("{{"). */
static int read_tag(struct parser *ps, const char *start, struct tag *t)
{
	const char *in = start + 2, *close = strstr(in, "}}"), *e;
	size_t len;

	t->start = start;
	t->line = line_of(ps->text, start);
	if (close == NULL) {
		tmpl_error(ps->err, ps->name, t->line, "unterminated tag (no \"}}\")");
		return -1;
	}
	t->end = close + 2;
	t->sigil = strchr("#?^/!", *in) != NULL ? *in++ : 0;
	if (t->sigil == '!')
		return 0;
	while (in < close && isblank((unsigned char)*in))
		in++;
	for (e = close; e > in && isblank((unsigned char)e[-1]); e--)
		;
	len = (size_t)(e - in);
	snprintf(t->name, sizeof(t->name), "%.*s", (int)(len < sizeof(t->name) ? len : 0), in);
	if (!name_ok(t->name)) {
		tmpl_error(ps->err, ps->name, t->line, "bad tag \"%.*s\": a name is letters, digits, "
			   "'_', '-' or '.'", (int)(close - start + 2), start);
		return -1;
	}
	return 0;
}

/* A section, close or comment tag alone on its line takes the whole line with
 * it: *from becomes the line start and *to the start of the next line. */
static void standalone_span(const struct parser *ps, const struct tag *t, const char **from,
			    const char **to)
{
	const char *ls = t->start, *after = t->end;

	*from = t->start;
	*to = t->end;
	if (t->sigil == 0)
		return;
	while (ls > ps->text && isblank((unsigned char)ls[-1]))
		ls--;
	if (ls > ps->text && ls[-1] != '\n')
		return;
	while (isblank((unsigned char)*after))
		after++;
	if (*after != '\n' && *after != '\0')
		return;
	*from = ls;
	*to = *after == '\n' ? after + 1 : after;
}

static int parse_block(struct parser *ps, struct tnode **nodes, size_t *n, const struct tag *open);

static int parse_section(struct parser *ps, struct tnode **nodes, size_t *n, const struct tag *t)
{
	struct tnode *s;
	int rc;

	if (ps->nesting == TMPL_NESTING_MAX) {
		tmpl_error(ps->err, ps->name, t->line, "{{%c%s}}: sections nested deeper than %d",
			   t->sigil, t->name, TMPL_NESTING_MAX);
		return -1;
	}
	s = add_node(nodes, n, (enum node_kind)t->sigil);
	if (s == NULL)
		return -1;
	snprintf(s->name, sizeof(s->name), "%s", t->name);
	s->line = t->line;
	ps->nesting++;
	rc = parse_block(ps, &s->children, &s->n_children, t);
	ps->nesting--;
	return rc;
}

static int close_tag(struct parser *ps, const struct tag *t, const struct tag *open)
{
	if (open == NULL) {
		tmpl_error(ps->err, ps->name, t->line, "{{/%s}} closes no section", t->name);
		return -1;
	}
	if (strcmp(open->name, t->name) != 0) {
		tmpl_error(ps->err, ps->name, t->line, "{{/%s}} does not close {{%c%s}} of line %d",
			   t->name, open->sigil, open->name, open->line);
		return -1;
	}
	return 1;
}

static int add_var(struct tnode **nodes, size_t *n, const struct tag *t)
{
	struct tnode *v = add_node(nodes, n, N_VAR);

	if (v == NULL)
		return -1;
	snprintf(v->name, sizeof(v->name), "%s", t->name);
	v->line = t->line;
	return 0;
}

/* One tag: 1 when it closed the open section, 0 to go on, -1 on error. */
static int parse_tag(struct parser *ps, struct tnode **nodes, size_t *n, const struct tag *t,
		     const struct tag *open)
{
	switch (t->sigil) {
	case '/': return close_tag(ps, t, open);
	case '!': return 0;
	case 0: return add_var(nodes, n, t);
	default: return parse_section(ps, nodes, n, t);
	}
}

/* Parses until the close tag of open (or the end when open is NULL). */
static int parse_block(struct parser *ps, struct tnode **nodes, size_t *n, const struct tag *open)
{
	for (;;) {
		const char *start = strstr(ps->p, "{{"), *from, *to;
		struct tag t;
		int rc;

		if (start == NULL) {
			if (add_text(nodes, n, ps->p, ps->p + strlen(ps->p)) < 0)
				return -1;
			ps->p += strlen(ps->p);
			if (open == NULL)
				return 0;
			tmpl_error(ps->err, ps->name, open->line, "{{%c%s}} is never closed",
				   open->sigil, open->name);
			return -1;
		}
		if (read_tag(ps, start, &t) < 0)
			return -1;
		standalone_span(ps, &t, &from, &to);
		if (add_text(nodes, n, ps->p, from) < 0)
			return -1;
		ps->p = to;
		rc = parse_tag(ps, nodes, n, &t, open);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
}

struct renderer {
	const char *name;
	FILE *err;
	int errors;
	char *buf;
	size_t len, cap;
	bool oom;
	const struct tmpl_data *stack[TMPL_DEPTH_MAX];
	size_t depth;
};

static void emit(struct renderer *r, const char *s, size_t len)
{
	if (r->len + len + 1 > r->cap) {
		size_t cap = (r->len + len + 1) * 2;
		char *grown = realloc(r->buf, cap);

		if (grown == NULL) {
			r->oom = true;
			return;
		}
		r->buf = grown;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, len);
	r->len += len;
	r->buf[r->len] = '\0';
}

/* Innermost scope first: inside {{#peers}}, {{name}} is the peer's name and
 * {{asn}} still finds the top-level asn. */
static const struct tmpl_entry *lookup(const struct renderer *r, const char *name)
{
	for (size_t i = r->depth; i > 0; i--) {
		const struct tmpl_entry *e = tmpl_lookup(r->stack[i - 1], name);

		if (e != NULL)
			return e;
	}
	return NULL;
}

static void render_nodes(struct renderer *r, const struct tnode *nodes, size_t n);

static void render_var(struct renderer *r, const struct tnode *v)
{
	const struct tmpl_entry *e = lookup(r, v->name);

	if (e == NULL || e->kind == TMPL_LIST) {
		r->errors++;
		tmpl_error(r->err, r->name, v->line, e == NULL ? "{{%s}} is not set" :
			   "{{%s}} is a list: use {{#%s}}...{{/%s}}", v->name, v->name, v->name);
		return;
	}
	if (e->kind == TMPL_BOOL) {
		emit(r, e->b ? "true" : "false", e->b ? 4 : 5);
		return;
	}
	if (strchr(e->str, '\n') != NULL) {
		r->errors++;
		tmpl_error(r->err, r->name, v->line, "the value of {{%s}} contains a newline", v->name);
		return;
	}
	emit(r, e->str, strlen(e->str));
}

static void render_scoped(struct renderer *r, const struct tnode *s, const struct tmpl_data *d)
{
	if (r->depth == TMPL_DEPTH_MAX) {
		r->errors++;
		tmpl_error(r->err, r->name, s->line, "lists nested deeper than %d", TMPL_DEPTH_MAX);
		return;
	}
	r->stack[r->depth++] = d;
	render_nodes(r, s->children, s->n_children);
	r->depth--;
}

static void render_section(struct renderer *r, const struct tnode *s)
{
	const struct tmpl_entry *e = lookup(r, s->name);
	bool truthy = e != NULL && tmpl_entry_truthy(e);

	if (s->kind == N_EACH && e == NULL) {
		r->errors++;
		tmpl_error(r->err, r->name, s->line, "{{#%s}} is not set", s->name);
		return;
	}
	if (s->kind == N_EACH && e->kind == TMPL_LIST) {
		for (size_t i = 0; i < e->n_items; i++)
			render_scoped(r, s, e->items[i]);
		return;
	}
	if (truthy == (s->kind != N_INV))
		render_nodes(r, s->children, s->n_children);
}

static void render_nodes(struct renderer *r, const struct tnode *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].kind == N_TEXT)
			emit(r, nodes[i].text, nodes[i].len);
		else if (nodes[i].kind == N_VAR)
			render_var(r, &nodes[i]);
		else
			render_section(r, &nodes[i]);
	}
}

int tmpl_render(const char *text, const char *name, const struct tmpl_data *data, char **out,
		FILE *err)
{
	struct parser ps = { .text = text, .p = text, .name = name, .err = err };
	struct renderer r = { .name = name, .err = err };
	struct tnode *nodes = NULL;
	size_t n = 0;
	int rc = -1;

	*out = NULL;
	if (parse_block(&ps, &nodes, &n, NULL) < 0)
		goto out;
	if (data->root->failed) {
		tmpl_error(err, name, 1, "out of memory building the template data");
		goto out;
	}
	r.stack[r.depth++] = data;
	emit(&r, "", 0);
	render_nodes(&r, nodes, n);
	if (r.oom)
		tmpl_error(err, name, 1, "out of memory rendering");
	if (r.errors == 0 && !r.oom) {
		*out = r.buf;
		r.buf = NULL;
		rc = 0;
	}
out:
	free(r.buf);
	nodes_free(nodes, n);
	return rc;
}

int tmpl_render_file(const char *path, const struct tmpl_data *data, char **out, FILE *err)
{
	char *text = read_whole_file(path, NULL);
	int rc;

	if (text == NULL) {
		*out = NULL;
		if (err != NULL)
			fprintf(err, "%s: cannot read template: %m\n", path);
		return -1;
	}
	rc = tmpl_render(text, path, data, out, err);
	free(text);
	return rc;
}
