# bench/: tools for the downtime bench.  wanem is the userspace WAN emulator
# (delay, jitter, loss, corruption, duplication, rate) used by tests/lib/harness/wan.sh
# when the kernel has no netem qdisc.
NOINST_PROGS += wanem
wanem_SRCS := bench/wanem.c
wanem_LIBS := common
wanem_LDLIBS := -lm

# map_cache_bench: map-cache/lpm lookup rate, memory, insert and expire rates
NOINST_PROGS += map_cache_bench
map_cache_bench_SRCS := bench/map_cache_bench.c xtr/map_cache.c xtr/lpm.c \
	common/addr.c

# smr_fanout_bench: finding the distinct RLOCs an SMR fan-out solicits
NOINST_PROGS += smr_fanout_bench
smr_fanout_bench_SRCS := bench/smr_fanout_bench.c xtr/map_cache.c \
	xtr/lpm.c common/addr.c
