/* mono.h: CLOCK_MONOTONIC time, the only clock timers use. */
#ifndef MIG_MONO_H
#define MIG_MONO_H

#include <stdint.h>

uint64_t	mono_ns(void);
uint64_t	mono_us(void);
uint64_t	mono_ms(void);

#endif
