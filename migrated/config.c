/* config.c: the migrated.conf parser, see config.h (init / line / finish,
 * one small function per key, after wireguard-tools' config.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cfgline.h"
#include "config.h"

void
conf_defaults(struct mig_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s",
	    "/run/migrated/migrated.sock");
	snprintf(c->xtrd_socket, sizeof(c->xtrd_socket), "%s",
	    "/run/xtrd/xtrd.sock");
	snprintf(c->hypervisor, sizeof(c->hypervisor), "%s", "auto");
	snprintf(c->user, sizeof(c->user), "%s", "migrated");
	c->priority = 1;
	c->weight = 100;
	c->ttl = 1440;
	c->notify_wait_ms = 500;
	c->heartbeat_ms = 1000;
	c->register_at = REG_AT_RENAME;
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
 * The value list starting at tok[*i]: a single token or "[ a , b ]".
 * Calls add() for each element; returns 0 or -1 (reported).
 */
static int
parse_list(struct cfg_parser *cp, struct cfg_line *l, int *i,
    int (*add)(struct cfg_parser *, struct cfg_line *, const char *, void *),
    void *arg)
{
	int	j = *i, want_item = 1;

	if (j >= l->ntok)
		return cfg_error(cp, l, l->tok[j - 1], "missing value after");
	if (strcmp(l->tok[j], "[") != 0 || l->quoted[j]) {
		*i = j + 1;
		return add(cp, l, l->tok[j], arg);
	}
	for (j++; j < l->ntok; j++) {
		if (!l->quoted[j] && strcmp(l->tok[j], "]") == 0) {
			*i = j + 1;
			return 0;
		}
		if (!l->quoted[j] && strcmp(l->tok[j], ",") == 0) {
			if (want_item)
				return cfg_error(cp, l, l->tok[j],
				    "unexpected");
			want_item = 1;
			continue;
		}
		if (!want_item)
			return cfg_error(cp, l, l->tok[j], "missing ',' before");
		if (add(cp, l, l->tok[j], arg) == -1)
			return -1;
		want_item = 0;
	}
	return cfg_error(cp, l, l->tok[*i], "unterminated list");
}

struct pstate {
	struct mig_conf	*conf;
	void		*cur;	/* the bridge or vm being filled */
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
		if (parse_list(cp, l, &i, add_range, ps) == -1)
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
		if (parse_list(cp, l, &i, add_eid, ps) == -1)
			return -1;
	}
	if (vm->neid == 0)
		return cfg_error(cp, l, l->tok[1], "vm without eids");
	c->nvm++;
	return 0;
}

static int
set_path(struct cfg_parser *cp, struct cfg_line *l, const char *v, char *dst,
    size_t len)
{
	if (v[0] != '/' || strlen(v) >= len)
		return cfg_error(cp, l, v, "need an absolute path shorter than "
		    "%zu bytes:", len);
	snprintf(dst, len, "%s", v);
	return 0;
}

/* key = value lines */
static int
key_value(struct cfg_parser *cp, struct cfg_line *l, struct pstate *ps)
{
	struct mig_conf	*c = ps->conf;
	const char	*k = l->tok[0], *v;
	unsigned long	 n;

	if (l->ntok < 3 || strcmp(l->tok[1], "=") != 0)
		return cfg_error(cp, l, k, "expected 'key = value' for");
	if (l->ntok > 3)
		return cfg_error(cp, l, l->tok[3], "trailing garbage");
	v = l->tok[2];
	if (strcmp(k, "socket") == 0)
		return set_path(cp, l, v, c->socket, sizeof(c->socket));
	if (strcmp(k, "xtrd_socket") == 0)
		return set_path(cp, l, v, c->xtrd_socket,
		    sizeof(c->xtrd_socket));
	if (strcmp(k, "user") == 0) {
		const char *q;

		/* a POSIX portable user name, or "" */
		for (q = v; *q != '\0'; q++)
			if (!isalnum((unsigned char)*q) && *q != '_' &&
			    *q != '-' && *q != '.')
				break;
		if (*q != '\0' || strlen(v) > CONF_NAMELEN || v[0] == '-')
			return cfg_error(cp, l, v, "bad user name");
		snprintf(c->user, sizeof(c->user), "%s", v);
		return 0;
	}
	if (strcmp(k, "hypervisor") == 0) {
		if (strcmp(v, "auto") != 0 && strcmp(v, "xenstore") != 0 &&
		    strcmp(v, "libxl") != 0)
			return cfg_error(cp, l, v, "want auto, xenstore or "
			    "libxl, not");
		snprintf(c->hypervisor, sizeof(c->hypervisor), "%s", v);
		return 0;
	}
	if (strcmp(k, "priority") == 0 || strcmp(k, "weight") == 0) {
		if (cfg_uint(v, 0, 255, &n) == -1)
			return cfg_error(cp, l, v, "want 0..255, not");
		*(k[0] == 'p' ? &c->priority : &c->weight) = (unsigned)n;
		return 0;
	}
	if (strcmp(k, "ttl") == 0) {
		if (cfg_uint(v, 1, 0xffffffffUL, &n) == -1)
			return cfg_error(cp, l, v, "bad ttl");
		c->ttl = (unsigned)n;
		return 0;
	}
	if (strcmp(k, "notify_wait_ms") == 0) {
		if (cfg_uint(v, 0, 60000, &n) == -1)
			return cfg_error(cp, l, v, "want 0..60000, not");
		c->notify_wait_ms = (unsigned)n;
		return 0;
	}
	if (strcmp(k, "heartbeat_ms") == 0) {
		if (cfg_uint(v, 50, 600000, &n) == -1)
			return cfg_error(cp, l, v, "want 50..600000, not");
		c->heartbeat_ms = (unsigned)n;
		return 0;
	}
	if (strcmp(k, "register_at") == 0) {
		if (strcmp(v, "rename") == 0)
			c->register_at = REG_AT_RENAME;
		else if (strcmp(v, "arrival") == 0)
			c->register_at = REG_AT_ARRIVAL;
		else
			return cfg_error(cp, l, v, "want rename or arrival, "
			    "not");
		return 0;
	}
	return cfg_error(cp, l, k, "unknown keyword");
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
	return key_value(cp, l, ps);
}

static int
finish(struct cfg_parser *cp, struct mig_conf *c)
{
	if (c->nbridge == 0)
		return cfg_error(cp, NULL, NULL, "no bridge to watch");
	return 0;
}

int
conf_parse_file(const char *path, struct mig_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { path, 0, errf };
	struct pstate		ps = { c, NULL };
	int			n;

	conf_defaults(c);
	if ((n = cfg_read_file(&cp, path, line_cb, &ps)) == -1)
		return -1;
	if (n == 0)
		finish(&cp, c);
	return cp.errors;
}

int
conf_parse_text(const char *name, const char *text, size_t len,
    struct mig_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { name, 0, errf };
	struct pstate		ps = { c, NULL };

	conf_defaults(c);
	if (cfg_read_text(&cp, text, len, line_cb, &ps) == -1)
		return -1;
	if (cp.errors == 0)
		finish(&cp, c);
	return cp.errors;
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

	fprintf(f, "socket = \"%s\"\n", c->socket);
	fprintf(f, "xtrd_socket = \"%s\"\n", c->xtrd_socket);
	fprintf(f, "hypervisor = %s\n", c->hypervisor);
	fprintf(f, "user = \"%s\"\n", c->user);
	fprintf(f, "priority = %u\nweight = %u\nttl = %u\n", c->priority,
	    c->weight, c->ttl);
	fprintf(f, "notify_wait_ms = %u\nheartbeat_ms = %u\n",
	    c->notify_wait_ms, c->heartbeat_ms);
	fprintf(f, "register_at = %s\n", conf_register_at_name(c->register_at));
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
