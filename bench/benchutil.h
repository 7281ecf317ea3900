/*
 * benchutil.h: what the C benches share: a deterministic random stream
 * (splitmix64, the same sequence in every run) and CPU time.
 */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <stdint.h>
#include <time.h>

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static inline uint64_t
rnd(void)
{
	uint64_t	z = (rng += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* This process's CPU time, seconds. */
static inline double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
