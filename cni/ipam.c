#include "ipam.h"

#include <string.h>

#include "ipam_delegate.h"
#include "ipam_store.h"
#include "log.h"

static int builtin_fill(const struct netconf *nc, const struct ip_addr *addrs,
			struct cni_result *res, struct cni_err *err)
{
	for (int i = 0; i < nc->ipam.n_ranges; i++) {
		const struct ipam_range *r = &nc->ipam.ranges[i];
		struct cni_ip ip = { .addr = addrs[i], .plen = r->subnet.len, .has_gw = true,
				     .gw = r->gateway, .iface = -1 };

		if (result_add_ip(res, &ip, err) != 0)
			return -1;
	}
	for (int i = 0; i < nc->ipam.n_routes; i++)
		if (result_add_route(res, &nc->ipam.routes[i], err) != 0)
			return -1;
	res->dns = nc->dns != NULL ? json_incref(nc->dns) : NULL;
	return 0;
}

/* The runtime must not ADD an attachment twice without a DEL between; when
 * it does, a second booking would leak the first address, and whatever this
 * ADD rolls back would hit the live pod. Refused like host-local does. */
static int refuse_second_add(struct ipam_store *s, const struct cni_env *env,
			     struct cni_err *err)
{
	struct ip_addr have = { .family = AF_UNSPEC };
	char buf[INET6_ADDRSTRLEN] = "an address";
	int n = ipam_store_holds(s, env->containerid, env->ifname, err);

	if (n <= 0)
		return n;
	if (ipam_store_find(s, env->containerid, env->ifname, &have, 1, err) == 1)
		ip_addr_format(&have, buf, sizeof(buf));
	return cni_err_set(err, CNI_ERR_ATTACHED, "attachment already exists",
			   "%s/%s already holds %s: DEL it before adding it again",
			   env->containerid, env->ifname, buf);
}

static int builtin_add(const struct netconf *nc, const struct cni_env *env,
		       struct cni_result *res, struct cni_err *err)
{
	struct ip_addr addrs[NETCONF_MAX_RANGES];
	struct ipam_store s;
	struct cni_err ignored = { 0 };
	bool low = false;
	int i = 0, rc = -1;

	if (ipam_store_open(&s, nc->ipam.data_dir, nc->name, err) != 0 ||
	    refuse_second_add(&s, env, err) != 0)
		goto out;
	for (i = 0; i < nc->ipam.n_ranges; i++)
		if (ipam_store_allocate(&s, &nc->ipam.ranges[i], i, env->containerid,
					env->ifname, &addrs[i], err) != 0)
			break;
	if (i == nc->ipam.n_ranges)
		rc = builtin_fill(nc, addrs, res, err);
	if (rc != 0 && i > 0) /* undo the families already allocated */
		ipam_store_release(&s, env->containerid, env->ifname, &ignored);
	low = rc == 0 && ipam_store_spares_low(&s);
out:
	ipam_store_close(&s);
	if (low)
		ipam_store_refill_detached(nc->ipam.data_dir, nc->name);
	return rc;
}

int ipam_add(const struct netconf *nc, const struct cni_env *env, struct cni_result *res,
	     struct cni_err *err)
{
	if (!nc->ipam.builtin)
		return ipam_delegate_run(nc, env, "ADD", res, err);
	return builtin_add(nc, env, res, err);
}

int ipam_del(const struct netconf *nc, const struct cni_env *env, struct cni_err *err)
{
	struct ipam_store s;
	int rc;

	if (!nc->ipam.builtin)
		return ipam_delegate_run(nc, env, "DEL", NULL, err);
	rc = ipam_store_open(&s, nc->ipam.data_dir, nc->name, err);
	if (rc == 0)
		rc = ipam_store_release(&s, env->containerid, env->ifname, err);
	ipam_store_close(&s);
	return rc < 0 ? -1 : 0;
}

static bool holds(const struct ip_addr *have, int n, const struct ip_addr *a)
{
	for (int i = 0; i < n; i++)
		if (ip_addr_equal(&have[i], a))
			return true;
	return false;
}

static int builtin_check(const struct netconf *nc, const struct cni_env *env,
			 const struct cni_result *prev, struct cni_err *err)
{
	struct ip_addr have[RESULT_MAX_IPS];
	char buf[INET6_ADDRSTRLEN];
	struct ipam_store s;
	int n = -1;

	if (ipam_store_open(&s, nc->ipam.data_dir, nc->name, err) == 0)
		n = ipam_store_find(&s, env->containerid, env->ifname, have, RESULT_MAX_IPS, err);
	ipam_store_close(&s);
	if (n < 0)
		return -1;
	for (int i = 0; i < prev->n_ips; i++) {
		bool ours = false;

		for (int r = 0; r < nc->ipam.n_ranges; r++)
			ours |= prefix_contains_addr(&nc->ipam.ranges[r].subnet, &prev->ips[i].addr);
		if (ours && !holds(have, n, &prev->ips[i].addr))
			return cni_err_set(err, CNI_ERR_CHECK_IPAM, "IPAM record missing",
					   "%s is not recorded for %s/%s",
					   ip_addr_format(&prev->ips[i].addr, buf, sizeof(buf)),
					   env->containerid, env->ifname);
	}
	return 0;
}

int ipam_check(const struct netconf *nc, const struct cni_env *env,
	       const struct cni_result *prev, struct cni_err *err)
{
	if (!nc->ipam.builtin)
		return ipam_delegate_run(nc, env, "CHECK", NULL, err);
	return builtin_check(nc, env, prev, err);
}

/* GC and STATUS need a 1.1.0 delegate; host-local 1.1.1 speaks up to 1.0.0. */
static int delegate_v11(const struct netconf *nc, const struct cni_env *env,
			const char *command, struct cni_err *err)
{
	int rc = ipam_delegate_supports(nc, env, "1.1.0", err);

	if (rc <= 0) {
		if (rc == 0)
			log_info("IPAM plugin '%s' does not support spec 1.1.0: %s skipped",
				 nc->ipam.type, command);
		return rc;
	}
	return ipam_delegate_run(nc, env, command, NULL, err);
}

int ipam_gc(const struct netconf *nc, const struct cni_env *env, struct cni_err *err)
{
	struct ipam_store s;
	int rc;

	if (!nc->ipam.builtin)
		return delegate_v11(nc, env, "GC", err);
	rc = ipam_store_open(&s, nc->ipam.data_dir, nc->name, err);
	if (rc == 0)
		rc = ipam_store_gc(&s, nc->valid, nc->n_valid, err);
	ipam_store_close(&s);
	return rc < 0 ? -1 : 0;
}

int ipam_status(const struct netconf *nc, const struct cni_env *env, struct cni_err *err)
{
	struct ipam_store s;
	char buf[PREFIX_STRLEN];
	int rc;

	if (!nc->ipam.builtin)
		return delegate_v11(nc, env, "STATUS", err);
	rc = ipam_store_open(&s, nc->ipam.data_dir, nc->name, err);
	for (int i = 0; rc == 0 && i < nc->ipam.n_ranges; i++) {
		unsigned long long left = 0;

		rc = ipam_store_free_count(&s, &nc->ipam.ranges[i], &left, err);
		if (rc == 0 && left == 0)
			rc = cni_err_set(err, CNI_ERR_NOT_AVAILABLE, "no IP addresses available",
					 "range '%s' is exhausted",
					 prefix_format(&nc->ipam.ranges[i].subnet, buf, sizeof(buf)));
	}
	ipam_store_close(&s);
	return rc;
}
