/* mono.c: monotonic clock helpers. */
#include <time.h>

#include "mono.h"

uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
mono_us(void)
{
	return mono_ns() / 1000;
}

uint64_t
mono_ms(void)
{
	return mono_ns() / 1000000;
}
