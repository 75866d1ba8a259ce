/* tmpl_render(): the input is a template, rendered over a small fixed data
 * model that has every kind of value (string, bool, list, nested list). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tmpl_data *data_model(void)
{
	struct tmpl_data *d = tmpl_data_new(), *peer, *family;

	if (d == NULL)
		return NULL;
	tmpl_set_string(d, "asn", "65001");
	tmpl_set_string(d, "empty", "");
	tmpl_set_string(d, "multiline", "a\nb");
	tmpl_set_bool(d, "yes", true);
	tmpl_set_bool(d, "no", false);
	tmpl_set_list(d, "none");
	for (int i = 0; i < 2; i++) {
		peer = tmpl_list_append(d, "peers");
		if (peer == NULL)
			break;
		tmpl_set_stringf(peer, "address", "192.0.2.%d", i + 1);
		tmpl_set_bool(peer, "bfd", i == 0);
		family = tmpl_list_append(peer, "families");
		if (family != NULL)
			tmpl_set_string(family, "afi", "ipv4");
	}
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct tmpl_data *model = data_model();
	char *text = malloc(size + 1), *out = NULL;
	volatile size_t out_len;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (model == NULL || text == NULL || devnull == NULL)
		goto out;
	/* The renderer takes a C string (templates are files read whole). */
	memcpy(text, data, size);
	text[size] = '\0';
	if (tmpl_render(text, "fuzz.tmpl", model, &out, devnull) == 0)
		out_len = strlen(out); /* the result must be a terminated string */
	(void)out_len;
out:
	free(out);
	free(text);
	tmpl_data_free(model);
	return 0;
}
