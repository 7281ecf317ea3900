/*
 * mig_flask_shim.c: LD_PRELOAD companion of tests/lib/xs_shim.so for
 * migrated's libxl mode without Xen (tests only, never installed).
 * libxl_domain_info() -> xcinfo2xlinfo() asks for the domain's FLASK label
 * with xc_flask_sid_to_context(), a real hypercall the xenstored shim does
 * not fake (it would crash in libxencall).  Answer "no FLASK" (-1, ENOSYS),
 * as a hypervisor without XSM does; libxl then leaves ssid_label NULL.
 *
 * MIG_SHIM_LIBXL_FAIL=DOMID: libxl_domain_info() for that domain fails
 * with ERROR_FAIL (a libxl that cannot tell), the others go to libxl.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <libxl.h>

typedef struct xc_interface_core xc_interface;

int	xc_flask_sid_to_context(xc_interface *, int, char *, uint32_t);

int
xc_flask_sid_to_context(xc_interface *xch, int sid, char *buf, uint32_t size)
{
	(void)xch;
	(void)sid;
	(void)buf;
	(void)size;
	errno = ENOSYS;
	return -1;
}

int
libxl_domain_info(libxl_ctx *ctx, libxl_dominfo *info, uint32_t domid)
{
	static int	(*real)(libxl_ctx *, libxl_dominfo *, uint32_t);
	const char	*fail = getenv("MIG_SHIM_LIBXL_FAIL");

	if (fail != NULL && *fail != '\0' &&
	    strtoul(fail, NULL, 10) == domid)
		return ERROR_FAIL;
	if (real == NULL &&
	    (real = (int (*)(libxl_ctx *, libxl_dominfo *, uint32_t))
	    dlsym(RTLD_NEXT, "libxl_domain_info")) == NULL)
		return ERROR_FAIL;
	return real(ctx, info, domid);
}
