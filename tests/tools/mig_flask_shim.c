/*
 * mig_flask_shim.c: LD_PRELOAD companion of tests/lib/xs_shim.so for
 * migrated's libxl mode without Xen (tests only, never installed).
 * libxl_domain_info() -> xcinfo2xlinfo() asks for the domain's FLASK label
 * with xc_flask_sid_to_context(), a real hypercall the xenstored shim does
 * not fake (it would crash in libxencall).  Answer "no FLASK" (-1, ENOSYS),
 * as a hypervisor without XSM does; libxl then leaves ssid_label NULL.
 */
#include <errno.h>
#include <stdint.h>

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
