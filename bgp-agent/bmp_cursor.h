/* A bounded reader over a byte buffer for the BMP and BGP parsers: every
 * read checks the bytes left first, so no length field read from the wire can
 * take a read past the end of what holds it. */
#ifndef BGP_AGENT_BMP_CURSOR_H
#define BGP_AGENT_BMP_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bmp_cursor {
	const uint8_t *p;
	size_t left;
};

static inline struct bmp_cursor bmp_cursor(const uint8_t *p, size_t len)
{
	return (struct bmp_cursor){ .p = p, .left = len };
}

/* *out points at the next n bytes, which are consumed. */
static inline bool cur_bytes(struct bmp_cursor *c, size_t n, const uint8_t **out)
{
	if (n > c->left)
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

/* The next n bytes become *sub, a cursor of their own. */
static inline bool cur_sub(struct bmp_cursor *c, size_t n, struct bmp_cursor *sub)
{
	const uint8_t *p;

	if (!cur_bytes(c, n, &p))
		return false;
	*sub = bmp_cursor(p, n);
	return true;
}

static inline bool cur_u8(struct bmp_cursor *c, uint8_t *v)
{
	const uint8_t *p;

	if (!cur_bytes(c, 1, &p))
		return false;
	*v = p[0];
	return true;
}

static inline bool cur_u16(struct bmp_cursor *c, uint16_t *v)
{
	const uint8_t *p;

	if (!cur_bytes(c, 2, &p))
		return false;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

static inline bool cur_u32(struct bmp_cursor *c, uint32_t *v)
{
	const uint8_t *p;

	if (!cur_bytes(c, 4, &p))
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

#define BGP_HDR_LEN 19
#define BGP_MSG_OPEN 1
#define BGP_MSG_UPDATE 2
#define BGP_MSG_NOTIFICATION 3

/* Takes one whole BGP message of the given type (marker, length, type) off c;
 * *body is what follows its 19-byte header. NULL, or what is wrong with it. */
static inline const char *cur_bgp_msg(struct bmp_cursor *c, uint8_t type,
				      struct bmp_cursor *body)
{
	const uint8_t *hdr;
	uint16_t len;

	if (!cur_bytes(c, BGP_HDR_LEN, &hdr))
		return "truncated BGP header";
	for (int i = 0; i < 16; i++)
		if (hdr[i] != 0xff)
			return "BGP marker not all ones";
	len = (uint16_t)(hdr[16] << 8 | hdr[17]);
	if (hdr[18] != type)
		return "unexpected BGP message type";
	if (len < BGP_HDR_LEN)
		return "BGP length below its header";
	if (!cur_sub(c, len - BGP_HDR_LEN, body))
		return "BGP length beyond the BMP message";
	return NULL;
}

/* The parsers' one way to fail: the message into err, -1. */
static inline int bmp_fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

#endif
