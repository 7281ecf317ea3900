/* hv_xenstore.c: domain facts from xenstore alone (no hypervisor). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "config.h"
#include "hv.h"

static int
xsh_open(void **ctx, struct xs_handle *xs)
{
	*ctx = NULL;
	return 0;
}

static int
xsh_info(void *ctx, struct xs_handle *xs, uint32_t domid, struct hv_info *o)
{
	char		 path[64], *v;
	unsigned int	 len;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	if ((v = xs_read(xs, XBT_NULL, path, &len)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return -1;
	}
	free(v);
	o->exists = 1;
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	if ((v = xs_read(xs, XBT_NULL, path, &len)) != NULL) {
		/* "/vm/<uuid>" */
		if (len == 40 && strncmp(v, "/vm/", 4) == 0 &&
		    conf_is_uuid(v + 4))
			snprintf(o->uuid, sizeof(o->uuid), "%s", v + 4);
		free(v);
	}
	return 0;
}

static void
xsh_close(void *ctx)
{
}

const struct hv_ops hv_xenstore_ops = {
	"xenstore", xsh_open, xsh_info, xsh_close,
};
