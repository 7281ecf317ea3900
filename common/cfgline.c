/* cfgline.c: config line tokenizer, see cfgline.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfgline.h"

int
cfg_error(struct cfg_parser *cp, const struct cfg_line *l, const char *tok,
    const char *fmt, ...)
{
	FILE	*f = cp->errf ? cp->errf : stderr;
	va_list	 ap;

	fprintf(f, "%s:%d: ", cp->file ? cp->file : "(config)",
	    l ? l->lineno : 0);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (tok != NULL)
		fprintf(f, " '%s'", tok);
	fputc('\n', f);
	cp->errors++;
	return -1;
}

static int
is_single(char c)
{
	return c == '=' || c == ',' || c == '[' || c == ']';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

int
cfg_split(struct cfg_parser *cp, struct cfg_line *l, int lineno,
    const char *text)
{
	const char	*s = text;
	char		*o = l->buf;
	char		*end = l->buf + sizeof(l->buf) - 1;

	l->file = cp->file;
	l->lineno = lineno;
	l->ntok = 0;
	while (*s != '\0') {
		while (is_blank(*s))
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (l->ntok == CFG_MAXTOK)
			return cfg_error(cp, l, NULL, "too many words on line");
		l->tok[l->ntok] = o;
		l->quoted[l->ntok] = 0;
		if (*s == '"' || *s == '\'') {
			char q = *s++;

			l->quoted[l->ntok] = 1;
			/* a line's own newline never belongs to a token */
			while (*s != '\0' && *s != q && *s != '\n' &&
			    *s != '\r') {
				if (o == end)
					return cfg_error(cp, l, NULL,
					    "line too long");
				*o++ = *s++;
			}
			if (*s != q) {
				*o = '\0';
				return cfg_error(cp, l, l->tok[l->ntok],
				    "unterminated quote at");
			}
			s++;
		} else if (is_single(*s)) {
			if (o == end)
				return cfg_error(cp, l, NULL, "line too long");
			*o++ = *s++;
		} else {
			while (*s != '\0' && !is_blank(*s) && !is_single(*s) &&
			    *s != '#' && *s != '"' && *s != '\'') {
				if (o == end)
					return cfg_error(cp, l, NULL,
					    "line too long");
				*o++ = *s++;
			}
		}
		if (o == end)
			return cfg_error(cp, l, NULL, "line too long");
		*o++ = '\0';
		l->ntok++;
	}
	return 0;
}

static int
feed(struct cfg_parser *cp, struct cfg_line *l, int lineno, const char *text,
    int (*cb)(struct cfg_parser *, struct cfg_line *, void *), void *arg)
{
	if (cfg_split(cp, l, lineno, text) == -1)
		return -1;
	if (l->ntok == 0)
		return 0;
	return cb(cp, l, arg);
}

int
cfg_read_file(struct cfg_parser *cp, const char *path,
    int (*cb)(struct cfg_parser *, struct cfg_line *, void *), void *arg)
{
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 lineno = 0;
	struct cfg_line	*l;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if ((l = malloc(sizeof(*l))) == NULL) {
		fclose(f);
		return -1;
	}
	cp->file = path;
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			cfg_error(cp, NULL, NULL, "NUL byte in line %d",
			    lineno);
			continue;
		}
		feed(cp, l, lineno, line, cb, arg);
	}
	free(line);
	free(l);
	fclose(f);
	return cp->errors;
}

int
cfg_read_text(struct cfg_parser *cp, const char *text, size_t len,
    int (*cb)(struct cfg_parser *, struct cfg_line *, void *), void *arg)
{
	struct cfg_line	*l;
	char		*line;
	size_t		 i = 0, j;
	int		 lineno = 0;

	if ((l = malloc(sizeof(*l))) == NULL)
		return -1;
	if ((line = malloc(len + 1)) == NULL) {
		free(l);
		return -1;
	}
	while (i < len) {
		for (j = i; j < len && text[j] != '\n'; j++)
			;
		lineno++;
		memcpy(line, text + i, j - i);
		line[j - i] = '\0';
		if (memchr(text + i, '\0', j - i) != NULL)
			cfg_error(cp, l, NULL, "NUL byte in line");
		else
			feed(cp, l, lineno, line, cb, arg);
		i = j + 1;
	}
	free(line);
	free(l);
	return cp->errors;
}

int
cfg_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cfg_bool(const char *s, int *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}
