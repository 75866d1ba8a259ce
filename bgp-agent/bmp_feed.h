/* The BMP byte stream of one connection turned into the station's callbacks:
 * framing across reads, Initiation first, post-policy Route Monitoring only,
 * announcements and withdrawals batched per read. No I/O: the station
 * (bmp_station.c) reads into bmp_feed_space() and calls bmp_feed_consume(),
 * so the whole protocol side is testable on byte strings. */
#ifndef BGP_AGENT_BMP_FEED_H
#define BGP_AGENT_BMP_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmp_msg.h"
#include "bmp_station.h"

struct bmp_feed {
	const struct bmp_station_ops *ops;
	void *arg;
	uint8_t *buf; /* BMP_MSG_MAX bytes: one whole message always fits */
	size_t len;
	bool initiated; /* Initiation seen: session(up) was called */
	struct bmp_update batch;
	uint64_t messages, parse_errors;
	char sysname[64];
};

/* 0, or -1 when out of memory. */
int bmp_feed_init(struct bmp_feed *f, const struct bmp_station_ops *ops, void *arg);
void bmp_feed_free(struct bmp_feed *f);
/* Where the next read goes, and how much fits (never 0). */
uint8_t *bmp_feed_space(struct bmp_feed *f, size_t *room);
/* n bytes were read into the space: every whole message is parsed and
 * reported. 0, or -1 with a message in err when the stream is bad (the
 * connection must be closed; what came before it was reported). */
int bmp_feed_consume(struct bmp_feed *f, size_t n, char *err, size_t errlen);
/* Bytes of an unfinished message are held. */
bool bmp_feed_partial(const struct bmp_feed *f);
/* The connection is gone: session(down) when it was up; ready for a new one. */
void bmp_feed_end(struct bmp_feed *f);

#endif
