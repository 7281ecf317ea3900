/* crash.h: a backtrace on stderr when migrated dies of a fault. */
#ifndef MIG_CRASH_H
#define MIG_CRASH_H

void	crash_report_init(void);

#endif
