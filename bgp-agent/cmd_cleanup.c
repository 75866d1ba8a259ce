/* `bgp-agent cleanup -c FILE`: removes every kernel route of the agent's
 * protocol in its table (learned routes and anchors alike) and says how
 * many. Routes of any other protocol are never touched (kroute filters).
 * Refused while an agent runs for the same table + protocol or socket: it
 * would put them back at once. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "instance_lock.h"
#include "kroute.h"
#include "log.h"

static int delete_all(struct kroute *kr, const struct route_set *s)
{
	struct route_op *ops = calloc(s->n ? s->n : 1, sizeof(*ops));
	int failed;

	if (ops == NULL)
		return KROUTE_ERR_NOMEM;
	for (size_t i = 0; i < s->n; i++) {
		ops[i].kind = ROUTE_OP_DELETE;
		ops[i].route = &s->routes[i];
	}
	failed = kroute_apply(kr, ops, s->n, NULL);
	free(ops);
	return failed;
}

int cmd_cleanup(const struct cli_options *opt)
{
	struct agent_config cfg;
	struct route_set routes;
	struct kroute *kr = NULL;
	struct instance_lock lock = { -1, -1 };
	int rc, failed = -1;

	if (config_load(opt->config_path, &cfg, stderr) != 0) {
		config_free(&cfg);
		return 2;
	}
	route_set_init(&routes);
	if (instance_lock_acquire(&cfg, 0, &lock) != 0) {
		log_errorx("cleanup: stop that agent first; it would put the routes back");
		goto out;
	}
	rc = kroute_open(&kr, cfg.kernel.table, cfg.kernel.protocol);
	if (rc == KROUTE_OK)
		rc = kroute_dump(kr, &routes);
	if (rc != KROUTE_OK) {
		log_errorx("cleanup: %s", kroute_strerror(rc));
		goto out;
	}
	failed = delete_all(kr, &routes);
	if (failed < 0)
		log_errorx("cleanup: %s", kroute_strerror(failed));
	else if (failed == 0)
		printf("removed %zu routes of protocol %u from table %u\n", routes.n,
		       cfg.kernel.protocol, cfg.kernel.table);
	else
		log_errorx("cleanup: %d of %zu routes could not be removed (see above)", failed,
			   routes.n);
out:
	if (kr != NULL)
		kroute_close(kr);
	route_set_free(&routes);
	instance_lock_release(&lock);
	config_free(&cfg);
	return failed == 0 ? 0 : 1;
}
