#include "frr_version.h"

#include <limits.h>
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

int frr_version_fetch(const struct agent_config *cfg, int timeout_ms, char *out, size_t size)
{
	struct frr_vty vty;
	struct frr_reply reply = FRR_REPLY_INIT;
	char dir[PATH_MAX];
	int rc = -1;

	out[0] = '\0';
	config_vty_dir(cfg, dir, sizeof(dir));
	if (frr_vty_connect(&vty, dir, "bgpd", timeout_ms) == FRR_VTY_OK &&
	    frr_vty_command(&vty, "show version", &reply) == FRR_VTY_OK)
		rc = frr_version_parse(reply.out, out, size);
	if (rc != 0 && reply.out != NULL)
		log_warnx("frr: cannot tell bgpd's version from \"%.60s\"", reply.out);
	frr_vty_close(&vty);
	frr_reply_free(&reply);
	return rc;
}
