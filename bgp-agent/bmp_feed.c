/* From BMP messages to the station's callbacks, in the order bgpd sent them. */
#include "bmp_feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "log.h"

int bmp_feed_init(struct bmp_feed *f, const struct bmp_station_ops *ops, void *arg)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->arg = arg;
	f->buf = malloc(BMP_MSG_MAX);
	return f->buf != NULL ? 0 : -1;
}

void bmp_feed_free(struct bmp_feed *f)
{
	free(f->buf);
	bmp_update_clear(&f->batch);
	memset(f, 0, sizeof(*f));
}

uint8_t *bmp_feed_space(struct bmp_feed *f, size_t *room)
{
	*room = BMP_MSG_MAX - f->len;
	return f->buf + f->len;
}

bool bmp_feed_partial(const struct bmp_feed *f)
{
	return f->len > 0;
}

/* Hands the batched routes over before anything else is reported. */
static void flush(struct bmp_feed *f)
{
	if (f->batch.n_routes > 0 && f->ops->prefixes != NULL)
		f->ops->prefixes(f->arg, f->batch.routes, f->batch.n_routes);
	f->batch.n_routes = 0;
}

static void on_initiation(struct bmp_feed *f, const struct bmp_msg *m)
{
	if (f->initiated)
		return;
	f->initiated = true;
	snprintf(f->sysname, sizeof(f->sysname), "%s", m->sysname);
	log_info("bmp: session with bgpd of '%s' (%s)", m->sysname, m->sysdescr);
	if (f->ops->session != NULL)
		f->ops->session(f->arg, true);
}

static int on_route_monitoring(struct bmp_feed *f, const struct bmp_msg *m, char *err,
			       size_t errlen)
{
	/* The station asks for post-policy only; a pre-policy copy (FRR sends its
	 * End-of-RIB with and without the L flag) would say the same again. */
	if (!m->post_policy)
		return 0;
	if (bmp_update_parse(m->update, m->update_len, &m->peer, &f->batch, err, errlen) < 0)
		return -1;
	if (f->batch.eor_family != 0) {
		flush(f);
		if (f->ops->end_of_rib != NULL)
			f->ops->end_of_rib(f->arg, &m->peer, f->batch.eor_family);
	}
	return 0;
}

static void on_peer(struct bmp_feed *f, const struct bmp_msg *m,
		    void (*cb)(void *arg, const struct bmp_peer *peer))
{
	flush(f);
	if (cb != NULL)
		cb(f->arg, &m->peer);
}

static int dispatch(struct bmp_feed *f, const struct bmp_msg *m, char *err, size_t errlen)
{
	if (!f->initiated && m->type != BMP_INITIATION) {
		snprintf(err, errlen, "BMP message type %u before Initiation", m->type);
		return -1;
	}
	switch (m->type) {
	case BMP_INITIATION:
		on_initiation(f, m);
		return 0;
	case BMP_ROUTE_MONITORING:
		return on_route_monitoring(f, m, err, errlen);
	case BMP_PEER_UP:
		on_peer(f, m, f->ops->peer_up);
		return 0;
	case BMP_PEER_DOWN:
		on_peer(f, m, f->ops->peer_down);
		return 0;
	case BMP_TERMINATION: /* bgpd closes the connection next */
		log_info("bmp: bgpd ends the session (reason %u)", m->term_reason);
		return 0;
	default: /* statistics, mirroring, later types: not needed */
		return 0;
	}
}

/* Parses and reports the whole messages at the front of the buffer; returns
 * how many bytes they took, or -1. */
static ssize_t consume_messages(struct bmp_feed *f, char *err, size_t errlen)
{
	size_t off = 0, len;
	int rc;

	while ((rc = bmp_frame(f->buf + off, f->len - off, &len, err, errlen)) == 1) {
		struct bmp_msg m;

		if (bmp_msg_parse(f->buf + off, len, &m, err, errlen) < 0 ||
		    dispatch(f, &m, err, errlen) < 0)
			return -1;
		f->messages++;
		off += len;
	}
	return rc < 0 ? -1 : (ssize_t)off;
}

int bmp_feed_consume(struct bmp_feed *f, size_t n, char *err, size_t errlen)
{
	ssize_t used;

	f->len += n;
	used = consume_messages(f, err, errlen);
	flush(f);
	if (used < 0) {
		f->parse_errors++;
		return -1;
	}
	memmove(f->buf, f->buf + used, f->len - (size_t)used);
	f->len -= (size_t)used;
	return 0;
}

void bmp_feed_end(struct bmp_feed *f)
{
	bool was_up = f->initiated;

	flush(f);
	f->len = 0;
	f->initiated = false;
	f->sysname[0] = '\0';
	if (was_up && f->ops->session != NULL)
		f->ops->session(f->arg, false);
}
