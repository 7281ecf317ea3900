/* config.c: the migrated.conf parser, see config.h: its key table
 * (common/cfgkey.h), the bridge and vm lines, and -nv's printer (init /
 * line / finish, after wireguard-tools' config.c). */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cfgkey.h"
#include "config.h"

static const char *const hv_names[] = { "auto", "xenstore", "libxl", NULL };
static const char *const reg_at_names[] = { "rename", "arrival", NULL };
static const int reg_at_values[] = { REG_AT_RENAME, REG_AT_ARRIVAL };

#define C(f)	offsetof(struct mig_conf, f)
#define UINT(n, f, lo, hi, d, txt)					\
	CK_UINT_KEY(struct mig_conf, n, f, lo, hi, d, CK_ALWAYS, txt)

/* The key = value lines, in the order -nv prints them. */
static const struct cfg_key conf_keys[] = {
	{ .name = "socket", .type = CK_PATH, .off = C(socket),
	  .size = CONF_PATH_MAX, .sdef = "/run/migrated/migrated.sock",
	  .show = CK_ALWAYS, .doc = "migrated's API socket" },
	{ .name = "xtrd_socket", .type = CK_PATH, .off = C(xtrd_socket),
	  .size = CONF_PATH_MAX, .sdef = "/run/xtrd/xtrd.sock",
	  .show = CK_ALWAYS, .doc = "the local xtrd's API socket" },
	{ .name = "hypervisor", .type = CK_WORD, .off = C(hypervisor),
	  .size = sizeof(((struct mig_conf *)0)->hypervisor), .names = hv_names,
	  .sdef = "auto", .show = CK_ALWAYS,
	  .doc = "where domain facts come from: auto, xenstore or libxl" },
	/* a POSIX portable user name; "" or "root": stay root */
	{ .name = "user", .type = CK_NAME, .flags = CK_EMPTY_OK, .off = C(user),
	  .size = sizeof(((struct mig_conf *)0)->user), .what = "user",
	  .sdef = "migrated", .show = CK_ALWAYS,
	  .doc = "who migrated runs as once started" },
	UINT("priority", priority, 0, 255, 1,
	    "the priority of the EIDs migrated adds"),
	UINT("weight", weight, 0, 255, 100, "the weight of the EIDs it adds"),
	UINT("ttl", ttl, 1, 0xffffffffUL, 1440,
	    "minutes: the TTL of the EIDs it adds"),
	UINT("notify_wait_ms", notify_wait_ms, 0, 60000, 500,
	    "SMRs wait this long at most for the Map-Notify"),
	UINT("heartbeat_ms", heartbeat_ms, 50, 600000, 1000,
	    "how often xtrd's status is checked"),
	{ .name = "register_at", .type = CK_ENUM, .off = C(register_at),
	  .names = reg_at_names, .values = reg_at_values,
	  .def = REG_AT_RENAME, .show = CK_ALWAYS,
	  .doc = "an incoming guest's EIDs are registered at its rename or at "
	  "its arrival" },
};

const struct cfg_key *
conf_key_table(size_t *n)
{
	*n = CK_NKEYS(conf_keys);
	return conf_keys;
}

void
conf_defaults(struct mig_conf *c)
{
	memset(c, 0, sizeof(*c));
	cfg_key_defaults(conf_keys, CK_NKEYS(conf_keys), c);
}

const char *
conf_register_at_name(enum register_at r)
{
	return r == REG_AT_ARRIVAL ? "arrival" : "rename";
}

int
conf_is_uuid(const char *s)
{
	int	i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

const struct conf_bridge *
conf_bridge_find(const struct mig_conf *c, const char *name)
{
	int	i;

	for (i = 0; i < c->nbridge; i++)
		if (strcmp(c->bridges[i].name, name) == 0)
			return &c->bridges[i];
	return NULL;
}

/* A Xen domain name: printable, no '/', no blanks. */
static int
valid_name(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > CONF_NAMELEN)
		return 0;
	for (; *s != '\0'; s++)
		if (!isgraph((unsigned char)*s) || *s == '/')
			return 0;
	return 1;
}

static int
valid_ifname(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n >= CONF_IFNAMSIZ)
		return 0;
	for (; *s != '\0'; s++)
		if (!isgraph((unsigned char)*s) || *s == '/' || *s == ':')
			return 0;
	return 1;
}

/*
 * The value list starting at tok[*i] of option key: a single token or
 * "[ a , b ]" (cfg_list_items' grammar, on this line).  Calls add() for
 * each element; returns 0 or -1 (reported).
 */
static int
parse_list(struct cfg_parser *cp, struct cfg_line *l, int *i, const char *key,
    cfg_item_fn add, void *arg)
{
	struct cfg_list	ls;
	int		j = *i;

	if (j >= l->ntok)
		return cfg_error(cp, l, l->tok[j - 1], "missing value after");
	if (strcmp(l->tok[j], "[") != 0 || l->quoted[j]) {
		*i = j + 1;
		return add(cp, l, l->tok[j], arg);
	}
	cfg_list_open(&ls, l, key);
	*i = j + 1;
	if (cfg_list_items(cp, l, i, &ls, add, arg) == -1)
		return -1;
	if (ls.open)
		return cfg_list_unclosed(cp, &ls);
	return 0;
}

struct pstate {
	struct mig_conf		*conf;
	void			*cur;	/* the bridge or vm being filled */
	struct cfg_key_parse	 keys;	/* the key = value lines */
};

static int
add_range(struct cfg_parser *cp, struct cfg_line *l, const char *tok,
    void *arg)
{
	struct pstate		*ps = arg;
	struct conf_bridge	*b = ps->cur;
	struct ipprefix		 p;
	int			 i, k;

	if (ipprefix_parse(tok, &p) == -1)
		return cfg_error(cp, l, tok, "bad prefix (host bits set?)");
	if (b->ndyn >= CONF_MAXRANGE)
		return cfg_error(cp, l, tok, "too many dynamic ranges");
	for (k = 0; k < ps->conf->nbridge; k++) {
		const struct conf_bridge *o = &ps->conf->bridges[k];
		for (i = 0; i < o->ndyn; i++)
			if (ipprefix_covers(&o->dyn[i], &p) ||
			    ipprefix_covers(&p, &o->dyn[i]))
				return cfg_error(cp, l, tok,
				    "dynamic range overlaps another");
	}
	for (i = 0; i < b->ndyn; i++)
		if (ipprefix_covers(&b->dyn[i], &p) ||
		    ipprefix_covers(&p, &b->dyn[i]))
			return cfg_error(cp, l, tok,
			    "dynamic range overlaps another");
	b->dyn[b->ndyn++] = p;
	return 0;
}

static int
add_eid(struct cfg_parser *cp, struct cfg_line *l, const char *tok, void *arg)
{
	struct pstate	*ps = arg;
	struct conf_vm	*vm = ps->cur;
	struct ipprefix	 p;
	int		 i, k;

	if (ipprefix_parse(tok, &p) == -1)
		return cfg_error(cp, l, tok, "bad address");
	if (p.plen != ipaddr_maxplen(p.addr.af))
		return cfg_error(cp, l, tok, "an EID is a host address");
	if (vm->neid >= CONF_MAXEID)
		return cfg_error(cp, l, tok, "too many EIDs for one vm");
	for (k = 0; k < ps->conf->nvm; k++)
		for (i = 0; i < ps->conf->vms[k].neid; i++)
			if (ipaddr_cmp(&ps->conf->vms[k].eid[i], &p.addr) == 0)
				return cfg_error(cp, l, tok,
				    "EID already belongs to vm '%s':",
				    ps->conf->vms[k].key);
	for (i = 0; i < vm->neid; i++)
		if (ipaddr_cmp(&vm->eid[i], &p.addr) == 0)
			return cfg_error(cp, l, tok, "duplicate EID");
	vm->eid[vm->neid++] = p.addr;
	return 0;
}

static int
key_bridge(struct cfg_parser *cp, struct cfg_line *l, struct pstate *ps)
{
	struct mig_conf		*c = ps->conf;
	struct conf_bridge	 b;
	int			 i = 2;

	if (l->ntok < 2)
		return cfg_error(cp, l, l->tok[0], "missing bridge name after");
	if (!valid_ifname(l->tok[1]))
		return cfg_error(cp, l, l->tok[1], "bad interface name");
	if (conf_bridge_find(c, l->tok[1]) != NULL)
		return cfg_error(cp, l, l->tok[1], "bridge listed twice");
	if (c->nbridge >= CONF_MAXBRIDGE)
		return cfg_error(cp, l, l->tok[1], "too many bridges");
	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", l->tok[1]);
	ps->cur = &b;
	while (i < l->ntok) {
		if (strcmp(l->tok[i], "dynamic") != 0)
			return cfg_error(cp, l, l->tok[i], "unknown option");
		if (i + 1 >= l->ntok || strcmp(l->tok[i + 1], "=") != 0)
			return cfg_error(cp, l, l->tok[i], "missing '=' after");
		i += 2;
		if (parse_list(cp, l, &i, "dynamic", add_range, ps) == -1)
			return -1;
	}
	c->bridges[c->nbridge++] = b;
	return 0;
}

static int
key_vm(struct cfg_parser *cp, struct cfg_line *l, struct pstate *ps)
{
	struct mig_conf	*c = ps->conf;
	struct conf_vm	*vm;
	int		 i = 2, k;

	if (l->ntok < 2)
		return cfg_error(cp, l, l->tok[0], "missing vm name after");
	if (!valid_name(l->tok[1]))
		return cfg_error(cp, l, l->tok[1], "bad vm name");
	for (k = 0; k < c->nvm; k++)
		if (strcasecmp(c->vms[k].key, l->tok[1]) == 0)
			return cfg_error(cp, l, l->tok[1], "vm listed twice");
	if (c->nvm >= CONF_MAXVM)
		return cfg_error(cp, l, l->tok[1], "too many vms");
	vm = &c->vms[c->nvm];
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->key, sizeof(vm->key), "%s", l->tok[1]);
	vm->is_uuid = conf_is_uuid(vm->key);
	ps->cur = vm;
	while (i < l->ntok) {
		if (strcmp(l->tok[i], "eids") != 0)
			return cfg_error(cp, l, l->tok[i], "unknown option");
		if (i + 1 >= l->ntok || strcmp(l->tok[i + 1], "=") != 0)
			return cfg_error(cp, l, l->tok[i], "missing '=' after");
		i += 2;
		if (parse_list(cp, l, &i, "eids", add_eid, ps) == -1)
			return -1;
	}
	if (vm->neid == 0)
		return cfg_error(cp, l, l->tok[1], "vm without eids");
	c->nvm++;
	return 0;
}

static int
line_cb(struct cfg_parser *cp, struct cfg_line *l, void *arg)
{
	struct pstate	*ps = arg;

	if (l->quoted[0])
		return cfg_error(cp, l, l->tok[0], "a keyword is not quoted:");
	if (strcmp(l->tok[0], "bridge") == 0)
		return key_bridge(cp, l, ps);
	if (strcmp(l->tok[0], "vm") == 0)
		return key_vm(cp, l, ps);
	return cfg_key_parse_line(cp, l, &ps->keys);
}

static int
finish(struct cfg_parser *cp, struct mig_conf *c)
{
	if (c->nbridge == 0)
		return cfg_error(cp, NULL, NULL, "no bridge to watch");
	return 0;
}

/* migrated.conf keeps a key given twice (the second value) and a quoted
 * '=', as its parser always did */
static int
parse(struct cfg_parser *cp, const char *text, size_t len, struct mig_conf *c)
{
	struct cfg_key_table	tab = { conf_keys, CK_NKEYS(conf_keys), 0 };
	struct pstate		ps = { c, NULL, { 0 } };
	int			n;

	conf_defaults(c);
	if (cfg_key_init(&ps.keys, &tab, 1, c, CK_P_DUP_OK |
	    CK_P_EQ_QUOTED) == -1)
		return -1;
	if (text != NULL)
		n = cfg_read_text(cp, text, len, line_cb, &ps);
	else
		n = cfg_read_file(cp, cp->file, line_cb, &ps);
	cfg_key_free(&ps.keys);
	if (n == -1)
		return -1;
	if (cp->errors == 0)
		finish(cp, c);
	return cp->errors;
}

int
conf_parse_file(const char *path, struct mig_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { path, 0, errf };

	return parse(&cp, NULL, 0, c);
}

int
conf_parse_text(const char *name, const char *text, size_t len,
    struct mig_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { name, 0, errf };

	return parse(&cp, text != NULL ? text : "", len, c);
}

static void
print_addrs(FILE *f, const char *key, const struct ipaddr *a, int n)
{
	char	buf[IPADDR_STRLEN];
	int	i;

	fprintf(f, " %s = [", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s \"%s\"", i ? "," : "",
		    ipaddr_fmt(&a[i], buf, sizeof(buf)));
	fprintf(f, " ]");
}

void
conf_print(FILE *f, const struct mig_conf *c)
{
	char	buf[IPPREFIX_STRLEN];
	int	i, j;

	cfg_key_print(f, conf_keys, CK_NKEYS(conf_keys), c);
	for (i = 0; i < c->nbridge; i++) {
		const struct conf_bridge *b = &c->bridges[i];

		fprintf(f, "bridge \"%s\"", b->name);
		if (b->ndyn > 0) {
			fprintf(f, " dynamic = [");
			for (j = 0; j < b->ndyn; j++)
				fprintf(f, "%s \"%s\"", j ? "," : "",
				    ipprefix_fmt(&b->dyn[j], buf, sizeof(buf)));
			fprintf(f, " ]");
		}
		fprintf(f, "\n");
	}
	for (i = 0; i < c->nvm; i++) {
		fprintf(f, "vm \"%s\"", c->vms[i].key);
		print_addrs(f, "eids", c->vms[i].eid, c->vms[i].neid);
		fprintf(f, "\n");
	}
}
