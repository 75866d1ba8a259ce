/* Set operations restricted to the prefixes that changed (route_scope.h). */
#include "route_scope.h"

#include <assert.h>
#include <stdlib.h>

static int prefix_qsort_cmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

size_t route_scope_normalize(struct prefix *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), prefix_qsort_cmp);
	for (size_t i = 1; i < n; i++)
		if (prefix_cmp(&v[k], &v[i]) != 0)
			v[++k] = v[i];
	return k + 1;
}

bool route_scope_has(const struct route_scope *sc, const struct prefix *p)
{
	return sc->n > 0 && bsearch(p, sc->v, sc->n, sizeof(*sc->v), prefix_qsort_cmp) != NULL;
}

int route_set_select(const struct route_set *src, const struct route_scope *sc,
		     struct route_set *out)
{
	for (size_t i = 0; i < sc->n; i++) {
		const struct route *r = route_set_find(src, &sc->v[i]);
		const struct route *end = src->routes + src->n;

		for (; r != NULL && r < end && prefix_equal(&r->dst, &sc->v[i]); r++)
			if (route_set_add(out, r) < 0)
				return -1;
	}
	if (!out->sorted)
		route_set_sort(out);
	return 0;
}

/* A merge of the kept routes of s with those of with, into a new array. */
int route_set_splice(struct route_set *s, const struct route_scope *sc,
		     const struct route_set *with)
{
	size_t cap = s->n + with->n, i = 0, j = 0, k = 0;
	struct route *v;

	assert(s->sorted && with->sorted);
	if (cap == 0)
		return 0;
	v = malloc(cap * sizeof(*v));
	if (v == NULL)
		return -1;
	while (i < s->n || j < with->n) {
		if (i < s->n && route_scope_has(sc, &s->routes[i].dst))
			i++;
		else if (j == with->n || (i < s->n && route_key_cmp(&s->routes[i], &with->routes[j]) <= 0))
			v[k++] = s->routes[i++];
		else
			v[k++] = with->routes[j++];
	}
	free(s->routes);
	s->routes = v;
	s->n = k;
	s->cap = cap;
	return 0;
}
