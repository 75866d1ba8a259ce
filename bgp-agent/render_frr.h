/* The FRR configuration of a node: builds the template data from the
 * validated config and renders frr-templates/frr.conf.tmpl over it. The
 * output is canonical -- what FRR 8.4 itself prints in `show running-config`
 * for these sections -- so that frr-reload.py finds nothing to change when
 * the config did not change. */
#ifndef BGP_AGENT_RENDER_FRR_H
#define BGP_AGENT_RENDER_FRR_H

#include <stdio.h>

#include "config.h"
#include "template.h"

#define FRR_TEMPLATE_FILE "frr.conf.tmpl"

/* Renders cfg->frr.templates/frr.conf.tmpl with the machine's hostname (see
 * frr-templates/README.md for why). Returns 0 with *out on the heap (caller
 * frees), or -1 after printing errors to err. Same input, same bytes. */
int render_frr_config(const struct agent_config *cfg, char **out, FILE *err);
/* The same with an explicit hostname and template file (tests, golden files). */
int render_frr_config_from(const struct agent_config *cfg, const char *hostname,
			   const char *template_path, char **out, FILE *err);
/* The data the template sees; NULL on allocation failure. Free with
 * tmpl_data_free(). */
struct tmpl_data *frr_template_data(const struct agent_config *cfg, const char *hostname);

#endif
