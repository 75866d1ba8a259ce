#include "latency.h"

#include <time.h>

/* 0.5 ms .. 60 s: a sync of a few routes is sub-millisecond, a table of 100k
 * takes seconds, frr-reload.py one to ten. */
const uint64_t latency_bounds_us[LATENCY_BUCKETS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000, 30000000, 60000000,
};

static struct latency_hist hists[LATENCY_KINDS];

void latency_hist_add(struct latency_hist *h, uint64_t us)
{
	size_t i = 0;

	while (i < LATENCY_BUCKETS && us > latency_bounds_us[i])
		i++;
	h->bucket[i]++;
	h->count++;
	h->sum_us += us;
}

uint64_t latency_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void latency_observe_since(enum latency_kind kind, uint64_t start)
{
	uint64_t now = latency_start();

	latency_hist_add(&hists[kind], now > start ? now - start : 0);
}

const struct latency_hist *latency_get(enum latency_kind kind)
{
	return &hists[kind];
}
