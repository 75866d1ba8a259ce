/* Kernel routes of one table and one protocol, through libnl-3.
 *
 * Requests are built with libnl's message API rather than rtnl_route objects
 * because we need exact control over what identifies a route (a delete must
 * name our protocol so the kernel refuses to remove anyone else's route) and
 * over RTA_VIA (IPv4 routes through IPv6 next hops, RFC 5549). Dumps are
 * parsed with rtnl_route_parse(), one message at a time (no cache). */
#include "kroute.h"

#include <errno.h>
#include <stdint.h>
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
 * call. Only failures and the last request are answered, and even a batch
 * that fails entirely (an error of ~100 bytes each) fits the receive buffer. */
#define BATCH_MAX_MSGS 2048
#define BATCH_MAX_BYTES (64 * 1024)
#define SOCK_RCVBUF (4 * 1024 * 1024)
#define SOCK_SNDBUF (4 * BATCH_MAX_BYTES)
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
	/* libnl sets 32 KiB; one batch is a single datagram and must fit. */
	set_sockopt_int(fd, SOL_SOCKET, SO_SNDBUF, SOCK_SNDBUF);
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

/* --- streamed requests ------------------------------------------------ */

/* Appends one built request to the batch buffer; false when it is full. */
static bool batch_append(struct kroute *kr, size_t *used, struct nl_msg *msg, uint32_t seq)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (*used + h->nlmsg_len > BATCH_MAX_BYTES)
		return false;
	h->nlmsg_seq = seq;
	h->nlmsg_flags &= (uint16_t)~NLM_F_ACK; /* errors come anyway */
	memcpy(kr->batch + *used, h, h->nlmsg_len);
	*used += NLMSG_ALIGN(h->nlmsg_len);
	return true;
}

/* Sends ops[from, from+n) as one buffer; returns how many it covered, or < 0.
 * Only the last request asks for an acknowledgement: once it arrives, every
 * earlier one was processed, and those that failed sent their error first. */
static int send_batch(struct kroute *kr, const struct route_op *ops, size_t from, size_t n,
		      int *results, uint32_t first_seq, size_t *fence)
{
	size_t used = 0, last = 0, count = 0;
	int rc;

	for (; count < n && count < BATCH_MAX_MSGS; count++) {
		const struct route_op *op = &ops[from + count];
		struct nl_msg *msg = NULL;
		size_t at = used;

		rc = kroute_msg_build(op, kr->table, kr->protocol, &msg);
		if (rc != KROUTE_OK) {
			results[from + count] = rc; /* never sent */
			kroute_msg_log_failure(op, rc, NULL);
			continue;
		}
		if (!batch_append(kr, &used, msg, first_seq + (uint32_t)count)) {
			nlmsg_free(msg);
			break;
		}
		nlmsg_free(msg);
		last = at;
		*fence = count;
	}
	if (used == 0)
		return (int)count;
	((struct nlmsghdr *)(kr->batch + last))->nlmsg_flags |= NLM_F_ACK;
	if ((rc = nl_sendto(kr->sk, kr->batch, used)) < 0) {
		log_warnx("kernel routes: sending %zu requests: %s", count, nl_geterror(rc));
		return -1;
	}
	return (int)count;
}

/* One answer: an error for the request with that sequence number, or the
 * fence's acknowledgement (then *done). */
static void handle_answer(struct nlmsghdr *h, const struct route_op *ops, size_t from,
			  size_t count, uint32_t first_seq, size_t fence, int *results, bool *done)
{
	uint32_t idx = h->nlmsg_seq - first_seq;
	int err;

	if (h->nlmsg_type != NLMSG_ERROR || idx >= count || results[from + idx] != 1)
		return;
	err = kroute_msg_ack_error(h);
	if (idx == fence)
		*done = true;
	if (err == 0 || (ops[from + idx].kind == ROUTE_OP_DELETE && (err == -ESRCH || err == -ENOENT))) {
		results[from + idx] = KROUTE_OK;
		return;
	}
	results[from + idx] = KROUTE_ERR_KERNEL;
	kroute_msg_log_failure(&ops[from + idx], err, h);
}

/* Reads the errors of a batch until the fence's acknowledgement; what did
 * not fail by then succeeded. */
static int read_answers(struct kroute *kr, const struct route_op *ops, size_t from, size_t count,
			size_t fence, uint32_t first_seq, int *results)
{
	bool done = false;

	while (!done) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		struct nlmsghdr *h;
		int len = nl_recv(kr->sk, &peer, &buf, NULL);

		if (len <= 0) {
			log_warnx("kernel routes: reading the kernel's answers: %s",
				  len < 0 ? nl_geterror(len) : "connection closed");
			free(buf);
			return -1;
		}
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			handle_answer(h, ops, from, count, first_seq, fence, results, &done);
		free(buf);
	}
	for (size_t i = from; i < from + count; i++)
		if (results[i] == 1)
			results[i] = KROUTE_OK;
	return 0;
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
		size_t fence = SIZE_MAX;
		int count = send_batch(kr, ops, from, n - from, results, first_seq, &fence);

		/* Never reuse these numbers, even after a failure: late answers to
		 * this batch must not be taken for answers to the next one. */
		kr->seq += BATCH_MAX_MSGS;
		if (count < 0 || (fence != SIZE_MAX &&
				  read_answers(kr, ops, from, (size_t)count, fence, first_seq, results) < 0)) {
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
