/* cfgkey.c: the key table parser and printer, see cfgkey.h. */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cfgkey.h"

#define AT(obj, off, type)	((type *)(void *)((char *)(obj) + (off)))
#define CAT(obj, off, type)	\
	((const type *)(const void *)((const char *)(obj) + (off)))

/* --- the list grammar ----------------------------------------------------- */

void
cfg_list_open(struct cfg_list *ls, const struct cfg_line *l, const char *key)
{
	ls->key = key;
	ls->line = l->lineno;
	ls->open = true;
	ls->comma = false;
}

static bool
is_tok(const struct cfg_line *l, int i, const char *s)
{
	return !l->quoted[i] && strcmp(l->tok[i], s) == 0;
}

int
cfg_list_items(struct cfg_parser *cp, struct cfg_line *l, int *i,
    struct cfg_list *ls, cfg_item_fn item, void *arg)
{
	const char	*t;

	for (; *i < l->ntok; (*i)++) {
		t = l->tok[*i];
		if (is_tok(l, *i, "]")) {
			ls->open = false;
			(*i)++;
			return 0;
		}
		if (is_tok(l, *i, ",")) {
			if (!ls->comma)
				return cfg_error(cp, l, t, "empty list element at");
			ls->comma = false;
			continue;
		}
		if (is_tok(l, *i, "=") || is_tok(l, *i, "["))
			return cfg_error(cp, l, t, "unexpected");
		if (ls->comma)
			return cfg_error(cp, l, t, "missing ',' before");
		if (*t == '\0')
			return cfg_error(cp, l, t, "empty list element");
		if (item(cp, l, t, arg) == -1)
			return -1;
		ls->comma = true;
	}
	return 0;
}

int
cfg_list_unclosed(struct cfg_parser *cp, struct cfg_list *ls)
{
	struct cfg_line	l;

	memset(&l, 0, sizeof(l));
	l.lineno = ls->line;
	ls->open = false;
	return cfg_error(cp, &l, ls->key, "list not closed with ']' for");
}

/* --- one value of one key ------------------------------------------------- */

/* "a, b or c" */
static const char *
word_list(const struct cfg_key *k, char *buf, size_t len)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; k->names[i] != NULL; i++)
		n += (size_t)snprintf(buf + (n < len ? n : len),
		    n < len ? len - n : 0, "%s%s", i == 0 ? "" :
		    k->names[i + 1] == NULL ? " or " : ", ", k->names[i]);
	return buf;
}

static int
find_word(const struct cfg_key *k, const char *v)
{
	int	i;

	for (i = 0; k->names[i] != NULL; i++)
		if (strcmp(k->names[i], v) == 0)
			return i;
	return -1;
}

/* a user or group name as useradd/groupadd take it */
static bool
bad_name(const char *v, size_t max)
{
	if (strlen(v) >= max || *v == '-')
		return true;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != strlen(v);
}

static bool
bad_ifname(const char *v, size_t max)
{
	return *v == '\0' || strlen(v) >= max || strpbrk(v, "/ \t") != NULL ||
	    strcmp(v, ".") == 0 || strcmp(v, "..") == 0;
}

static int
set_string(struct cfg_key_ctx *x, char *dst, const char *v)
{
	const struct cfg_key	*k = x->k;
	char			 words[256];

	switch (k->type) {
	case CK_STR:
		if (*v == '\0' || strlen(v) >= k->size)
			return cfg_error(x->cp, x->l, v, "%s must be 1 to %zu "
			    "bytes, not", k->name, k->size - 1);
		break;
	case CK_PATH:
		if (v[0] != '/' || strlen(v) + k->min >= k->size)
			return cfg_error(x->cp, x->l, v, "%s must be an absolute "
			    "path shorter than %zu bytes, not", k->name,
			    k->size - k->min);
		break;
	case CK_NAME:
		if ((*v == '\0' && !(k->flags & CK_EMPTY_OK)) ||
		    bad_name(v, k->size))
			return cfg_error(x->cp, x->l, v, "%s must be a %s name, "
			    "not", k->name, k->what);
		break;
	case CK_IFNAME:
		if (bad_ifname(v, k->size))
			return cfg_error(x->cp, x->l, v, "bad interface name");
		break;
	default:	/* CK_WORD */
		if (find_word(k, v) == -1)
			return cfg_error(x->cp, x->l, v, "%s must be %s, not",
			    k->name, word_list(k, words, sizeof(words)));
		break;
	}
	snprintf(dst, k->size, "%s", v);
	return 0;
}

static int
add_addr(struct cfg_key_ctx *x, void *obj, const char *v)
{
	const struct cfg_key	*k = x->k;
	struct ipaddr		*arr = AT(obj, k->off, struct ipaddr);
	int			*n = AT(obj, k->count - 1, int);
	struct ipaddr		 a;
	int			 i;

	if (ipaddr_parse(v, &a) == -1)
		return cfg_error(x->cp, x->l, v, "bad %s address", k->what);
	for (i = 0; i < *n; i++)
		if (ipaddr_cmp(&arr[i], &a) == 0)
			return cfg_error(x->cp, x->l, v, "duplicate address");
	if ((unsigned long)*n >= k->max)
		return cfg_error(x->cp, x->l, v, "too many addresses");
	arr[(*n)++] = a;
	return 0;
}

/* An address with its subnet length (host bits kept), or a prefix. */
static int
parse_prefix(struct cfg_key_ctx *x, const char *v, struct ipprefix *p)
{
	struct ipprefix	chk;
	char		buf[IPPREFIX_STRLEN], *slash;
	unsigned long	plen;

	if (x->k->flags & CK_HOSTBITS) {
		if (strlen(v) >= sizeof(buf))
			return cfg_error(x->cp, x->l, v, "bad address/length");
		strcpy(buf, v);
		if ((slash = strchr(buf, '/')) == NULL)
			return cfg_error(x->cp, x->l, v, "bad address/length");
		*slash++ = '\0';
		if (ipaddr_parse(buf, &p->addr) == -1 || cfg_uint(slash, 1,
		    (unsigned long)ipaddr_maxplen(p->addr.af), &plen) == -1)
			return cfg_error(x->cp, x->l, v, "bad address/length");
		p->plen = (uint8_t)plen;
		return 0;
	}
	if (ipprefix_parse(v, p) == -1)
		return cfg_error(x->cp, x->l, v, "bad prefix");
	chk = *p;
	ipprefix_mask(&chk);
	if (ipprefix_cmp(&chk, p) != 0)
		return cfg_error(x->cp, x->l, v, "prefix has host bits");
	return 0;
}

static int
add_prefix(struct cfg_key_ctx *x, void *obj, const char *v)
{
	const struct cfg_key	*k = x->k;
	struct ipprefix		*arr = AT(obj, k->off, struct ipprefix);
	int			*n = AT(obj, k->count - 1, int);
	struct ipprefix		 p;
	struct ipaddr		 a;
	int			 i;

	if ((k->flags & CK_ADDR_OK) && strchr(v, '/') == NULL) {
		if (ipaddr_parse(v, &a) == -1)
			return cfg_error(x->cp, x->l, v,
			    "bad address or prefix");
		ipprefix_host(&a, &p);
		for (i = 0; i < *n; i++)
			if (ipprefix_cmp(&arr[i], &p) == 0)
				return cfg_error(x->cp, x->l, v,
				    "duplicate address");
		if ((unsigned long)*n >= k->max)
			return cfg_error(x->cp, x->l, v, "too many addresses");
		arr[(*n)++] = p;
		return 0;
	}
	if (parse_prefix(x, v, &p) == -1)
		return -1;
	for (i = 0; i < *n; i++)
		if (ipprefix_cmp(&arr[i], &p) == 0)
			return cfg_error(x->cp, x->l, v, "duplicate prefix");
	if ((unsigned long)*n >= k->max)
		return cfg_error(x->cp, x->l, v, "too many prefixes");
	arr[(*n)++] = p;
	return 0;
}

int
cfg_key_set(struct cfg_key_ctx *x, void *obj, const char *v)
{
	if (x->k->set != NULL)
		return x->k->set(x, obj, v);
	return cfg_key_set_type(x, obj, v);
}

int
cfg_key_set_type(struct cfg_key_ctx *x, void *obj, const char *v)
{
	const struct cfg_key	*k = x->k;
	unsigned long		 u;
	char			 words[256];
	int			 b, w;

	switch (k->type) {
	case CK_BOOL:
		if (cfg_bool(v, &b) == -1)
			return cfg_error(x->cp, x->l, v, "%s must be %s, not",
			    k->name, k->flags & CK_ONOFF ? "on or off" :
			    "yes or no");
		*AT(obj, k->off, bool) = b;
		return 0;
	case CK_UINT:
		if (cfg_uint(v, k->min, k->max, &u) == -1)
			return cfg_error(x->cp, x->l, v, "expected a number in "
			    "[%lu, %lu], not", k->min, k->max);
		*AT(obj, k->off, uint32_t) = (uint32_t)u;
		return 0;
	case CK_ENUM:
		if ((w = find_word(k, v)) == -1)
			return cfg_error(x->cp, x->l, v, "%s must be %s, not",
			    k->name, word_list(k, words, sizeof(words)));
		*AT(obj, k->off, int) = k->values[w];
		return 0;
	case CK_ADDRS:
		return add_addr(x, obj, v);
	case CK_PREFIXES:
		return add_prefix(x, obj, v);
	case CK_CUSTOM:
		return cfg_error(x->cp, x->l, k->name, "no setter for");
	default:
		return set_string(x, AT(obj, k->off, char), v);
	}
}

/* --- the parser ----------------------------------------------------------- */

void
cfg_key_defaults(const struct cfg_key *keys, size_t n, void *obj)
{
	const struct cfg_key	*k;

	for (k = keys; k < keys + n; k++)
		switch (k->type) {
		case CK_BOOL:
			*AT(obj, k->off, bool) = k->def != 0;
			break;
		case CK_UINT:
			*AT(obj, k->off, uint32_t) = (uint32_t)k->def;
			break;
		case CK_ENUM:
			*AT(obj, k->off, int) = (int)k->def;
			break;
		case CK_STR: case CK_PATH: case CK_NAME: case CK_IFNAME:
		case CK_WORD:
			snprintf(AT(obj, k->off, char), k->size, "%s",
			    k->sdef != NULL ? k->sdef : "");
			break;
		case CK_ADDRS: case CK_PREFIXES:
			*AT(obj, k->count - 1, int) = 0;
			break;
		case CK_CUSTOM:
			break;
		}
}

int
cfg_key_init(struct cfg_key_parse *p, const struct cfg_key_table *tabs,
    int ntab, void *conf, unsigned flags)
{
	size_t	total = 0;
	int	t;

	memset(p, 0, sizeof(*p));
	p->tabs = tabs;
	p->ntab = ntab;
	p->conf = conf;
	p->flags = flags;
	for (t = 0; t < ntab; t++) {
		cfg_key_defaults(tabs[t].keys, tabs[t].nkeys,
		    (char *)conf + tabs[t].base);
		total += tabs[t].nkeys;
	}
	if ((p->key_line = calloc(total + 1, sizeof(int))) == NULL)
		return -1;
	return 0;
}

void
cfg_key_free(struct cfg_key_parse *p)
{
	free(p->key_line);
	p->key_line = NULL;
}

const struct cfg_key *
cfg_key_find(const struct cfg_key *keys, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* The key, its index over all tables and its table's struct. */
static const struct cfg_key *
lookup(const struct cfg_key_parse *p, const char *name, int *idx, void **obj)
{
	const struct cfg_key	*k;
	int			 t, base = 0;

	for (t = 0; t < p->ntab; t++) {
		k = cfg_key_find(p->tabs[t].keys, p->tabs[t].nkeys, name);
		if (k != NULL) {
			*idx = base + (int)(k - p->tabs[t].keys);
			*obj = (char *)p->conf + p->tabs[t].base;
			return k;
		}
		base += (int)p->tabs[t].nkeys;
	}
	return NULL;
}

struct item_arg {
	const struct cfg_key	*k;
	void			*obj;
};

/* One value: the key's line (for the checks across keys, which run
 * whatever else failed), its type's parse, and, once that worked, its
 * given flag. */
static int
set_item(struct cfg_parser *cp, struct cfg_line *l, const char *v, void *arg)
{
	struct item_arg		*ia = arg;
	struct cfg_key_ctx	 x = { cp, l, ia->k };

	if (ia->k->line != 0 && *AT(ia->obj, ia->k->line - 1, int) == 0)
		*AT(ia->obj, ia->k->line - 1, int) = l->lineno;
	if (cfg_key_set(&x, ia->obj, v) == -1)
		return -1;
	if (ia->k->given != 0)
		*AT(ia->obj, ia->k->given - 1, bool) = true;
	return 0;
}

/* The list's items from tok[i] on; after an error the list ends if this
 * line closes it, else it goes on with the next line (one bad item, one
 * error). */
static int
list_line(struct cfg_parser *cp, struct cfg_line *l, struct cfg_key_parse *p,
    int from)
{
	struct item_arg	ia = { p->list_key, p->list_obj };
	int		i = from;

	if (cfg_list_items(cp, l, &i, &p->list, set_item, &ia) == -1) {
		p->list.comma = false;
		for (i = from; i < l->ntok; i++)
			if (is_tok(l, i, "]"))
				p->list.open = false;
		return -1;
	}
	if (!p->list.open && i < l->ntok)
		return cfg_error(cp, l, l->tok[i], "unexpected after ']':");
	return 0;
}

int
cfg_key_parse_line(struct cfg_parser *cp, struct cfg_line *l,
    struct cfg_key_parse *p)
{
	const struct cfg_key	*k;
	struct item_arg		 ia;
	int			 idx;

	if (p->list.open)
		return list_line(cp, l, p, 0);
	if (l->quoted[0] || (k = lookup(p, l->tok[0], &idx, &ia.obj)) == NULL)
		return cfg_error(cp, l, l->tok[0], "unknown key");
	if (l->ntok < 3 || strcmp(l->tok[1], "=") != 0 ||
	    (l->quoted[1] && !(p->flags & CK_P_EQ_QUOTED)))
		return cfg_error(cp, l, l->ntok < 2 ? l->tok[0] : l->tok[1],
		    "expected 'key = value' at");
	if (p->key_line[idx] != 0 && !(p->flags & CK_P_DUP_OK))
		return cfg_error(cp, l, l->tok[0], "duplicate key");
	p->key_line[idx] = l->lineno;
	ia.k = k;
	if (is_tok(l, 2, "[")) {
		if (!(k->flags & CK_LIST))
			return cfg_error(cp, l, l->tok[0],
			    "expected a single value for");
		cfg_list_open(&p->list, l, k->name);
		p->list_key = k;
		p->list_obj = ia.obj;
		return list_line(cp, l, p, 3);
	}
	if (l->ntok > 3)
		return cfg_error(cp, l, l->tok[3], "unexpected");
	if (is_tok(l, 2, "]") || is_tok(l, 2, ",") || is_tok(l, 2, "="))
		return cfg_error(cp, l, l->tok[2], "unexpected");
	return set_item(cp, l, l->tok[2], &ia);
}

int
cfg_key_line(struct cfg_parser *cp, struct cfg_line *l, void *arg)
{
	return cfg_key_parse_line(cp, l, arg);
}

int
cfg_key_end(struct cfg_parser *cp, struct cfg_key_parse *p)
{
	if (p->list.open)
		cfg_list_unclosed(cp, &p->list);
	return cp->errors;
}

int
cfg_key_given_line(const struct cfg_key_parse *p, const char *key)
{
	void	*obj;
	int	 idx;

	if (p->key_line == NULL || lookup(p, key, &idx, &obj) == NULL)
		return 0;
	return p->key_line[idx];
}

int
cfg_key_error(struct cfg_parser *cp, const struct cfg_key_parse *p,
    const char *key, const char *tok, const char *msg)
{
	struct cfg_line	l;

	memset(&l, 0, sizeof(l));
	l.lineno = cfg_key_given_line(p, key);
	return cfg_error(cp, &l, tok, "%s", msg);
}

/* --- the printer ---------------------------------------------------------- */

static bool
nondefault(const struct cfg_key *k, const void *obj)
{
	switch (k->type) {
	case CK_BOOL:
		return *CAT(obj, k->off, bool) != (k->def != 0);
	case CK_UINT:
		return *CAT(obj, k->off, uint32_t) != (uint32_t)k->def;
	case CK_ENUM:
		return *CAT(obj, k->off, int) != (int)k->def;
	case CK_ADDRS: case CK_PREFIXES:
		return *CAT(obj, k->count - 1, int) != 0;
	case CK_CUSTOM:
		return true;
	default:
		return strcmp(CAT(obj, k->off, char),
		    k->sdef != NULL ? k->sdef : "") != 0;
	}
}

static bool
shown(const struct cfg_key *keys, size_t n, const struct cfg_key *k,
    const void *obj)
{
	size_t	i;

	switch (k->show) {
	case CK_GIVEN:
		return *CAT(obj, k->given - 1, bool);
	case CK_NONDEF:
		if (k->group == 0)
			return nondefault(k, obj);
		for (i = 0; i < n; i++)
			if (keys[i].group == k->group &&
			    nondefault(&keys[i], obj))
				return true;
		return false;
	default:
		return true;
	}
}

void
cfg_key_print_list(FILE *f, const struct cfg_key *k, const void *obj)
{
	char	buf[IPPREFIX_STRLEN];
	int	i, n = *CAT(obj, k->count - 1, int);

	fprintf(f, "%s = [", k->name);
	for (i = 0; i < n; i++)
		fprintf(f, "%s '%s'", i ? "," : "", k->type == CK_ADDRS ?
		    ipaddr_fmt(CAT(obj, k->off, struct ipaddr) + i, buf,
		    sizeof(buf)) : ipprefix_fmt(CAT(obj, k->off,
		    struct ipprefix) + i, buf, sizeof(buf)));
	fprintf(f, " ]\n");
}

static void
print_word(FILE *f, const struct cfg_key *k, const char *w)
{
	fprintf(f, k->flags & CK_QUOTE ? "%s = \"%s\"\n" : "%s = %s\n",
	    k->name, w);
}

static void
print_one(FILE *f, const struct cfg_key *k, const void *obj)
{
	bool	b;
	int	i;

	if (k->print != NULL) {
		k->print(f, k, obj);
		return;
	}
	switch (k->type) {
	case CK_BOOL:
		b = *CAT(obj, k->off, bool);
		if (k->flags & CK_ONOFF)
			fprintf(f, "%s = \"%s\"\n", k->name, b ? "on" : "off");
		else
			fprintf(f, "%s = %s\n", k->name, b ? "yes" : "no");
		break;
	case CK_UINT:
		fprintf(f, "%s = %u\n", k->name, *CAT(obj, k->off, uint32_t));
		break;
	case CK_ENUM:
		for (i = 0; k->names[i] != NULL; i++)
			if (k->values[i] == *CAT(obj, k->off, int))
				break;
		print_word(f, k, k->names[i] != NULL ? k->names[i] : "?");
		break;
	case CK_WORD:
		print_word(f, k, CAT(obj, k->off, char));
		break;
	case CK_ADDRS: case CK_PREFIXES:
		cfg_key_print_list(f, k, obj);
		break;
	case CK_CUSTOM:
		break;
	default:
		fprintf(f, "%s = \"%s\"\n", k->name, CAT(obj, k->off, char));
		break;
	}
}

void
cfg_key_print(FILE *f, const struct cfg_key *keys, size_t n, const void *obj)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (shown(keys, n, &keys[i], obj))
			print_one(f, &keys[i], obj);
}
