/* The BMP station's parsers over a byte stream as bgpd would send it: framing
 * (bmp_frame), each message (bmp_msg_parse) and the BGP UPDATE of each Route
 * Monitoring (bmp_update_parse). Seeds are captures from FRR 8.4's bgpd. */
#include <stdint.h>

#include "bmp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmp_update upd = { 0 };
	char err[128];
	size_t off = 0, len;

	while (bmp_frame(data + off, size - off, &len, err, sizeof(err)) == 1) {
		struct bmp_msg msg;

		if (bmp_msg_parse(data + off, len, &msg, err, sizeof(err)) == 0 &&
		    msg.type == BMP_ROUTE_MONITORING)
			bmp_update_parse(msg.update, msg.update_len, &msg.peer, &upd, err,
					 sizeof(err));
		off += len;
	}
	bmp_update_clear(&upd);
	return 0;
}
