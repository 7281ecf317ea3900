/* test_cfgkey.c: the common key table (common/cfgkey.h): every type's
 * parse, default and print, the list grammar across lines, the one set of
 * error messages, and more keys than the 64 the parsers once had room
 * for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "cfgkey.h"

struct tconf {
	bool		flag;
	bool		onoff;
	uint32_t	num;
	uint32_t	g1, g2;
	char		str[8];
	char		path[16];
	char		user[8];
	char		ifname[16];
	int		mode;
	char		word[16];
	int		naddr;
	struct ipaddr	addr[3];
	int		npfx;
	struct ipprefix	pfx[3];
	int		nhost;
	struct ipprefix	host[3];
	bool		num_given;
	int		num_line;
	uint32_t	custom;
	uint32_t	even;
	uint32_t	many[70];
};

static const char *const modes[] = { "low", "mid", "high", NULL };
static const int mode_val[] = { 1, 2, 4 };
static const char *const words[] = { "auto", "xenstore", NULL };

static int
set_custom(struct cfg_key_ctx *x, void *obj, const char *v)
{
	if (strcmp(v, "magic") != 0)
		return cfg_error(x->cp, x->l, v, "not magic:");
	((struct tconf *)obj)->custom = 42;
	return 0;
}

/* a typed key with a check of its own before its type's parse */
static int
set_even(struct cfg_key_ctx *x, void *obj, const char *v)
{
	unsigned long	n;

	if (cfg_uint(v, 0, 100, &n) == 0 && n % 2 == 1)
		return cfg_error(x->cp, x->l, v, "even must be even, not");
	return cfg_key_set_type(x, obj, v);
}

static void
print_custom(FILE *f, const struct cfg_key *k, const void *obj)
{
	fprintf(f, "%s = %s\n", k->name,
	    ((const struct tconf *)obj)->custom ? "magic" : "plain");
}

#define T(f)	offsetof(struct tconf, f)
static const struct cfg_key keys[] = {
	{ .name = "flag", .type = CK_BOOL, .off = T(flag), .def = 1,
	  .show = CK_ALWAYS, .doc = "a yes/no" },
	{ .name = "onoff", .type = CK_BOOL, .flags = CK_ONOFF, .off = T(onoff),
	  .show = CK_NONDEF, .doc = "an on/off" },
	{ .name = "num", .type = CK_UINT, .off = T(num), .min = 1, .max = 100,
	  .def = 7, .given = CK_AT(struct tconf, num_given),
	  .line = CK_AT(struct tconf, num_line), .show = CK_GIVEN,
	  .doc = "a number" },
	{ .name = "g1", .type = CK_UINT, .off = T(g1), .max = 9, .def = 1,
	  .show = CK_NONDEF, .group = 1, .doc = "group member" },
	{ .name = "g2", .type = CK_UINT, .off = T(g2), .max = 9, .def = 2,
	  .show = CK_NONDEF, .group = 1, .doc = "group member" },
	{ .name = "str", .type = CK_STR, .off = T(str), .size = 8,
	  .show = CK_NONDEF, .doc = "a string" },
	{ .name = "path", .type = CK_PATH, .off = T(path), .size = 16, .min = 4,
	  .sdef = "/run/x", .show = CK_ALWAYS, .doc = "a path" },
	{ .name = "user", .type = CK_NAME, .flags = CK_EMPTY_OK, .off = T(user),
	  .size = 8, .what = "user", .show = CK_ALWAYS, .doc = "a user" },
	{ .name = "ifname", .type = CK_IFNAME, .off = T(ifname), .size = 16,
	  .sdef = "lisp0", .show = CK_NONDEF, .doc = "an interface" },
	{ .name = "mode", .type = CK_ENUM, .flags = CK_QUOTE, .off = T(mode),
	  .names = modes, .values = mode_val, .def = 2, .show = CK_ALWAYS,
	  .doc = "an enum" },
	{ .name = "word", .type = CK_WORD, .off = T(word), .size = 16,
	  .names = words, .sdef = "auto", .show = CK_ALWAYS, .doc = "a word" },
	{ .name = "addrs", .type = CK_ADDRS, .flags = CK_LIST, .off = T(addr),
	  .count = CK_AT(struct tconf, naddr), .max = 3, .what = "peer",
	  .show = CK_ALWAYS, .doc = "addresses" },
	{ .name = "pfx", .type = CK_PREFIXES, .flags = CK_LIST, .off = T(pfx),
	  .count = CK_AT(struct tconf, npfx), .max = 3, .show = CK_NONDEF,
	  .doc = "prefixes" },
	{ .name = "host", .type = CK_PREFIXES, .flags = CK_LIST | CK_ADDR_OK,
	  .off = T(host), .count = CK_AT(struct tconf, nhost), .max = 3,
	  .show = CK_NONDEF, .doc = "addresses or prefixes" },
	{ .name = "custom", .type = CK_CUSTOM, .set = set_custom,
	  .print = print_custom, .show = CK_ALWAYS, .doc = "a setter" },
	{ .name = "even", .type = CK_UINT, .off = T(even), .max = 100,
	  .set = set_even, .show = CK_NONDEF, .doc = "a check of its own" },
};

/* 70 more keys: the table has no limit of 64 */
static struct cfg_key	big[CK_NKEYS(keys) + 70];
static char		bignames[70][8];

static struct tconf	c;
static char		errbuf[2048];

static int
load_flags(const struct cfg_key *k, size_t n, const char *text,
    unsigned flags)
{
	struct cfg_key_table	tab = { k, n, 0 };
	struct cfg_parser	cp = { "t.conf", 0, NULL };
	struct cfg_key_parse	p;
	FILE			*f = fmemopen(errbuf, sizeof(errbuf), "w");

	memset(errbuf, 0, sizeof(errbuf));
	memset(&c, 0, sizeof(c));
	cp.errf = f;
	assert_int_equal(cfg_key_init(&p, &tab, 1, &c, flags), 0);
	cfg_read_text(&cp, text, strlen(text), cfg_key_line, &p);
	cfg_key_end(&cp, &p);
	cfg_key_free(&p);
	fclose(f);
	return cp.errors;
}

static int
load(const char *text)
{
	return load_flags(keys, CK_NKEYS(keys), text, 0);
}

static void
printed(char *out, size_t len)
{
	FILE	*f = fmemopen(out, len, "w");

	memset(out, 0, len);
	cfg_key_print(f, keys, CK_NKEYS(keys), &c);
	fclose(f);
}

static void
test_defaults_print(void **state)
{
	char	out[1024];

	(void)state;
	assert_int_equal(load(""), 0);
	assert_true(c.flag);
	assert_int_equal(c.num, 7);
	assert_int_equal(c.mode, 2);
	printed(out, sizeof(out));
	assert_string_equal(out,
	    "flag = yes\n"
	    "path = \"/run/x\"\n"
	    "user = \"\"\n"
	    "mode = \"mid\"\n"
	    "word = auto\n"
	    "addrs = [ ]\n"
	    "custom = plain\n");
}

static void
test_values(void **state)
{
	char	out[1024], again[1024];

	(void)state;
	assert_int_equal(load(
	    "flag = off\n"
	    "onoff = yes\n"
	    "num = \"100\"\n"
	    "g2 = 2\n"
	    "g1 = 3\n"
	    "str = 'abc'\n"
	    "path = /var/lib\n"
	    "user = nobody\n"
	    "ifname = xenbr0\n"
	    "mode = high\n"
	    "word = xenstore\n"
	    "addrs = [ '192.0.2.1',\n"
	    "  '2001:db8::1', ]\n"
	    "pfx = 10.0.0.0/8\n"
	    "host = [ 192.0.2.9, 10.1.0.0/16 ]\n"
	    "custom = magic\n"
	    "even = 4\n"), 0);
	assert_string_equal(errbuf, "");
	assert_int_equal(c.num_line, 3);
	assert_int_equal(c.mode, 4);
	assert_int_equal(c.naddr, 2);
	assert_int_equal(c.nhost, 2);
	assert_int_equal(c.host[0].plen, 32);
	printed(out, sizeof(out));
	assert_string_equal(out,
	    "flag = no\n"
	    "onoff = \"on\"\n"
	    "num = 100\n"
	    "g1 = 3\n"
	    "g2 = 2\n"
	    "str = \"abc\"\n"
	    "path = \"/var/lib\"\n"
	    "user = \"nobody\"\n"
	    "ifname = \"xenbr0\"\n"
	    "mode = \"high\"\n"
	    "word = xenstore\n"
	    "addrs = [ '192.0.2.1', '2001:db8::1' ]\n"
	    "pfx = [ '10.0.0.0/8' ]\n"
	    "host = [ '192.0.2.9/32', '10.1.0.0/16' ]\n"
	    "custom = magic\n"
	    "even = 4\n");
	/* what it prints parses back to the same text */
	assert_int_equal(load(out), 0);
	printed(again, sizeof(again));
	assert_string_equal(out, again);
}

struct bad {
	const char	*text;
	const char	*err;
};

static void
test_errors(void **state)
{
	static const struct bad bad[] = {
		{ "colour = 1\n", "t.conf:1: unknown key 'colour'\n" },
		{ "'num' = 1\n", "t.conf:1: unknown key 'num'\n" },
		{ "num 1\n", "t.conf:1: expected 'key = value' at '1'\n" },
		{ "num '=' 1\n", "t.conf:1: expected 'key = value' at '='\n" },
		{ "num = 1\nnum = 2\n", "t.conf:2: duplicate key 'num'\n" },
		{ "num = [ 1 ]\n", "t.conf:1: expected a single value for "
		  "'num'\n" },
		{ "num = 1 2\n", "t.conf:1: unexpected '2'\n" },
		{ "num = ,\n", "t.conf:1: unexpected ','\n" },
		{ "num = 0\n", "t.conf:1: expected a number in [1, 100], not "
		  "'0'\n" },
		{ "flag = maybe\n", "t.conf:1: flag must be yes or no, not "
		  "'maybe'\n" },
		{ "onoff = maybe\n", "t.conf:1: onoff must be on or off, not "
		  "'maybe'\n" },
		{ "str = ''\n", "t.conf:1: str must be 1 to 7 bytes, not ''\n" },
		{ "str = abcdefgh\n", "t.conf:1: str must be 1 to 7 bytes, not "
		  "'abcdefgh'\n" },
		{ "path = x\n", "t.conf:1: path must be an absolute path "
		  "shorter than 12 bytes, not 'x'\n" },
		{ "path = /aaaaaaaaaaa\n", "t.conf:1: path must be an absolute "
		  "path shorter than 12 bytes, not '/aaaaaaaaaaa'\n" },
		{ "user = -x\n", "t.conf:1: user must be a user name, not "
		  "'-x'\n" },
		{ "ifname = a/b\n", "t.conf:1: bad interface name 'a/b'\n" },
		{ "mode = top\n", "t.conf:1: mode must be low, mid or high, not "
		  "'top'\n" },
		{ "word = kvm\n", "t.conf:1: word must be auto or xenstore, not "
		  "'kvm'\n" },
		{ "addrs = [ 192.0.2.300 ]\n", "t.conf:1: bad peer address "
		  "'192.0.2.300'\n" },
		{ "addrs = [ 192.0.2.1, 192.0.2.1 ]\n", "t.conf:1: duplicate "
		  "address '192.0.2.1'\n" },
		{ "addrs = [ ::1, ::2, ::3, ::4 ]\n", "t.conf:1: too many "
		  "addresses '::4'\n" },
		{ "addrs = [ ::1 ::2 ]\n", "t.conf:1: missing ',' before "
		  "'::2'\n" },
		{ "addrs = [ , ::2 ]\n", "t.conf:1: empty list element at "
		  "','\n" },
		{ "addrs = [ '' ]\n", "t.conf:1: empty list element ''\n" },
		{ "addrs = [ = ]\n", "t.conf:1: unexpected '='\n" },
		{ "addrs = [ ::1 ] x\n", "t.conf:1: unexpected after ']': "
		  "'x'\n" },
		{ "addrs = [ ::1\n", "t.conf:1: list not closed with ']' for "
		  "'addrs'\n" },
		{ "pfx = 10.0.0.1/8\n", "t.conf:1: bad prefix '10.0.0.1/8'\n" },
		{ "pfx = 10.0.0.0/33\n", "t.conf:1: bad prefix '10.0.0.0/33'\n" },
		{ "host = [ 10.0.0.1, 10.0.0.1/32 ]\n", "t.conf:1: duplicate "
		  "prefix '10.0.0.1/32'\n" },
		{ "host = nowhere\n", "t.conf:1: bad address or prefix "
		  "'nowhere'\n" },
		{ "custom = x\n", "t.conf:1: not magic: 'x'\n" },
		{ "even = 3\n", "t.conf:1: even must be even, not '3'\n" },
		{ "even = 102\n", "t.conf:1: expected a number in [0, 100], "
		  "not '102'\n" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = load(bad[i].text);

		if (n != 1 || strcmp(errbuf, bad[i].err) != 0)
			fail_msg("case %zu: %d errors: %s", i, n, errbuf);
	}
}

/* After a bad item the list goes on: one error per bad item, and the
 * lines after it are keys again once the list closes. */
static void
test_list_recovery(void **state)
{
	(void)state;
	assert_int_equal(load("addrs = [ '192.0.2.1',\n"
	    "  'bad', '192.0.2.2',\n"
	    "  '192.0.2.3' ]\n"
	    "num = 0\n"), 2);
	assert_string_equal(errbuf, "t.conf:2: bad peer address 'bad'\n"
	    "t.conf:4: expected a number in [1, 100], not '0'\n");
	assert_int_equal(load("addrs = [ 'bad' ]\nnum = 5\n"), 1);
	assert_int_equal(c.num, 5);
}

static void
test_dup_ok(void **state)
{
	(void)state;
	assert_int_equal(load_flags(keys, CK_NKEYS(keys),
	    "num = 1\nnum = 2\nnum '=' 3\n", CK_P_DUP_OK | CK_P_EQ_QUOTED), 0);
	assert_int_equal(c.num, 3);
}

/* cfg_list_items alone, as migrated.conf's `vm a eids = [ ... ]` uses it:
 * tokens may follow the ']' */
static int
count_item(struct cfg_parser *cp, struct cfg_line *l, const char *item,
    void *arg)
{
	(void)cp;
	(void)l;
	(void)item;
	(*(int *)arg)++;
	return 0;
}

static void
test_list_alone(void **state)
{
	struct cfg_parser	cp = { "t.conf", 0, NULL };
	struct cfg_line		l;
	struct cfg_list		ls;
	int			i = 3, n = 0;

	(void)state;
	assert_int_equal(cfg_split(&cp, &l, 1, "x = [ a, b, ] y"), 0);
	cfg_list_open(&ls, &l, "x");
	assert_int_equal(cfg_list_items(&cp, &l, &i, &ls, count_item, &n), 0);
	assert_false(ls.open);
	assert_int_equal(n, 2);
	assert_int_equal(i, 8);
	assert_string_equal(l.tok[i], "y");
}

static void
test_many_keys(void **state)
{
	char	text[4096];
	size_t	i, n = 0;

	(void)state;
	memcpy(big, keys, sizeof(keys));
	for (i = 0; i < 70; i++) {
		struct cfg_key *k = &big[CK_NKEYS(keys) + i];

		snprintf(bignames[i], sizeof(bignames[i]), "k%zu", i);
		k->name = bignames[i];
		k->type = CK_UINT;
		k->off = offsetof(struct tconf, many) + i * sizeof(uint32_t);
		k->max = 1000;
		k->def = i;
		n += (size_t)snprintf(text + n, sizeof(text) - n, "k%zu = %zu\n",
		    i, i + 1);
	}
	snprintf(text + n, sizeof(text) - n, "k69 = 5\n");
	assert_int_equal(load_flags(big, CK_NKEYS(big), text, 0), 1);
	assert_string_equal(errbuf, "t.conf:71: duplicate key 'k69'\n");
	assert_int_equal(c.many[0], 1);
	assert_int_equal(c.many[69], 70);
}

/* each key has a doc line and a name no other key has */
static void
test_table(void **state)
{
	size_t	i, j;

	(void)state;
	for (i = 0; i < CK_NKEYS(keys); i++) {
		assert_non_null(keys[i].doc);
		for (j = i + 1; j < CK_NKEYS(keys); j++)
			assert_string_not_equal(keys[i].name, keys[j].name);
	}
	assert_ptr_equal(cfg_key_find(keys, CK_NKEYS(keys), "mode"),
	    &keys[9]);
	assert_null(cfg_key_find(keys, CK_NKEYS(keys), "nope"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_print),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_list_recovery),
		cmocka_unit_test(test_dup_ok),
		cmocka_unit_test(test_list_alone),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
