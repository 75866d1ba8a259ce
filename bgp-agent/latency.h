/* Durations measured where the work happens (a kernel sync, a round of
 * learning from bgpd, an FRR apply), kept as cumulative histograms for the
 * metrics endpoint. Process-wide, so each measuring point is one call and no
 * state is threaded through the parts that measure. */
#ifndef BGP_AGENT_LATENCY_H
#define BGP_AGENT_LATENCY_H

#include <stddef.h>
#include <stdint.h>

enum latency_kind {
	LATENCY_KERNEL_SYNC, /* desired vs kernel -> netlink operations applied */
	LATENCY_FEED,        /* asking bgpd for changed routes -> answer parsed */
	LATENCY_FRR_APPLY,   /* frr-reload.py --test (+ --reload) start -> end */
	LATENCY_KINDS
};

#define LATENCY_BUCKETS 16

/* Upper bounds of the buckets in microseconds (a last, implied +Inf). */
extern const uint64_t latency_bounds_us[LATENCY_BUCKETS];

struct latency_hist {
	uint64_t bucket[LATENCY_BUCKETS + 1]; /* per bucket, not cumulative; last: +Inf */
	uint64_t count;
	uint64_t sum_us;
};

/* Adds one observation of us microseconds to h. */
void latency_hist_add(struct latency_hist *h, uint64_t us);

/* Monotonic clock in microseconds: the start of a measurement. */
uint64_t latency_start(void);
/* Records the time since start (from latency_start()) under kind. */
void latency_observe_since(enum latency_kind kind, uint64_t start);
/* The process's histogram of kind. */
const struct latency_hist *latency_get(enum latency_kind kind);

#endif
