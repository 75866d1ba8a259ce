/* BMP messages (RFC 7854 section 4): the common header, the per-peer header
 * and the bodies of the types the station needs. */
#include "bmp_msg.h"

#include <string.h>
#include <sys/socket.h>

#include "bmp_cursor.h"

#define PEER_FLAG_V 0x80 /* the peer address is IPv6 */
#define PEER_FLAG_L 0x40 /* post-policy */

#define INFO_SYSDESCR 1
#define INFO_SYSNAME 2
#define TERM_REASON 1

enum peer_down_reason {
	DOWN_LOCAL_NOTIFY = 1,
	DOWN_LOCAL_FSM = 2,
	DOWN_REMOTE_NOTIFY = 3,
	DOWN_REMOTE_NO_DATA = 4,
	DOWN_DECONFIGURED = 5,
};

int bmp_frame(const uint8_t *buf, size_t len, size_t *msg_len, char *err, size_t errlen)
{
	uint32_t msg;

	if (len >= 1 && buf[0] != BMP_VERSION) {
		snprintf(err, errlen, "BMP version %u (expected %u)", buf[0], BMP_VERSION);
		return -1;
	}
	if (len < BMP_COMMON_HDR_LEN)
		return 0;
	msg = (uint32_t)buf[1] << 24 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 8 | buf[4];
	if (msg < BMP_COMMON_HDR_LEN || msg > BMP_MSG_MAX) {
		snprintf(err, errlen, "BMP message length %u (allowed %u..%u)", msg,
			 BMP_COMMON_HDR_LEN, BMP_MSG_MAX);
		return -1;
	}
	if (len < msg)
		return 0;
	*msg_len = msg;
	return 1;
}

/* Peer type (1), flags (1), distinguisher (8, one BGP instance here: unused),
 * address (16), AS (4), BGP id (4), timestamp (8). */
static int parse_per_peer(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen)
{
	const uint8_t *h;

	if (!cur_bytes(c, BMP_PER_PEER_HDR_LEN, &h))
		return bmp_fail(err, errlen, "truncated per-peer header");
	m->peer_type = h[0];
	if (h[1] & PEER_FLAG_V) {
		m->peer.addr.family = AF_INET6;
		memcpy(m->peer.addr.u.bytes, h + 10, 16);
	} else {
		m->peer.addr.family = AF_INET;
		memcpy(m->peer.addr.u.bytes, h + 22, 4);
	}
	m->peer.asn = (uint32_t)h[26] << 24 | (uint32_t)h[27] << 16 | (uint32_t)h[28] << 8 | h[29];
	memcpy(&m->peer.bgp_id, h + 30, 4);
	m->post_policy = (h[1] & PEER_FLAG_L) != 0;
	m->has_peer = true;
	return 0;
}

/* Copies a TLV's string value into dst, cut to fit and NUL-terminated. */
static void copy_string(char *dst, size_t size, const uint8_t *v, uint16_t len)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(dst, v, n);
	dst[n] = '\0';
}

typedef int (*tlv_fn)(struct bmp_msg *m, uint16_t type, const uint8_t *v, uint16_t len);

/* Information TLVs (Initiation, Termination, Peer Up) up to the end of c. */
static int parse_tlvs(struct bmp_cursor *c, struct bmp_msg *m, tlv_fn fn, char *err,
		      size_t errlen)
{
	while (c->left > 0) {
		uint16_t type, len;
		const uint8_t *v;

		if (!cur_u16(c, &type) || !cur_u16(c, &len) || !cur_bytes(c, len, &v))
			return bmp_fail(err, errlen, "truncated information TLV");
		if (fn != NULL && fn(m, type, v, len) < 0)
			return bmp_fail(err, errlen, "bad Termination reason TLV");
	}
	return 0;
}

static int initiation_tlv(struct bmp_msg *m, uint16_t type, const uint8_t *v, uint16_t len)
{
	if (type == INFO_SYSNAME)
		copy_string(m->sysname, sizeof(m->sysname), v, len);
	else if (type == INFO_SYSDESCR)
		copy_string(m->sysdescr, sizeof(m->sysdescr), v, len);
	return 0;
}

static int termination_tlv(struct bmp_msg *m, uint16_t type, const uint8_t *v, uint16_t len)
{
	if (type != TERM_REASON)
		return 0;
	if (len != 2)
		return -1;
	m->term_reason = (uint16_t)(v[0] << 8 | v[1]);
	return 0;
}

static int parse_initiation(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen)
{
	return parse_tlvs(c, m, initiation_tlv, err, errlen);
}

static int parse_termination(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen)
{
	return parse_tlvs(c, m, termination_tlv, err, errlen);
}

static int take_bgp_msg(struct bmp_cursor *c, uint8_t type, const char *what, char *err,
			size_t errlen)
{
	struct bmp_cursor body;
	const char *why = cur_bgp_msg(c, type, &body);

	if (why != NULL) {
		snprintf(err, errlen, "%s: %s", what, why);
		return -1;
	}
	return 0;
}

/* Local address and ports, the sent and received OPENs (skipped: the
 * station needs none of their capabilities), then information TLVs. */
static int parse_peer_up(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen)
{
	const uint8_t *skip;

	if (parse_per_peer(c, m, err, errlen) < 0)
		return -1;
	if (!cur_bytes(c, 16 + 2 + 2, &skip))
		return bmp_fail(err, errlen, "truncated Peer Up addresses");
	if (take_bgp_msg(c, BGP_MSG_OPEN, "Peer Up sent OPEN", err, errlen) < 0 ||
	    take_bgp_msg(c, BGP_MSG_OPEN, "Peer Up received OPEN", err, errlen) < 0)
		return -1;
	return parse_tlvs(c, m, NULL, err, errlen);
}

static int parse_peer_down(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen)
{
	uint16_t fsm_event;

	if (parse_per_peer(c, m, err, errlen) < 0)
		return -1;
	if (!cur_u8(c, &m->down_reason))
		return bmp_fail(err, errlen, "Peer Down without a reason");
	switch (m->down_reason) {
	case DOWN_LOCAL_NOTIFY:
	case DOWN_REMOTE_NOTIFY:
		return take_bgp_msg(c, BGP_MSG_NOTIFICATION, "Peer Down NOTIFICATION", err,
				    errlen);
	case DOWN_LOCAL_FSM:
		if (!cur_u16(c, &fsm_event))
			return bmp_fail(err, errlen, "Peer Down without its FSM event");
		return 0;
	default: /* no data, deconfigured, or a later RFC's reason: the peer is down */
		return 0;
	}
}

static int parse_route_monitoring(struct bmp_cursor *c, struct bmp_msg *m, char *err,
				  size_t errlen)
{
	const uint8_t *start;

	if (parse_per_peer(c, m, err, errlen) < 0)
		return -1;
	start = c->p;
	if (take_bgp_msg(c, BGP_MSG_UPDATE, "Route Monitoring", err, errlen) < 0)
		return -1;
	/* Anything after the UPDATE (later drafts add TLVs there) is left alone. */
	m->update = start;
	m->update_len = (size_t)(c->p - start);
	return 0;
}

static int parse_statistics(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen)
{
	return parse_per_peer(c, m, err, errlen);
}

typedef int (*body_fn)(struct bmp_cursor *c, struct bmp_msg *m, char *err, size_t errlen);

static const body_fn body_parsers[] = {
	[BMP_ROUTE_MONITORING] = parse_route_monitoring,
	[BMP_STATISTICS_REPORT] = parse_statistics,
	[BMP_PEER_DOWN] = parse_peer_down,
	[BMP_PEER_UP] = parse_peer_up,
	[BMP_INITIATION] = parse_initiation,
	[BMP_TERMINATION] = parse_termination,
};

int bmp_msg_parse(const uint8_t *buf, size_t len, struct bmp_msg *out, char *err,
		  size_t errlen)
{
	struct bmp_cursor c = bmp_cursor(buf, len);
	size_t msg_len = 0;
	uint8_t type;
	int framed;

	memset(out, 0, sizeof(*out));
	framed = bmp_frame(buf, len, &msg_len, err, errlen);
	if (framed < 0)
		return -1;
	if (framed == 0 || msg_len != len)
		return bmp_fail(err, errlen, "BMP length does not match the message");
	type = buf[BMP_COMMON_HDR_LEN - 1];
	c.p += BMP_COMMON_HDR_LEN;
	c.left -= BMP_COMMON_HDR_LEN;
	out->type = type;
	if (type < sizeof(body_parsers) / sizeof(body_parsers[0]) && body_parsers[type] != NULL)
		return body_parsers[type](&c, out, err, errlen);
	return 0;
}
