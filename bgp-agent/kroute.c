/* Kernel routes of one table and one protocol, through libnl-3.
 *
 * Requests are built with libnl's message API rather than rtnl_route objects
 * because we need exact control over what identifies a route (a delete must
 * name our protocol so the kernel refuses to remove anyone else's route) and
 * over RTA_VIA (IPv4 routes through IPv6 next hops, RFC 5549). Dumps are
 * parsed with rtnl_route_parse(), one message at a time (no cache). */
#include "kroute.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kroute_msg.h"
#include "log.h"

/* Requests per sendmsg(): all of them are processed inside that one system
 * call, and their acknowledgements must fit in the receive buffer. */
#define BATCH_MAX_MSGS 128
#define BATCH_MAX_BYTES (96 * 1024)
#define SOCK_RCVBUF (4 * 1024 * 1024)
/* A dump that raced with a change (NLM_F_DUMP_INTR) is inconsistent: again. */
#define DUMP_ATTEMPTS 3
#define KROUTE_ERR_AGAIN 1 /* internal only */

struct kroute {
	struct nl_sock *sk;
	uint32_t table;
	uint8_t protocol;
	uint32_t seq;
	unsigned char *batch; /* BATCH_MAX_BYTES of requests being assembled */
};

static void set_sockopt_int(int fd, int level, int opt, int val)
{
	/* Best effort: older kernels lack some options; nothing depends on them. */
	(void)setsockopt(fd, level, opt, &val, sizeof(val));
}

/* A bigger receive buffer so a batch's acknowledgements or a burst of events
 * never overflow it (FORCE works for root, plain SO_RCVBUF is capped). */
void kroute_sock_tune(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk);
	int size = SOCK_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		set_sockopt_int(fd, SOL_SOCKET, SO_RCVBUF, size);
	set_sockopt_int(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	set_sockopt_int(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	set_sockopt_int(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
}

int kroute_open(struct kroute **out, uint32_t table, uint8_t protocol)
{
	struct kroute *kr = calloc(1, sizeof(*kr));
	int rc;

	*out = NULL;
	if (kr == NULL || (kr->batch = malloc(BATCH_MAX_BYTES)) == NULL ||
	    (kr->sk = nl_socket_alloc()) == NULL) {
		kroute_close(kr);
		return KROUTE_ERR_NOMEM;
	}
	if ((rc = nl_connect(kr->sk, NETLINK_ROUTE)) < 0) {
		log_warnx("kernel routes: cannot open rtnetlink: %s", nl_geterror(rc));
		kroute_close(kr);
		return KROUTE_ERR_SOCKET;
	}
	kroute_sock_tune(kr->sk);
	kr->table = table;
	kr->protocol = protocol;
	kr->seq = 0x40000000u; /* apart from libnl's own numbering used by dumps */
	*out = kr;
	return KROUTE_OK;
}

void kroute_close(struct kroute *kr)
{
	if (kr == NULL)
		return;
	if (kr->sk != NULL)
		nl_socket_free(kr->sk);
	free(kr->batch);
	free(kr);
}

/* --- dump ------------------------------------------------------------ */

struct dump_ctx {
	struct kroute *kr;
	struct route_set *out;
	int rc;
};

static int on_dump_msg(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *d = arg;
	struct rtnl_route *rt = NULL;
	struct route r;

	if (rtnl_route_parse(nlmsg_hdr(msg), &rt) < 0)
		return NL_SKIP;
	/* The kernel filters too (strict checking), but older ones ignore it. */
	if (rtnl_route_get_table(rt) == d->kr->table &&
	    rtnl_route_get_protocol(rt) == d->kr->protocol && kroute_msg_to_route(rt, &r) == 0 &&
	    route_set_add(d->out, &r) < 0)
		d->rc = KROUTE_ERR_NOMEM;
	rtnl_route_put(rt);
	return NL_OK;
}

static int dump_family(struct kroute *kr, int family, struct route_set *out)
{
	struct dump_ctx d = { kr, out, KROUTE_OK };
	struct nl_msg *msg = kroute_msg_dump_request(family, kr->table, kr->protocol);
	int rc;

	if (msg == NULL)
		return KROUTE_ERR_NOMEM;
	rc = nl_send_auto(kr->sk, msg);
	nlmsg_free(msg);
	if (rc >= 0) {
		nl_socket_modify_cb(kr->sk, NL_CB_VALID, NL_CB_CUSTOM, on_dump_msg, &d);
		rc = nl_recvmsgs_default(kr->sk);
	}
	if (rc == -NLE_DUMP_INTR)
		return KROUTE_ERR_AGAIN;
	if (rc < 0) {
		log_warnx("kernel routes: dumping table %u: %s", kr->table, nl_geterror(rc));
		return KROUTE_ERR_SOCKET;
	}
	return d.rc;
}

int kroute_dump(struct kroute *kr, struct route_set *out)
{
	int rc = KROUTE_ERR_AGAIN;

	for (int i = 0; i < DUMP_ATTEMPTS && rc == KROUTE_ERR_AGAIN; i++) {
		route_set_clear(out);
		rc = dump_family(kr, AF_INET, out);
		if (rc == KROUTE_OK)
			rc = dump_family(kr, AF_INET6, out);
	}
	if (rc == KROUTE_ERR_AGAIN) {
		log_warnx("kernel routes: table %u kept changing while being read", kr->table);
		rc = KROUTE_ERR_SOCKET;
	}
	route_set_sort(out);
	return rc;
}

/* --- pipelined requests ----------------------------------------------- */

/* Sends ops[from, from+n) as one buffer; returns how many went in, or < 0. */
static int send_batch(struct kroute *kr, const struct route_op *ops, size_t from, size_t n,
		      int *results, uint32_t first_seq)
{
	size_t used = 0, count = 0;
	int rc;

	for (; count < n && count < BATCH_MAX_MSGS; count++) {
		const struct route_op *op = &ops[from + count];
		struct nl_msg *msg = NULL;

		rc = kroute_msg_build(op, kr->table, kr->protocol, &msg);
		if (rc == KROUTE_OK && used + nlmsg_hdr(msg)->nlmsg_len > BATCH_MAX_BYTES) {
			nlmsg_free(msg);
			break;
		}
		if (rc != KROUTE_OK) {
			results[from + count] = rc; /* never sent */
			kroute_msg_log_failure(op, rc, NULL);
			continue;
		}
		nlmsg_hdr(msg)->nlmsg_seq = first_seq + (uint32_t)count;
		memcpy(kr->batch + used, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		used += NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
	}
	if (used > 0 && (rc = nl_sendto(kr->sk, kr->batch, used)) < 0) {
		log_warnx("kernel routes: sending %zu requests: %s", count, nl_geterror(rc));
		return -1;
	}
	return (int)count;
}

/* One acknowledgement: results[] of the request with that sequence number. */
static void handle_ack(struct nlmsghdr *h, const struct route_op *ops, size_t from,
		       size_t count, uint32_t first_seq, int *results, size_t *acked)
{
	uint32_t idx = h->nlmsg_seq - first_seq;
	int err;

	if (h->nlmsg_type != NLMSG_ERROR || idx >= count || results[from + idx] != 1)
		return;
	err = kroute_msg_ack_error(h);
	(*acked)++;
	if (err == 0 || (ops[from + idx].kind == ROUTE_OP_DELETE && (err == -ESRCH || err == -ENOENT))) {
		results[from + idx] = KROUTE_OK;
		return;
	}
	results[from + idx] = KROUTE_ERR_KERNEL;
	kroute_msg_log_failure(&ops[from + idx], err, h);
}

/* Reads until every request of the batch that was sent got its answer. */
static int read_acks(struct kroute *kr, const struct route_op *ops, size_t from, size_t count,
		     size_t expected, uint32_t first_seq, int *results)
{
	size_t acked = 0;

	while (acked < expected) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		struct nlmsghdr *h;
		int len = nl_recv(kr->sk, &peer, &buf, NULL);

		if (len <= 0) {
			log_warnx("kernel routes: reading acknowledgements: %s",
				  len < 0 ? nl_geterror(len) : "connection closed");
			free(buf);
			return -1;
		}
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			handle_ack(h, ops, from, count, first_seq, results, &acked);
		free(buf);
	}
	return 0;
}

static size_t count_sendable(const int *results, size_t from, size_t count)
{
	size_t n = 0;

	for (size_t i = from; i < from + count; i++)
		n += results[i] == 1;
	return n;
}

int kroute_apply(struct kroute *kr, const struct route_op *ops, size_t n, int *results_out)
{
	int *results = results_out ? results_out : calloc(n ? n : 1, sizeof(int));
	size_t from = 0;
	int failed = 0;

	if (results == NULL)
		return KROUTE_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		results[i] = 1; /* not answered yet */
	while (from < n) {
		uint32_t first_seq = kr->seq;
		int count = send_batch(kr, ops, from, n - from, results, first_seq);

		/* Never reuse these numbers, even after a failure: late answers to
		 * this batch must not be taken for answers to the next one. */
		kr->seq += BATCH_MAX_MSGS;
		if (count < 0 ||
		    read_acks(kr, ops, from, (size_t)count, count_sendable(results, from, (size_t)count),
			      first_seq, results) < 0) {
			failed = KROUTE_ERR_SOCKET;
			break;
		}
		from += (size_t)count;
	}
	for (size_t i = 0; i < n; i++) {
		if (results[i] == 1) /* never answered: the socket failed */
			results[i] = KROUTE_ERR_SOCKET;
		if (failed >= 0)
			failed += results[i] != KROUTE_OK;
	}
	if (results != results_out)
		free(results);
	return failed;
}

static int apply_one(struct kroute *kr, enum route_op_kind kind, const struct route *r)
{
	struct route_op op = { kind, r };
	int result = KROUTE_OK;
	int rc = kroute_apply(kr, &op, 1, &result);

	return rc < 0 ? rc : result;
}

int kroute_replace(struct kroute *kr, const struct route *r)
{
	return apply_one(kr, ROUTE_OP_REPLACE, r);
}

int kroute_delete(struct kroute *kr, const struct route *r)
{
	return apply_one(kr, ROUTE_OP_DELETE, r);
}

int kroute_anchor_install(struct kroute *kr, const struct prefix *dst)
{
	struct route anchor;

	route_make_anchor(dst, &anchor);
	return kroute_replace(kr, &anchor);
}

int kroute_anchor_remove(struct kroute *kr, const struct prefix *dst)
{
	struct route anchor;

	route_make_anchor(dst, &anchor);
	return kroute_delete(kr, &anchor);
}

static const char *const kroute_err_names[] = {
	"success", "rtnetlink socket failure", "the kernel refused the request",
	"out of memory", "route cannot be expressed (unknown interface?)",
};

const char *kroute_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof(kroute_err_names) / sizeof(kroute_err_names[0])))
		return "unknown error";
	return kroute_err_names[-err];
}
