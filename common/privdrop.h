/*
 * privdrop.h: the last step of both daemons' start-up (issue 16, finding
 * 5): once everything that needs root is open, become an unprivileged user
 * and keep only the capabilities still used at run time.
 */
#ifndef COMMON_PRIVDROP_H
#define COMMON_PRIVDROP_H

#include <pwd.h>
#include <stdint.h>

/*
 * In this order: every capability not in `keep` out of the bounding set;
 * pw's groups, gid and uid (pw NULL: stay uid 0); effective = permitted =
 * keep (bits are CAP_* numbers); no ambient capabilities; no_new_privs;
 * and, after becoming pw, a check that uid 0 cannot be had back.
 * 0, or -1 with errno set and *step naming what failed.
 */
/* pw's groups, gid and uid, capabilities kept across (PR_SET_KEEPCAPS):
 * 0, or -1 with errno.  priv_drop() does this as one of its steps; alone
 * it serves a child that checks what pw can reach. */
int	priv_become(const struct passwd *pw);
int	priv_drop(const struct passwd *pw, uint64_t keep, const char **step);

#endif
