/*
 * hv.h: the one place where "is there a hypervisor?" matters.
 *
 * Two implementations behind one ops table, chosen at start-up:
 *   libxl     (hv_libxl.c): /proc/xen/privcmd exists and libxl_ctx_alloc()
 *             succeeds.  Domain existence, pause/shutdown/dying state and
 *             UUID come from libxl_domain_info(), i.e. from Xen itself.
 *   xenstore  (hv_xenstore.c): no hypervisor (tests, a Dom0 without
 *             privcmd).  A domain exists while /local/domain/<id> does; its
 *             UUID is read from /local/domain/<id>/vm; pause state is
 *             unknown (xenstore has none), so "unpaused" is inferred from
 *             the --incoming -> <name> rename that xl makes just before
 *             libxl_domain_unpause().
 * Everything else migrated does (watches, captures, xtrd) is the same in
 * both modes.
 */
#ifndef MIG_HV_H
#define MIG_HV_H

#include <stdint.h>

struct xs_handle;
struct mcnt;

struct hv_info {
	int	exists;		/* 0: gone (or dying) */
	int	paused;		/* 1, 0, or -1 unknown */
	int	shutdown;	/* 1 when shut down (e.g. suspended), -1 unknown */
	char	uuid[40];	/* "" when unknown */
};

struct hv_ops {
	const char	*name;
	int		(*open)(void **ctx, struct xs_handle *);
	int		(*info)(void *ctx, struct xs_handle *, uint32_t domid,
			    struct hv_info *);
	void		(*close)(void *ctx);
};

struct hv {
	const struct hv_ops	*ops;
	void			*ctx;
	struct xs_handle	*xs;
	struct mcnt		*cnt;	/* counts hv_info_failed */
};

extern const struct hv_ops hv_xenstore_ops;
extern const struct hv_ops hv_libxl_ops;

/* mode: "auto", "xenstore" or "libxl".  0 or -1 (libxl forced, failed). */
int	hv_open(struct hv *, const char *mode, struct xs_handle *,
	    struct mcnt *);
/* 0 and *out filled, or -1 on an error (not for "no such domain").  When
 * libxl errs, xenstore answers (counted as hv_info_failed). */
int	hv_info(struct hv *, uint32_t domid, struct hv_info *out);
void	hv_close(struct hv *);
const char *hv_name(const struct hv *);

#endif
