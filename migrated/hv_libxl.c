/* hv_libxl.c: domain facts from the hypervisor through libxl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

#include "hv.h"
#include "log.h"

struct lxctx {
	libxl_ctx		*ctx;
	xentoollog_logger_stdiostream *lg;
};

static int
lx_open(void **out, struct xs_handle *xs)
{
	struct lxctx	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->lg = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	if (c->lg == NULL ||
	    libxl_ctx_alloc(&c->ctx, LIBXL_VERSION, 0,
	    (xentoollog_logger *)c->lg) != 0) {
		if (c->lg != NULL)
			xtl_logger_destroy((xentoollog_logger *)c->lg);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static int
lx_info(void *ctx, struct xs_handle *xs, uint32_t domid, struct hv_info *o)
{
	struct lxctx	*c = ctx;
	libxl_dominfo	 di;
	int		 rc;

	libxl_dominfo_init(&di);
	rc = libxl_domain_info(c->ctx, &di, domid);
	if (rc == ERROR_DOMAIN_NOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc != 0) {
		rc = -1;
		goto out;
	}
	o->exists = !di.dying;
	o->paused = di.paused ? 1 : 0;
	o->shutdown = di.shutdown ? 1 : 0;
	snprintf(o->uuid, sizeof(o->uuid), LIBXL_UUID_FMT,
	    LIBXL_UUID_BYTES(di.uuid));
out:
	libxl_dominfo_dispose(&di);
	return rc;
}

static void
lx_close(void *ctx)
{
	struct lxctx	*c = ctx;

	if (c == NULL)
		return;
	libxl_ctx_free(c->ctx);
	xtl_logger_destroy((xentoollog_logger *)c->lg);
	free(c);
}

const struct hv_ops hv_libxl_ops = {
	"libxl", lx_open, lx_info, lx_close,
};
