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
#include "kroute_nhg_msg.h"
#include "kroute_priv.h"
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
	nhg_table_init(&kr->nhg);
	kroute_nhg_open(kr);
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
	nhg_table_free(&kr->nhg);
	free(kr);
}

/* --- dump ------------------------------------------------------------ */

struct dump_ctx {
	struct kroute *kr;
	struct route_set *out;
	int rc;
};

/* A route through a nexthop object gets its next hops from the object (the
 * kernel repeats them inline only in nexthop_compat_mode). */
static void add_dumped(struct dump_ctx *d, struct nlmsghdr *h, struct route *r)
{
	uint32_t id = nhg_msg_route_nh_id(h);
	int rc = id != 0 ? kroute_nhg_dumped_route(d->kr, id, r) : KROUTE_OK;

	if (rc == KROUTE_OK && route_set_add(d->out, r) < 0)
		rc = KROUTE_ERR_NOMEM;
	if (rc != KROUTE_OK && d->rc == KROUTE_OK)
		d->rc = rc;
}

static int on_dump_msg(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *d = arg;
	struct rtnl_route *rt = NULL;
	struct route r;

	if (rtnl_route_parse(nlmsg_hdr(msg), &rt) < 0)
		return NL_SKIP;
	/* The kernel filters too (strict checking), but older ones ignore it. */
	if (rtnl_route_get_table(rt) == d->kr->table &&
	    rtnl_route_get_protocol(rt) == d->kr->protocol && kroute_msg_to_route(rt, &r) == 0)
		add_dumped(d, nlmsg_hdr(msg), &r);
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
		rc = kroute_nhg_dump(kr);
		if (rc == KROUTE_OK)
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

/* Results of operations not settled yet (settled: 0 or a kroute_err). */
#define RESULT_PENDING 1 /* to send, or sent and not answered */
#define RESULT_RETRY 2   /* to send again with inline next hops */

/* One kroute_apply(): the operations, their results
 * and the nexthop object each route points at (0: inline next hops). */
struct apply_ctx {
	const struct route_op *ops;
	int *results;
	uint32_t *nh_ids;
	size_t retry; /* refused their object: sent again inline */
};

/* Sends ops[from, from+n) as one buffer; returns how many it covered, or < 0.
 * Only the last request asks for an acknowledgement: once it arrives, every
 * earlier one was processed, and those that failed sent their error first. */
static int send_batch(struct kroute *kr, struct apply_ctx *a, size_t from, size_t n,
		      uint32_t first_seq, size_t *fence)
{
	size_t used = 0, last = 0, count = 0;
	int rc;

	for (; count < n && count < BATCH_MAX_MSGS; count++) {
		const struct route_op *op = &a->ops[from + count];
		struct nl_msg *msg = NULL;
		size_t at = used;

		if (a->results[from + count] != RESULT_PENDING)
			continue; /* already right in the kernel */
		rc = kroute_msg_build(op, kr->table, kr->protocol, a->nh_ids[from + count], &msg);
		if (rc != KROUTE_OK) {
			a->results[from + count] = rc; /* never sent */
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

/* A failed operation. One that named a nexthop object is sent again with
 * its next hops inline: the object vanished behind our back (the dump that
 * follows such events re-reads them) or the kernel would not take it there. */
static void op_failed(struct apply_ctx *a, size_t i, int err, const struct nlmsghdr *h)
{
	if (a->nh_ids[i] != 0 && err == -EINVAL) { /* "Nexthop id does not exist" */
		if (a->retry++ == 0)
			kroute_msg_log_failure(&a->ops[i], err, h);
		a->nh_ids[i] = 0;
		a->results[i] = RESULT_RETRY;
		return;
	}
	a->results[i] = KROUTE_ERR_KERNEL;
	kroute_msg_log_failure(&a->ops[i], err, h);
}

/* One answer: an error for the request with that sequence number, or the
 * fence's acknowledgement (then *done). */
static void handle_answer(struct nlmsghdr *h, struct apply_ctx *a, size_t from, size_t count,
			  uint32_t first_seq, size_t fence, bool *done)
{
	uint32_t idx = h->nlmsg_seq - first_seq;
	int err;

	if (h->nlmsg_type != NLMSG_ERROR || idx >= count || a->results[from + idx] != RESULT_PENDING)
		return;
	err = kroute_msg_ack_error(h);
	if (idx == fence)
		*done = true;
	if (err == 0 || (a->ops[from + idx].kind == ROUTE_OP_DELETE && (err == -ESRCH || err == -ENOENT))) {
		a->results[from + idx] = KROUTE_OK;
		return;
	}
	op_failed(a, from + idx, err, h);
}

/* Reads the errors of a batch until the fence's acknowledgement; what did
 * not fail by then succeeded. */
static int read_answers(struct kroute *kr, struct apply_ctx *a, size_t from, size_t count,
			size_t fence, uint32_t first_seq)
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
			handle_answer(h, a, from, count, first_seq, fence, &done);
		free(buf);
	}
	for (size_t i = from; i < from + count; i++)
		if (a->results[i] == RESULT_PENDING)
			a->results[i] = KROUTE_OK;
	return 0;
}

/* Sends every operation still RESULT_PENDING, in batches. 0 or KROUTE_ERR_SOCKET. */
static int send_all(struct kroute *kr, struct apply_ctx *a, size_t n)
{
	for (size_t from = 0; from < n;) {
		uint32_t first_seq = kr->seq;
		size_t fence = SIZE_MAX;
		int count = send_batch(kr, a, from, n - from, first_seq, &fence);

		/* Never reuse these numbers, even after a failure: late answers to
		 * this batch must not be taken for answers to the next one. */
		kr->seq += BATCH_MAX_MSGS;
		if (count < 0 ||
		    (fence != SIZE_MAX && read_answers(kr, a, from, (size_t)count, fence, first_seq) < 0))
			return KROUTE_ERR_SOCKET;
		from += (size_t)count;
	}
	return KROUTE_OK;
}

/* The nexthop object of every operation (created first); results[i] is 1
 * for those still to send, 0 for those already right in the kernel. */
static void prepare_ops(struct kroute *kr, struct apply_ctx *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		a->results[i] = RESULT_PENDING;
	kroute_nhg_move_groups(kr, a->ops, n, a->results, a->nh_ids);
	for (size_t i = 0; i < n; i++) {
		bool skip = false;

		if (a->results[i] != RESULT_PENDING)
			continue;
		a->nh_ids[i] = kroute_nhg_prepare(kr, &a->ops[i], &skip);
		a->results[i] = skip ? KROUTE_OK : RESULT_PENDING;
	}
}

/* Operations that refused their object go again inline; what we knew of
 * the objects is then wrong: forgotten (and none deleted) until a dump. */
static int send_again_inline(struct kroute *kr, struct apply_ctx *a, size_t n)
{
	if (a->retry == 0)
		return KROUTE_OK;
	log_warnx("kernel routes: %zu routes refused their nexthop object; sent again with their "
		  "next hops inline", a->retry);
	kroute_nhg_forget(kr);
	for (size_t i = 0; i < n; i++)
		if (a->results[i] == RESULT_RETRY)
			a->results[i] = RESULT_PENDING;
	return send_all(kr, a, n);
}

static void commit_ops(struct kroute *kr, const struct apply_ctx *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a->results[i] == KROUTE_OK)
			kroute_nhg_commit(kr, &a->ops[i], a->nh_ids[i]);
	kroute_nhg_collect(kr);
}

int kroute_apply(struct kroute *kr, const struct route_op *ops, size_t n, int *results_out)
{
	struct apply_ctx a = { ops, results_out, NULL, 0 };
	int failed = 0;

	if (a.results == NULL)
		a.results = calloc(n ? n : 1, sizeof(int));
	a.nh_ids = calloc(n ? n : 1, sizeof(*a.nh_ids));
	if (a.results == NULL || a.nh_ids == NULL) {
		if (a.results != results_out)
			free(a.results);
		free(a.nh_ids);
		return KROUTE_ERR_NOMEM;
	}
	prepare_ops(kr, &a, n);
	if (send_all(kr, &a, n) != KROUTE_OK || send_again_inline(kr, &a, n) != KROUTE_OK)
		failed = KROUTE_ERR_SOCKET;
	for (size_t i = 0; i < n; i++) {
		if (a.results[i] > 0) /* never answered: the socket failed */
			a.results[i] = KROUTE_ERR_SOCKET;
		if (failed >= 0)
			failed += a.results[i] != KROUTE_OK;
	}
	commit_ops(kr, &a, n);
	if (a.results != results_out)
		free(a.results);
	free(a.nh_ids);
	return failed;
}

/* --- single requests ------------------------------------------------------ */

struct talk_ctx {
	uint32_t seq;
	kroute_reply_fn on_reply;
	void *arg;
	const char *what;
	int rc;
	bool done;
};

static void talk_answer(struct nlmsghdr *h, struct talk_ctx *t)
{
	const char *ext;

	if (h->nlmsg_seq != t->seq)
		return;
	if (h->nlmsg_type != NLMSG_ERROR) {
		if (t->on_reply != NULL)
			t->on_reply(h, t->arg);
		return;
	}
	t->done = true;
	t->rc = kroute_msg_ack_error(h);
	if (t->rc == 0 || t->what == NULL)
		return;
	ext = kroute_msg_ext_ack(h);
	log_warnx("kernel routes: %s: %s%s%s", t->what, strerror(-t->rc), ext ? ": " : "",
		  ext ? ext : "");
}

int kroute_talk(struct kroute *kr, struct nl_msg *msg, kroute_reply_fn on_reply, void *arg,
		const char *what)
{
	struct talk_ctx t = { kr->seq++, on_reply, arg, what, 0, false };
	struct nlmsghdr *req = nlmsg_hdr(msg);
	int rc;

	req->nlmsg_seq = t.seq;
	req->nlmsg_flags |= NLM_F_ACK;
	rc = nl_sendto(kr->sk, req, req->nlmsg_len);
	nlmsg_free(msg);
	while (rc >= 0 && !t.done) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		struct nlmsghdr *h;
		int len = nl_recv(kr->sk, &peer, &buf, NULL);

		if (len <= 0) {
			free(buf);
			rc = len < 0 ? len : -NLE_BAD_SOCK;
			break;
		}
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			talk_answer(h, &t);
		free(buf);
	}
	if (rc < 0) {
		log_warnx("kernel routes: %s: %s", what ? what : "request", nl_geterror(rc));
		return -EIO;
	}
	return t.rc;
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
