#include "frr_version.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "frr_vty.h"
#include "log.h"

int frr_version_parse(const char *text, char *out, size_t size)
{
	static const char product[] = "FRRouting ";
	size_t len = sizeof(product) - 1;

	if (size > 0)
		out[0] = '\0';
	if (strncmp(text, product, len) != 0)
		return -1;
	len += strcspn(text + len, " \r\n");
	if (len == sizeof(product) - 1 || len >= size)
		return -1;
	memcpy(out, text, len);
	out[len] = '\0';
	return 0;
}

long frr_bgp_instances_parse(const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	json_t *total = json_object_get(root, "totalVrfs");
	long n = json_is_integer(total) && json_integer_value(total) >= 0
			 ? (long)json_integer_value(total) : -1;

	json_decref(root);
	return n;
}

int frr_version_query_init(struct frr_version_query *q, struct event_loop *loop,
			   const struct agent_config *cfg, char *out, size_t size)
{
	memset(q, 0, sizeof(*q));
	q->out = out;
	q->size = size;
	out[0] = '\0';
	return frr_vty_open_bgpd(&q->vty, loop, cfg);
}

void frr_version_query_free(struct frr_version_query *q)
{
	frr_vty_free(&q->vty);
	frr_reply_free(&q->reply);
}

static void on_version(void *arg, int rc, struct frr_reply *reply)
{
	struct frr_version_query *q = arg;

	if (rc != FRR_VTY_OK) {
		log_debug("frr: show version: %s", frr_vty_strerror(rc));
		return;
	}
	if (frr_version_parse(reply->out, q->out, q->size) == 0)
		log_info("frr: talking to %s", q->out);
	else
		log_warnx("frr: cannot tell bgpd's version from \"%.60s\"", reply->out);
}

void frr_version_query_start(struct frr_version_query *q)
{
	int rc = frr_vty_request(&q->vty, "show version", FRR_VERSION_TIMEOUT_MS, &q->reply,
				 on_version, q);

	if (rc != FRR_VTY_OK && rc != FRR_VTY_ERR_BUSY)
		log_debug("frr: show version: %s", frr_vty_strerror(rc));
}
