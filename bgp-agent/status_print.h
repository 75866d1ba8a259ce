/* The two printers of the `status` document built by status_report.c:
 * aligned tables for people, JSON for programs. */
#ifndef BGP_AGENT_STATUS_PRINT_H
#define BGP_AGENT_STATUS_PRINT_H

#include <jansson.h>
#include <stdio.h>

void status_print_text(const json_t *st, FILE *out);
/* Pretty-printed (indent 2), one document, trailing newline. 0 or -1. */
int status_print_json(const json_t *st, FILE *out);

#endif
