/* test_privdrop.c: common/privdrop.c, the drop both daemons make at the
 * end of their start-up.  Each case runs in a child (the drop cannot be
 * undone) that reports what /proc/self/status then says; as root only
 * (skipped otherwise). */
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/capability.h>

#include "privdrop.h"

/* "Key:\t<value>" of /proc/self/status into out */
static int
status_field(const char *key, char *out, size_t len)
{
	char	 line[256];
	FILE	*f;
	size_t	 kl = strlen(key);
	int	 rc = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			snprintf(out, len, "%s", line + kl + 1 +
			    strspn(line + kl + 1, " \t"));
			out[strcspn(out, "\n")] = '\0';
			rc = 0;
			break;
		}
	fclose(f);
	return rc;
}

/* exit codes of the child: 0 all as expected, 10+ the failed check */
static int
child(const struct passwd *pw, uint64_t keep, const char *caps)
{
	const char	*step = "";
	char		 v[128], want[64];

	if (priv_drop(pw, keep, &step) == -1)
		return 10;
	if (status_field("CapEff", v, sizeof(v)) == -1 || strcmp(v, caps) != 0)
		return 11;
	if (status_field("CapPrm", v, sizeof(v)) == -1 || strcmp(v, caps) != 0)
		return 12;
	if (status_field("CapBnd", v, sizeof(v)) == -1 || strcmp(v, caps) != 0)
		return 13;
	if (status_field("CapAmb", v, sizeof(v)) == -1 ||
	    strcmp(v, "0000000000000000") != 0)
		return 14;
	if (status_field("NoNewPrivs", v, sizeof(v)) == -1 ||
	    strcmp(v, "1") != 0)
		return 15;
	if (pw != NULL) {
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u",
		    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
		    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
		if (status_field("Uid", v, sizeof(v)) == -1 ||
		    strcmp(v, want) != 0)
			return 16;
		if (setuid(0) == 0 || errno != EPERM)
			return 17;
	} else if (getuid() != 0)
		return 18;
	return 0;
}

static int
run(const struct passwd *pw, uint64_t keep, const char *caps)
{
	pid_t	pid;
	int	st;

	if ((pid = fork()) == 0)
		_exit(child(pw, keep, caps));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
test_drop_to_nobody_keeps_net_admin(void **state)
{
	struct passwd	*pw;

	(void)state;
	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL)
		skip();
	/* xtrd with a data plane: CAP_NET_ADMIN (bit 12) alone */
	assert_int_equal(run(pw, 1ULL << CAP_NET_ADMIN, "0000000000001000"),
	    0);
}

static void
test_drop_to_nobody_keeps_nothing(void **state)
{
	struct passwd	*pw;

	(void)state;
	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL)
		skip();
	/* migrated, and xtrd without a data plane */
	assert_int_equal(run(pw, 0, "0000000000000000"), 0);
}

static void
test_stay_root_without_caps(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	/* no usable user: uid 0, but no capability and no_new_privs */
	assert_int_equal(run(NULL, 0, "0000000000000000"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_to_nobody_keeps_net_admin),
		cmocka_unit_test(test_drop_to_nobody_keeps_nothing),
		cmocka_unit_test(test_stay_root_without_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
