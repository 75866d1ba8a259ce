/* The kernel's TCP-MD5 failure counters (/proc/net/netstat, this network
 * namespace): FRR never sees a segment whose MD5 signature is wrong or
 * missing, so these counters are the only trace of a password mismatch. */
#ifndef TCP_MD5_STATS_H
#define TCP_MD5_STATS_H

#include <stdint.h>

#define TCP_MD5_STATS_FILE "/proc/net/netstat"

/* Sum of TcpExt TCPMD5NotFound, TCPMD5Unexpected and TCPMD5Failure in text
 * (the format of /proc/net/netstat). Returns 0, or -1 when the TcpExt lines
 * are missing or malformed (*sum is then 0). */
int tcp_md5_failures_parse(const char *text, uint64_t *sum);
/* The same, read from TCP_MD5_STATS_FILE. */
int tcp_md5_failures_read(uint64_t *sum);

#endif
