/*
 * privdrop.c: one privilege drop for xtrd and migrated, through the raw
 * capset(2) and prctl(2) calls (libcap is not a dependency).
 */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "privdrop.h"

/* capset(2): effective = permitted = keep, inheritable empty */
static int
caps_set(uint64_t keep)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Every capability not in keep out of the bounding set (CAP_SETPCAP). */
static int
bounding_drop(uint64_t keep)
{
	int	c;

	for (c = 0; c <= 63; c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1) {
			if (errno == EINVAL)	/* past CAP_LAST_CAP */
				break;
			return -1;
		}
	}
	return 0;
}

/* pw's groups and ids; capabilities survive the uid change (KEEPCAPS) so
 * that caps_set() can then keep `keep` */
int
priv_become(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return -1;
	return 0;
}

int
priv_drop(const struct passwd *pw, uint64_t keep, const char **step)
{
	if (bounding_drop(keep) == -1) {
		*step = "PR_CAPBSET_DROP";
		return -1;
	}
	if (pw != NULL && priv_become(pw) == -1) {
		*step = "becoming the user";
		return -1;
	}
	if (caps_set(keep) == -1) {
		*step = "capset";
		return -1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL) {		/* EINVAL: kernel without ambient caps */
		*step = "PR_CAP_AMBIENT";
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		*step = "PR_SET_NO_NEW_PRIVS";
		return -1;
	}
	if (pw != NULL && (setuid(0) == 0 || seteuid(0) == 0)) {
		*step = "the check that root cannot come back";
		errno = EPERM;
		return -1;
	}
	return 0;
}
