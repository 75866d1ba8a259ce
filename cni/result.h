/* The CNI result as a plain struct: built by ADD, parsed from prevResult and
 * from IPAM plugin output, rendered as JSON for the requested cniVersion. */
#ifndef CNI_RESULT_H
#define CNI_RESULT_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>

#include "cni_error.h"
#include "prefix.h"

#define RESULT_MAX_IFACES 16
#define RESULT_MAX_IPS 16
#define RESULT_MAX_ROUTES 32

struct cni_iface {
	char name[IFNAMSIZ];
	char mac[18];       /* "" when not meaningful */
	char sandbox[256];  /* "" for host interfaces */
};

struct cni_ip {
	struct ip_addr addr;
	unsigned plen;
	bool has_gw;
	struct ip_addr gw;
	int iface; /* index into ifaces, -1 when none */
};

struct cni_route {
	struct prefix dst;
	bool has_gw;
	struct ip_addr gw;
};

struct cni_result {
	struct cni_iface ifaces[RESULT_MAX_IFACES];
	int n_ifaces;
	struct cni_ip ips[RESULT_MAX_IPS];
	int n_ips;
	struct cni_route routes[RESULT_MAX_ROUTES];
	int n_routes;
	json_t *dns; /* owned reference or NULL */
};

void result_init(struct cni_result *r);
void result_free(struct cni_result *r);
/* Appends; -1 with a code 100 error when the fixed table is full. */
int result_add_iface(struct cni_result *r, const char *name, const char *mac,
		     const char *sandbox, struct cni_err *err);
int result_add_ip(struct cni_result *r, const struct cni_ip *ip, struct cni_err *err);
int result_add_route(struct cni_result *r, const struct cni_route *rt, struct cni_err *err);
bool result_has_route(const struct cni_result *r, const struct prefix *dst);

/* JSON object for cniVersion `version` (ips carry "version" before 1.0.0). */
json_t *result_to_json(const struct cni_result *r, const char *version);
/* Parses a result object (prevResult or IPAM output); code 6/7 errors quote
 * the offending value. `what` names the object in messages. */
int result_from_json(json_t *obj, const char *what, struct cni_result *r,
		     struct cni_err *err);
/* Prints the result JSON plus newline to out; -1 on allocation failure. */
int result_print(const struct cni_result *r, const char *version, FILE *out);

#endif
