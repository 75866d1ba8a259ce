/* The TCP-MD5 failure counters from /proc/net/netstat's TcpExt lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tcp_md5_stats.h"

static void test_sums_the_three_counters(void **state)
{
	const char *text = "TcpExt: SyncookiesSent TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure Other\n"
			   "TcpExt: 9 1 2 4 100\n"
			   "IpExt: InNoRoutes\nIpExt: 3\n";
	uint64_t sum = 99;

	(void)state;
	assert_int_equal(tcp_md5_failures_parse(text, &sum), 0);
	assert_int_equal(sum, 7);
}

static void test_malformed(void **state)
{
	uint64_t sum = 99;

	(void)state;
	assert_int_equal(tcp_md5_failures_parse(NULL, &sum), -1);
	assert_int_equal(sum, 0);
	assert_int_equal(tcp_md5_failures_parse("TcpExt: TCPMD5Failure\n", &sum), -1);
	assert_int_equal(tcp_md5_failures_parse("TcpExt: A TCPMD5Failure\nTcpExt: 1\n", &sum), -1);
	assert_int_equal(sum, 0);
	assert_int_equal(tcp_md5_failures_parse("IpExt: A\nIpExt: 1\n", &sum), -1);
}

/* The real file of this namespace parses (the counters exist since Linux 2.6.20). */
static void test_reads_proc(void **state)
{
	uint64_t sum;

	(void)state;
	assert_int_equal(tcp_md5_failures_read(&sum), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_the_three_counters),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_reads_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
