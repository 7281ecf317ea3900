/* hv.c: choose the hypervisor backend at run time, see hv.h. */
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "hv.h"
#include "log.h"

int
hv_open(struct hv *h, const char *mode, struct xs_handle *xs,
    struct mcnt *cnt)
{
	memset(h, 0, sizeof(*h));
	h->xs = xs;
	h->cnt = cnt;
	if (strcmp(mode, "libxl") == 0 ||
	    (strcmp(mode, "auto") == 0 && access("/proc/xen/privcmd", F_OK) == 0)) {
		if (hv_libxl_ops.open(&h->ctx, xs) == 0) {
			h->ops = &hv_libxl_ops;
			return 0;
		}
		if (strcmp(mode, "libxl") == 0)
			return -1;
		log_warnx("libxl unavailable; running from xenstore alone");
	}
	h->ops = &hv_xenstore_ops;
	return h->ops->open(&h->ctx, xs);
}

int
hv_info(struct hv *h, uint32_t domid, struct hv_info *out)
{
	int	rc;

	memset(out, 0, sizeof(*out));
	out->paused = out->shutdown = -1;
	rc = h->ops->info(h->ctx, h->xs, domid, out);
	if (rc == -1 && h->ops != &hv_xenstore_ops) {
		/* libxl could not tell (not "no such domain"): answer from
		 * xenstore rather than not at all, else a domain libxl keeps
		 * failing on would never be seen gone */
		mcnt_inc(h->cnt, "hv_info_failed");
		log_debug("%s: no answer for domain %u, asking xenstore",
		    h->ops->name, domid);
		memset(out, 0, sizeof(*out));
		out->paused = out->shutdown = -1;
		rc = hv_xenstore_ops.info(NULL, h->xs, domid, out);
	}
	return rc;
}

void
hv_close(struct hv *h)
{
	if (h->ops != NULL)
		h->ops->close(h->ctx);
	h->ops = NULL;
}

const char *
hv_name(const struct hv *h)
{
	return h->ops ? h->ops->name : "none";
}
