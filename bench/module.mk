# bench/: tools for the downtime bench.  wanem is the userspace WAN emulator
# (delay, jitter, loss, corruption, duplication, rate) used by bench/lib/wan.sh
# when the kernel has no netem qdisc.
NOINST_PROGS += wanem
wanem_SRCS := bench/wanem.c
wanem_LIBS := common
wanem_LDLIBS := -lm
