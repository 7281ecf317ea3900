# tests/xen-e2e: a check of the emulated platform that build-dom0.sh puts
# into dom0 as /e2e/fpu_stress (see fpu_stress.c).
NOINST_PROGS += fpu_stress
fpu_stress_SRCS := tests/xen-e2e/fpu_stress.c
