/* tcp_md5_failures_parse() over any text: no crash, no read past the end,
 * and a failed parse always leaves the sum at 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_md5_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1); /* the parser takes a C string, as read_whole_file gives */
	uint64_t sum;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (tcp_md5_failures_parse(s, &sum) != 0 && sum != 0)
		abort();
	free(s);
	return 0;
}
