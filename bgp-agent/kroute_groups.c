/* Nexthop objects for kroute: routes that share a next-hop set point at one
 * kernel object (a member next hop for one, a group for more), so a next hop
 * going away is one change in the kernel whatever the number of routes.
 * Objects carry our protocol number: a restart reads them back (adopts),
 * and only ours are ever deleted. Where the kernel refuses them, routes keep
 * their next hops inline. */
#include <errno.h>
#include <linux/nexthop.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kroute_msg.h"
#include "kroute_nhg_msg.h"
#include "kroute_priv.h"
#include "log.h"

/* Nexthop groups are used only with "on". Off by default: with zebra
 * running beside the agent, a group of ours ended up holding zebra's
 * member for the next hop of a peer that had gone (agent_routes, tor2
 * stopped: 10.244.100.0/24 kept a next hop via the dead peer while bgpd had
 * only the other one); inline next hops are right there. "off" says so
 * explicitly (the tests cover both paths). */
#define NHG_ENV "BGP_AGENT_NEXTHOP_GROUPS"
/* Ids another owner took meanwhile (EEXIST) are skipped this many times. */
#define CREATE_ATTEMPTS 4

static void refuse(struct kroute *kr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct kroute *kr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kr->nhg_refused, sizeof(kr->nhg_refused), fmt, ap);
	va_end(ap);
	if (kr->nhg_on)
		log_warnx("kernel routes: nexthop groups not used: %s; next hops stay inline",
			  kr->nhg_refused);
	kr->nhg_on = false;
}

void kroute_nhg_open(struct kroute *kr)
{
	const char *env = getenv(NHG_ENV);

	kr->nhg_supported = kr->nhg_on = true;
	if (kroute_nhg_dump(kr) != KROUTE_OK)
		refuse(kr, "reading the kernel's nexthop objects failed");
	else if (env != NULL && strcmp(env, "off") == 0)
		refuse(kr, "turned off by %s=off", NHG_ENV);
	else if (env == NULL || strcmp(env, "on") != 0)
		refuse(kr, "off by default until a known fault is fixed (%s=on turns them on)",
		       NHG_ENV);
}

/* --- dump ------------------------------------------------------------ */

struct nhg_dump_ctx {
	struct kroute *kr;
	int rc;
};

static int on_nexthop(struct nl_msg *msg, void *arg)
{
	struct nhg_dump_ctx *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nhg_obj o;

	if (h->nlmsg_type != RTM_NEWNEXTHOP)
		return NL_SKIP;
	if (nhg_msg_parse(h, d->kr->protocol, &o) < 0) {
		/* A kind we never make: still an id that is taken. */
		memset(&o, 0, sizeof(o));
		if ((o.id = nhg_msg_id(h)) == 0)
			return NL_SKIP;
	}
	if (nhg_add(&d->kr->nhg, &o) == NULL)
		d->rc = KROUTE_ERR_NOMEM;
	return NL_OK;
}

static void hold_all_members(struct nhg_table *t)
{
	for (size_t i = 0; i < t->n_objs; i++)
		if (t->objs[i].is_group)
			nhg_hold_members(t, &t->objs[i]);
}

int kroute_nhg_dump(struct kroute *kr)
{
	struct nhg_dump_ctx d = { kr, KROUTE_OK };
	struct nl_msg *msg;
	int rc;

	nhg_table_clear(&kr->nhg);
	kr->nhg_unsure = false;
	if (!kr->nhg_supported)
		return KROUTE_OK;
	if ((msg = nhg_msg_dump_request()) == NULL)
		return KROUTE_ERR_NOMEM;
	rc = nl_send_auto(kr->sk, msg);
	nlmsg_free(msg);
	if (rc >= 0) {
		nl_socket_modify_cb(kr->sk, NL_CB_VALID, NL_CB_CUSTOM, on_nexthop, &d);
		rc = nl_recvmsgs_default(kr->sk);
	}
	if (rc == -NLE_OPNOTSUPP || rc == -NLE_PROTO_MISMATCH || rc == -NLE_AF_NOSUPPORT) {
		kr->nhg_supported = false;
		refuse(kr, "the kernel has no nexthop objects (%s)", nl_geterror(rc));
		return KROUTE_OK;
	}
	if (rc == -NLE_DUMP_INTR)
		return KROUTE_ERR_AGAIN;
	if (rc < 0) {
		log_warnx("kernel routes: dumping nexthop objects: %s", nl_geterror(rc));
		return KROUTE_ERR_SOCKET;
	}
	hold_all_members(&kr->nhg);
	return d.rc;
}

int kroute_nhg_dumped_route(struct kroute *kr, uint32_t id, struct route *r)
{
	if (nhg_expand(&kr->nhg, id, r) < 0)
		return KROUTE_ERR_AGAIN; /* created after the nexthop dump */
	if (nhg_route_set(&kr->nhg, &r->dst, r->metric, id) < 0)
		return KROUTE_ERR_NOMEM;
	return KROUTE_OK;
}

/* --- creating -------------------------------------------------------- */

static void on_lookup(struct nlmsghdr *h, void *arg)
{
	int *oif = arg, v = nhg_msg_lookup_oif(h);

	if (v > 0)
		*oif = v;
}

/* A member object needs its interface: the one the kernel reaches gw by. */
static int lookup_oif(struct kroute *kr, const struct ip_addr *gw, int *oif)
{
	struct nl_msg *msg = nhg_msg_lookup_request(gw);

	*oif = 0;
	if (msg == NULL || kroute_talk(kr, msg, on_lookup, oif, NULL) != 0)
		return -1;
	return *oif > 0 ? 0 : -1;
}

static bool refusal_is_final(int err)
{
	return err == -EOPNOTSUPP || err == -EAFNOSUPPORT || err == -EPROTONOSUPPORT;
}

/* Creates o under a free id; *id receives it. -1 when the kernel refused
 * (logged; final refusals turn groups off). */
static int create_object(struct kroute *kr, struct nhg_obj *o, uint32_t *id)
{
	for (int i = 0; i < CREATE_ATTEMPTS; i++) {
		struct nl_msg *msg;
		struct nhg_obj *added;
		int rc;

		o->id = nhg_new_id(&kr->nhg);
		if ((msg = nhg_msg_create(o, kr->protocol)) == NULL)
			return -1;
		rc = kroute_talk(kr, msg, NULL, NULL, NULL);
		if (rc == -EEXIST) { /* another owner's id: remember it, take the next */
			struct nhg_obj taken = { .id = o->id };

			if (nhg_add(&kr->nhg, &taken) == NULL)
				return -1;
			continue;
		}
		if (rc != 0) {
			if (refusal_is_final(rc))
				refuse(kr, "the kernel refused a nexthop object: %s", strerror(-rc));
			else
				log_warnx("kernel routes: nexthop object %u: %s", o->id, strerror(-rc));
			return -1;
		}
		if ((added = nhg_add(&kr->nhg, o)) == NULL) {
			kr->nhg_unsure = true;
			return -1;
		}
		if (added->is_group)
			nhg_hold_members(&kr->nhg, added);
		*id = added->id;
		return 0;
	}
	return -1;
}

static int member_for(struct kroute *kr, const struct nexthop *nh, uint32_t *id)
{
	struct nexthop want = *nh;
	struct nhg_obj *m, o;

	if (nh->gw.family == 0 || kroute_msg_nexthop_ifindex(nh, &want.ifindex) != KROUTE_OK)
		return -1;
	if ((m = nhg_find_member(&kr->nhg, &want)) != NULL) {
		*id = m->id;
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.ours = true;
	o.nh = want;
	if (o.nh.ifindex <= 0 && lookup_oif(kr, &o.nh.gw, &o.nh.ifindex) < 0)
		return -1; /* no route to the gateway: the inline route says why */
	if (if_indextoname((unsigned)o.nh.ifindex, o.nh.ifname) == NULL)
		o.nh.ifname[0] = '\0';
	return create_object(kr, &o, id);
}

/* The object for members ids (sorted, n >= 1); 0 when the kernel refused it. */
static uint32_t set_for(struct kroute *kr, const uint32_t *ids, size_t n)
{
	struct nhg_obj *o = nhg_find_set(&kr->nhg, ids, n), g;
	uint32_t id = 0;

	if (o != NULL)
		return o->refused ? 0 : o->id;
	memset(&g, 0, sizeof(g));
	g.ours = g.is_group = true;
	g.n_members = n;
	memcpy(g.members, ids, n * sizeof(ids[0]));
	if (create_object(kr, &g, &id) == 0)
		return id;
	/* Not again until the next dump: one log line, not one per route. */
	g.id = 0;
	g.ours = false;
	g.refused = true;
	if (nhg_add(&kr->nhg, &g) == NULL)
		kr->nhg_unsure = true;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The member ids of r's next hops, sorted and distinct; 0 when one of them
 * cannot be an object (no gateway, no route to it). */
static size_t members_of(struct kroute *kr, const struct route *r, uint32_t *ids)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_nh; i++)
		if (member_for(kr, &r->nh[i], &ids[n++]) < 0)
			return 0;
	qsort(ids, n, sizeof(ids[0]), cmp_u32);
	for (size_t i = 1; i < n; i++)
		if (ids[i] == ids[i - 1]) {
			memmove(&ids[i], &ids[i + 1], (n - i - 1) * sizeof(ids[0]));
			n--;
			i--;
		}
	return n;
}

uint32_t kroute_nhg_prepare(struct kroute *kr, const struct route_op *op, bool *skip)
{
	const struct route *r = op->route;
	uint32_t ids[ROUTE_MAX_NEXTHOPS], cur;
	size_t n;

	*skip = false;
	if (!kr->nhg_on || op->kind == ROUTE_OP_DELETE || r->type != ROUTE_UNICAST || r->n_nh == 0)
		return 0;
	if ((n = members_of(kr, r, ids)) == 0)
		return 0;
	cur = nhg_route_get(&kr->nhg, &r->dst, r->metric);
	/* Already so in the kernel (say, after kroute_nexthop_gone() changed
	 * its group in place): nothing to send. */
	if (op->kind == ROUTE_OP_REPLACE && nhg_is_set(&kr->nhg, cur, ids, n)) {
		*skip = true;
		return cur;
	}
	return set_for(kr, ids, n);
}

/* Changes group gid to members ids in the kernel and here. 0 or -1. */
static int replace_group(struct kroute *kr, uint32_t gid, const uint32_t *ids, size_t n)
{
	struct nhg_obj next = *nhg_find(&kr->nhg, gid);
	struct nl_msg *msg;
	int rc;

	next.n_members = n;
	memcpy(next.members, ids, n * sizeof(ids[0]));
	if ((msg = nhg_msg_replace(&next, kr->protocol)) == NULL)
		return -1;
	if ((rc = kroute_talk(kr, msg, NULL, NULL, NULL)) != 0) {
		log_warnx("kernel routes: changing nexthop group %u: %s", gid, strerror(-rc));
		return -1;
	}
	nhg_set_members(&kr->nhg, nhg_find(&kr->nhg, gid), ids, n);
	return 0;
}

/* Whether every route on group gid is REPLACEd to one same set of next hops
 * in ops (into set, *set_n); then the group itself can change. */
static bool all_move_alike(struct kroute *kr, uint32_t gid, const struct route_op *ops, size_t n,
			   uint32_t *set, size_t *set_n)
{
	size_t movers = 0;
	struct nhg_obj *g;

	for (size_t i = 0; i < n; i++) {
		const struct route *r = ops[i].route;
		uint32_t ids[ROUTE_MAX_NEXTHOPS];
		size_t k;

		if (ops[i].kind != ROUTE_OP_REPLACE || nhg_route_get(&kr->nhg, &r->dst, r->metric) != gid)
			continue;
		if (r->type != ROUTE_UNICAST || (k = members_of(kr, r, ids)) == 0)
			return false;
		if (movers++ == 0) {
			memcpy(set, ids, k * sizeof(ids[0]));
			*set_n = k;
		} else if (k != *set_n || memcmp(set, ids, k * sizeof(ids[0])) != 0) {
			return false;
		}
	}
	g = nhg_find(&kr->nhg, gid);
	return g != NULL && movers > 0 && movers == g->users && !nhg_is_set(&kr->nhg, gid, set, *set_n);
}

void kroute_nhg_move_groups(struct kroute *kr, const struct route_op *ops, size_t n, int *results,
			    uint32_t *nh_ids)
{
	/* By index: finding members may add objects (and move the array). */
	for (size_t gi = 0; kr->nhg_on && gi < kr->nhg.n_objs; gi++) {
		const struct nhg_obj *g = &kr->nhg.objs[gi];
		uint32_t gid = g->id, set[ROUTE_MAX_NEXTHOPS];
		size_t set_n = 0;

		if (!g->ours || !g->is_group || g->users == 0 ||
		    !all_move_alike(kr, gid, ops, n, set, &set_n) || replace_group(kr, gid, set, set_n) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (ops[i].kind == ROUTE_OP_REPLACE &&
			    nhg_route_get(&kr->nhg, &ops[i].route->dst, ops[i].route->metric) == gid) {
				results[i] = KROUTE_OK;
				nh_ids[i] = gid;
			}
	}
}

void kroute_nhg_commit(struct kroute *kr, const struct route_op *op, uint32_t id)
{
	if (!kr->nhg_supported)
		return;
	if (nhg_route_set(&kr->nhg, &op->route->dst, op->route->metric,
			  op->kind == ROUTE_OP_DELETE ? 0 : id) < 0) {
		log_errorx("kernel routes: out of memory tracking nexthop objects");
		kr->nhg_unsure = true; /* no deletion until a dump counted the users again */
	}
}

/* --- deleting -------------------------------------------------------- */

static int delete_object(struct kroute *kr, uint32_t id)
{
	struct nl_msg *msg = nhg_msg_delete(id);
	int rc;

	if (msg == NULL)
		return -ENOMEM;
	rc = kroute_talk(kr, msg, NULL, NULL, NULL);
	if (rc != 0 && rc != -ENOENT)
		log_warnx("kernel routes: deleting nexthop object %u: %s", id, strerror(-rc));
	return rc == -ENOENT ? 0 : rc;
}

static void collect_kind(struct kroute *kr, bool groups)
{
	for (size_t i = 0; i < kr->nhg.n_objs;) {
		struct nhg_obj *o = &kr->nhg.objs[i];
		uint32_t id = o->id;

		if (!o->ours || o->users > 0 || o->is_group != groups) {
			i++;
			continue;
		}
		log_debug("kernel routes: nexthop object %u no longer used: deleting it", id);
		delete_object(kr, id);
		nhg_remove(&kr->nhg, id); /* the last object moved to i */
	}
}

void kroute_nhg_forget(struct kroute *kr)
{
	nhg_table_clear(&kr->nhg);
	kr->nhg_unsure = true;
}

void kroute_nhg_collect(struct kroute *kr)
{
	for (size_t i = 0; i < kr->nhg.n_objs; i++)
		log_debug("kernel routes: nexthop object %u%s: %zu users", kr->nhg.objs[i].id,
			  kr->nhg.objs[i].ours ? "" : " (not ours)", kr->nhg.objs[i].users);
	if (!kr->nhg_supported || kr->nhg_unsure)
		return;
	collect_kind(kr, true); /* groups first: they hold members */
	collect_kind(kr, false);
}

static size_t groups_holding(const struct nhg_table *t, uint32_t id)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_objs; i++)
		for (size_t j = 0; t->objs[i].is_group && t->objs[i].ours && j < t->objs[i].n_members; j++)
			n += t->objs[i].members[j] == id;
	return n;
}

static bool member_is(const struct nhg_obj *m, const struct nexthop *nh, int ifindex)
{
	return m->ours && !m->is_group && ip_addr_equal(&m->nh.gw, &nh->gw) &&
	       (ifindex <= 0 || m->nh.ifindex == ifindex);
}

int kroute_nexthop_gone(struct kroute *kr, const struct nexthop *nh)
{
	int ifindex = 0, changed = 0;

	if (nh->gw.family == 0)
		return KROUTE_ERR_ARG;
	if ((nh->ifindex > 0 || nh->ifname[0] != '\0') &&
	    kroute_msg_nexthop_ifindex(nh, &ifindex) != KROUTE_OK)
		return KROUTE_ERR_ARG;
	for (size_t i = 0; i < kr->nhg.n_objs; i++) {
		struct nhg_obj *m = &kr->nhg.objs[i];
		uint32_t id = m->id;
		int rc;

		if (!member_is(m, nh, ifindex))
			continue;
		changed += (int)groups_holding(&kr->nhg, id);
		/* The kernel drops it from every group in place, and removes
		 * the routes whose only next hop it was. */
		if ((rc = delete_object(kr, id)) != 0)
			return rc == -EIO ? KROUTE_ERR_SOCKET : KROUTE_ERR_KERNEL;
		nhg_remove(&kr->nhg, id);
		i = (size_t)-1; /* the array changed: again from the start */
	}
	nhg_routes_prune(&kr->nhg);
	return changed;
}

const char *kroute_nexthop_groups_status(const struct kroute *kr, char *buf, size_t len)
{
	size_t groups = 0, members = 0;

	if (!kr->nhg_on) {
		snprintf(buf, len, "refused: %s", kr->nhg_refused);
		return buf;
	}
	for (size_t i = 0; i < kr->nhg.n_objs; i++) {
		groups += kr->nhg.objs[i].ours && kr->nhg.objs[i].is_group;
		members += kr->nhg.objs[i].ours && !kr->nhg.objs[i].is_group;
	}
	snprintf(buf, len, "in use (%zu groups, %zu next hops)", groups, members);
	return buf;
}
