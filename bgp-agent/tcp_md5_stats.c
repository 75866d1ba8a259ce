/* /proc/net/netstat holds pairs of lines, "TcpExt: NAME NAME ..." then
 * "TcpExt: VALUE VALUE ...", in the same order. */
#include "tcp_md5_stats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

static const char *const md5_counters[] = { "TCPMD5NotFound", "TCPMD5Unexpected", "TCPMD5Failure" };

static bool is_md5_counter(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(md5_counters) / sizeof(md5_counters[0]); i++)
		if (strlen(md5_counters[i]) == len && memcmp(md5_counters[i], name, len) == 0)
			return true;
	return false;
}

/* Walks the names and the values side by side. */
static int sum_columns(const char *names, const char *values, uint64_t *sum)
{
	while (*names != '\0' && *names != '\n') {
		size_t len = strcspn(names, " \n");
		char *end;
		unsigned long long v;

		while (*values == ' ')
			values++;
		v = strtoull(values, &end, 10);
		if (end == values)
			return -1;
		if (is_md5_counter(names, len))
			*sum += v;
		values = end;
		names += len;
		while (*names == ' ')
			names++;
	}
	return 0;
}

int tcp_md5_failures_parse(const char *text, uint64_t *sum)
{
	const char *names = text != NULL ? strstr(text, "TcpExt: ") : NULL;
	const char *values = names != NULL ? strstr(names + 1, "\nTcpExt: ") : NULL;

	*sum = 0;
	if (names == NULL || values == NULL)
		return -1;
	if (sum_columns(names + strlen("TcpExt: "), values + strlen("\nTcpExt: "), sum) < 0) {
		*sum = 0;
		return -1;
	}
	return 0;
}

int tcp_md5_failures_read(uint64_t *sum)
{
	char *text = read_whole_file(TCP_MD5_STATS_FILE, NULL);
	int rc = tcp_md5_failures_parse(text, sum);

	free(text);
	return rc;
}
