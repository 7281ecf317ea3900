/* fuzz_cfgkey.c: libFuzzer harness for the common key table parser
 * (common/cfgkey.h), over a table with a key of every type: any input is
 * refused with errors or accepted, and what is accepted prints to text
 * that parses back to the same text (as xtrd -nv and migrated -nv must).
 * Never a crash, a leak or a read past a buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cfgkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz {
	bool		b, b2, given;
	uint32_t	u, h1, h2;
	int		e, line;
	char		s[12], p[20], n[9], i[16], w[10];
	int		na, np, nh;
	struct ipaddr	a[4];
	struct ipprefix	pf[4], hb[4];
};

static const char *const ew[] = { "xtr", "ms", "both", NULL };
static const int ev[] = { 1, 2, 3 };
static const char *const ww[] = { "auto", "libxl", NULL };

#define F(x)	offsetof(struct fz, x)
static const struct cfg_key keys[] = {
	{ .name = "b", .type = CK_BOOL, .off = F(b), .def = 1,
	  .show = CK_NONDEF, .doc = "b" },
	{ .name = "b2", .type = CK_BOOL, .flags = CK_ONOFF, .off = F(b2),
	  .show = CK_ALWAYS, .doc = "b2" },
	{ .name = "u", .type = CK_UINT, .off = F(u), .min = 0, .max = 0xffffffff,
	  .given = CK_AT(struct fz, given), .line = CK_AT(struct fz, line),
	  .show = CK_GIVEN, .doc = "u" },
	{ .name = "h1", .type = CK_UINT, .off = F(h1), .max = 10, .def = 3,
	  .show = CK_NONDEF, .group = 1, .doc = "h1" },
	{ .name = "h2", .type = CK_UINT, .off = F(h2), .min = 5, .max = 10,
	  .def = 5, .show = CK_NONDEF, .group = 1, .doc = "h2" },
	{ .name = "e", .type = CK_ENUM, .off = F(e), .names = ew, .values = ev,
	  .def = 1, .flags = CK_QUOTE, .show = CK_ALWAYS, .doc = "e" },
	{ .name = "s", .type = CK_STR, .off = F(s), .size = 12,
	  .show = CK_NONDEF, .doc = "s" },
	{ .name = "p", .type = CK_PATH, .off = F(p), .size = 20, .min = 3,
	  .sdef = "/x", .show = CK_ALWAYS, .doc = "p" },
	{ .name = "n", .type = CK_NAME, .off = F(n), .size = 9, .what = "user",
	  .flags = CK_EMPTY_OK, .show = CK_NONDEF, .doc = "n" },
	{ .name = "i", .type = CK_IFNAME, .off = F(i), .size = 16,
	  .show = CK_NONDEF, .doc = "i" },
	{ .name = "w", .type = CK_WORD, .off = F(w), .size = 10, .names = ww,
	  .sdef = "auto", .show = CK_ALWAYS, .doc = "w" },
	{ .name = "a", .type = CK_ADDRS, .flags = CK_LIST, .off = F(a),
	  .count = CK_AT(struct fz, na), .max = 4, .what = "RLOC",
	  .show = CK_ALWAYS, .doc = "a" },
	{ .name = "pf", .type = CK_PREFIXES, .flags = CK_LIST | CK_ADDR_OK,
	  .off = F(pf), .count = CK_AT(struct fz, np), .max = 4,
	  .show = CK_NONDEF, .doc = "pf" },
	{ .name = "hb", .type = CK_PREFIXES, .flags = CK_LIST | CK_HOSTBITS,
	  .off = F(hb), .count = CK_AT(struct fz, nh), .max = 4,
	  .show = CK_ALWAYS, .doc = "hb" },
};

static int
parse(const char *text, size_t len, struct fz *c, FILE *errf)
{
	struct cfg_key_table	tab = { keys, CK_NKEYS(keys), 0 };
	struct cfg_parser	cp = { "fuzz", 0, errf };
	struct cfg_key_parse	p;

	memset(c, 0, sizeof(*c));
	if (cfg_key_init(&p, &tab, 1, c, 0) == -1)
		return -1;
	cfg_read_text(&cp, text, len, cfg_key_line, &p);
	cfg_key_end(&cp, &p);
	cfg_key_free(&p);
	return cp.errors;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE	*devnull;
	static struct fz c1, c2;
	char		*a = NULL, *b = NULL;
	size_t		 alen = 0, blen = 0;
	FILE		*f;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (parse((const char *)data, len, &c1, devnull) != 0)
		return 0;
	f = open_memstream(&a, &alen);
	cfg_key_print(f, keys, CK_NKEYS(keys), &c1);
	fclose(f);
	if (parse(a, alen, &c2, devnull) != 0)
		abort();
	f = open_memstream(&b, &blen);
	cfg_key_print(f, keys, CK_NKEYS(keys), &c2);
	fclose(f);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
