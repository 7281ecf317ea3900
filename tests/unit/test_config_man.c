/* test_config_man.c: every key of the key tables (xtrd.conf's, its data
 * plane's, migrated.conf's) has a doc line and is named in bold on a line
 * of its man page (man/xtrd.conf.5, man/migrated.conf.5): a key added to a
 * table and not to the page fails here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfgkey.h"
#include "migrated/config.h"
#include "xtr/config.h"

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* key is a whole word of a line in bold (.B, .BR, .BI) of the page */
static bool
in_bold(const char *page, const char *key)
{
	const char	*p, *line;
	size_t		 n = strlen(key);

	for (p = strstr(page, key); p != NULL; p = strstr(p + 1, key)) {
		if ((p > page && is_word(p[-1])) || is_word(p[n]))
			continue;
		for (line = p; line > page && line[-1] != '\n'; line--)
			;
		if (strncmp(line, ".B", 2) == 0)	/* .B .BR .BI */
			return true;
	}
	return false;
}

static void
check(const char *man, const struct cfg_key *keys, size_t nkeys)
{
	char	 path[512], *page;
	FILE	*f;
	long	 len;
	size_t	 i;

	snprintf(path, sizeof(path), "%s/man/%s", getenv("SRCDIR") ?
	    getenv("SRCDIR") : ".", man);
	assert_non_null(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	assert_non_null(page = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(page, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (i = 0; i < nkeys; i++) {
		if (keys[i].doc == NULL || keys[i].doc[0] == '\0')
			fail_msg("%s: key %s has no doc line", man, keys[i].name);
		if (!in_bold(page, keys[i].name))
			fail_msg("%s does not name key %s", man, keys[i].name);
	}
	free(page);
}

static void
test_xtrd_conf(void **state)
{
	const struct cfg_key	*k;
	size_t			 n;

	(void)state;
	k = xc_key_table(&n);
	check("xtrd.conf.5", k, n);
	check("xtrd.conf.5", dp_conf_keys, DP_CONF_NKEYS);
}

static void
test_migrated_conf(void **state)
{
	const struct cfg_key	*k;
	size_t			 n;

	(void)state;
	k = conf_key_table(&n);
	check("migrated.conf.5", k, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xtrd_conf),
		cmocka_unit_test(test_migrated_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
