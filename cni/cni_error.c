#include "cni_error.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

static void err_fill(struct cni_err *e, int code, const char *msg, const char *fmt,
		     va_list ap)
{
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	vsnprintf(e->details, sizeof(e->details), fmt, ap);
}

int cni_err_set(struct cni_err *e, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	if (e->code != CNI_OK)
		return -1;
	va_start(ap, fmt);
	err_fill(e, code, msg, fmt, ap);
	va_end(ap);
	return -1;
}

int cni_err_reset(struct cni_err *e, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_fill(e, code, msg, fmt, ap);
	va_end(ap);
	return -1;
}

void cni_err_print(const struct cni_err *e, const char *cni_version, FILE *out)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "cniVersion", json_string(cni_version));
	json_object_set_new(o, "code", json_integer(e->code));
	json_object_set_new(o, "msg", json_string(e->msg));
	if (e->details[0] != '\0')
		json_object_set_new(o, "details", json_string(e->details));
	s = json_dumps(o, JSON_COMPACT);
	if (s != NULL)
		fprintf(out, "%s\n", s);
	free(s);
	json_decref(o);
}
