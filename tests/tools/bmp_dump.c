/* bmp_dump: runs the agent's BMP station against bgpd's `bmp listener` and
 * prints each event it reports, one line each, with the monotonic time in
 * milliseconds (for tests and for looking at what bgpd sends):
 *
 *   bmp_dump [-a ADDR] -p PORT [-s SECONDS]
 *
 *   T session up|down
 *   T peer_up|peer_down ADDR as ASN
 *   T route announce|withdraw PREFIX peer ADDR nh ADDR|- ll ADDR|-
 *   T eor ADDR ipv4|ipv6
 *
 * Stops after SECONDS (default: never) or on SIGTERM/SIGINT, then prints
 * "stats messages N bytes N parse_errors N sessions N". */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bmp_station.h"
#include "event_loop.h"
#include "log.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *addr_str(const struct ip_addr *a, char *buf, size_t len)
{
	return a->family != 0 ? ip_addr_format(a, buf, len) : "-";
}

static void on_session(void *arg, bool up)
{
	(void)arg;
	printf("%llu session %s\n", (unsigned long long)monotonic_ms(), up ? "up" : "down");
}

static void print_peer(const char *what, const struct bmp_peer *peer)
{
	char a[INET6_ADDRSTRLEN];

	printf("%llu %s %s as %u\n", (unsigned long long)monotonic_ms(), what,
	       addr_str(&peer->addr, a, sizeof(a)), peer->asn);
}

static void on_peer_up(void *arg, const struct bmp_peer *peer)
{
	(void)arg;
	print_peer("peer_up", peer);
}

static void on_peer_down(void *arg, const struct bmp_peer *peer)
{
	(void)arg;
	print_peer("peer_down", peer);
}

static void on_prefixes(void *arg, const struct bmp_route *v, size_t n)
{
	unsigned long long now = monotonic_ms();

	(void)arg;
	for (size_t i = 0; i < n; i++) {
		char p[PREFIX_STRLEN], peer[INET6_ADDRSTRLEN], nh[INET6_ADDRSTRLEN],
			ll[INET6_ADDRSTRLEN];

		printf("%llu route %s %s peer %s nh %s ll %s\n", now,
		       v[i].withdrawn ? "withdraw" : "announce",
		       prefix_format(&v[i].prefix, p, sizeof(p)),
		       addr_str(&v[i].peer.addr, peer, sizeof(peer)),
		       addr_str(&v[i].nexthop, nh, sizeof(nh)),
		       addr_str(&v[i].nexthop_ll, ll, sizeof(ll)));
	}
}

static void on_eor(void *arg, const struct bmp_peer *peer, int family)
{
	char a[INET6_ADDRSTRLEN];

	(void)arg;
	printf("%llu eor %s %s\n", (unsigned long long)monotonic_ms(),
	       addr_str(&peer->addr, a, sizeof(a)), family == AF_INET6 ? "ipv6" : "ipv4");
}

static const struct bmp_station_ops ops = {
	.session = on_session,
	.peer_up = on_peer_up,
	.peer_down = on_peer_down,
	.prefixes = on_prefixes,
	.end_of_rib = on_eor,
};

static int parse_args(int argc, char **argv, struct bmp_station_config *cfg, long *seconds)
{
	const char *addr = "127.0.0.1";
	char err[128];
	int c;

	while ((c = getopt(argc, argv, "a:p:s:")) != -1) {
		if (c == 'a')
			addr = optarg;
		else if (c == 'p')
			cfg->port = (uint16_t)atoi(optarg);
		else if (c == 's')
			*seconds = atol(optarg);
		else
			return -1;
	}
	if (cfg->port == 0 || ip_addr_parse(addr, &cfg->addr, err, sizeof(err)) < 0) {
		fprintf(stderr, "bmp_dump: %s\n", cfg->port == 0 ? "-p PORT is required" : err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bmp_station_config cfg = { .port = 0 };
	struct bmp_station_stats stats;
	struct event_loop *loop;
	struct bmp_station *st;
	long seconds = 0;
	uint64_t end;

	log_init("bmp_dump", LOG_LVL_INFO, stderr);
	if (parse_args(argc, argv, &cfg, &seconds) < 0) {
		fprintf(stderr, "usage: bmp_dump [-a ADDR] -p PORT [-s SECONDS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	loop = event_loop_new();
	if (loop == NULL || (st = bmp_station_open(loop, &cfg, &ops, NULL)) == NULL)
		return 1;
	end = seconds > 0 ? monotonic_ms() + (uint64_t)seconds * 1000 : 0;
	while (!stop && (end == 0 || monotonic_ms() < end))
		if (event_loop_run_once(loop, 100) < 0)
			break;
	bmp_station_stats(st, &stats);
	printf("stats messages %llu bytes %llu parse_errors %llu sessions %llu\n",
	       (unsigned long long)stats.messages, (unsigned long long)stats.bytes,
	       (unsigned long long)stats.parse_errors, (unsigned long long)stats.sessions);
	bmp_station_close(st);
	event_loop_free(loop);
	return 0;
}
