/*
 * cfgkey.h: the one key table behind every `key = value` config file
 * (xtrd.conf, its data-plane keys, migrated.conf), on top of the line
 * tokenizer of cfgline.h.
 *
 * A daemon describes each key once, in a const table: its name, its type
 * (a boolean, a number in a range, a string, a path, a user name, an
 * interface name, one word of a set, a list of addresses or prefixes, or a
 * setter of its own), where the value goes (an offset in the daemon's
 * config struct), its default, when `-nv` prints it, and a line of doc.
 * The same table then sets the defaults (cfg_key_defaults), parses the
 * lines (cfg_key_line, a cfg_read_* callback), and prints the normalised
 * form back (cfg_key_print), so a key's parser, default and printer cannot
 * drift apart.
 *
 * The grammar, after Xen's own config files:
 *
 *   key = value                  value: a word or a 'quoted' "string"
 *   key = [ 'a', 'b',            a list key: items separated by ',',
 *           'c', ]               a ',' before ']' allowed, spanning lines
 *   key = a                      a list key given one item
 *
 * cfg_list_items() is that list grammar alone, for a parser that has lists
 * inside lines of its own (migrated.conf's `vm NAME eids = [ ... ]`).
 *
 * Every error is cfg_error()'s "file:line: message 'token'", one set of
 * messages for every daemon: "unknown key", "duplicate key", "expected
 * 'key = value' at", "expected a single value for", "missing ',' before",
 * "empty list element at", "list not closed with ']' for", "expected a
 * number in [LO, HI], not", "KEY must be yes or no, not", "KEY must be
 * A, B or C, not", "KEY must be an absolute path shorter than N bytes,
 * not", ...  The parser goes on after an error, so that every error of a
 * file is reported at once.
 */
#ifndef MIG_CFGKEY_H
#define MIG_CFGKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cfgline.h"

enum cfg_key_type {
	CK_BOOL,	/* bool: yes/no, true/false, on/off, 1/0 */
	CK_UINT,	/* uint32_t in [min, max] */
	CK_STR,		/* char[size]: 1 to size - 1 bytes */
	CK_PATH,	/* char[size]: absolute, shorter than size - min */
	CK_NAME,	/* char[size]: a user or group name as useradd takes it */
	CK_IFNAME,	/* char[size]: a network interface name */
	CK_ENUM,	/* int: one of names[], stored as values[] */
	CK_WORD,	/* char[size]: one of names[], stored as the word */
	CK_ADDRS,	/* struct ipaddr[max] at off, its int count at count */
	CK_PREFIXES,	/* struct ipprefix[max] at off, its int count at count */
	CK_CUSTOM,	/* no value of a type: set() parses, print() prints */
};

/* flags */
#define CK_LIST		0x01	/* takes `[ a, b ]` (ADDRS, PREFIXES, CUSTOM) */
#define CK_ONOFF	0x02	/* BOOL: printed "on"/"off", said "on or off" */
#define CK_QUOTE	0x04	/* ENUM, WORD: printed quoted */
#define CK_EMPTY_OK	0x08	/* NAME: "" allowed */
#define CK_HOSTBITS	0x10	/* PREFIXES: address/length, host bits kept */
#define CK_ADDR_OK	0x20	/* PREFIXES: an address alone is its host
				 * prefix */

/* when cfg_key_print() prints a key */
enum cfg_key_show {
	CK_ALWAYS,
	CK_NONDEF,	/* when not the default (a list: when not empty); a key
			 * of a group prints when any key of its group does */
	CK_GIVEN,	/* when given (the bool at given) */
};

struct cfg_key;

/* What a setter is given: the line it is on, for cfg_error(). */
struct cfg_key_ctx {
	struct cfg_parser	*cp;
	struct cfg_line		*l;
	const struct cfg_key	*k;
};

/* An optional offset (count, given, line): 0 means none. */
#define CK_AT(type, field)	(offsetof(type, field) + 1)

struct cfg_key {
	const char		*name;
	enum cfg_key_type	 type;
	unsigned		 flags;
	size_t			 off;	/* the value in the struct */
	size_t			 size;	/* of a string's buffer */
	size_t			 count;	/* CK_AT: a list's int count */
	size_t			 given;	/* CK_AT: a bool set when given */
	size_t			 line;	/* CK_AT: an int, the line of the key's
					 * first value (for later errors) */
	unsigned long		 min, max;	/* UINT range; list length max;
						 * PATH: bytes kept free */
	unsigned long		 def;	/* BOOL, UINT, ENUM default */
	const char		*sdef;	/* string default (NULL: "") */
	const char *const	*names;	/* ENUM, WORD: the words, NULL-ended */
	const int		*values;	/* ENUM: what each word stores */
	const char		*what;	/* ADDRS: "bad WHAT address"; NAME:
					 * "a WHAT name" */
	enum cfg_key_show	 show;
	int			 group;	/* CK_NONDEF keys printed together */
	/* a key's own parse (it may check more, then call
	 * cfg_key_set_type) and print, in place of its type's */
	int	(*set)(struct cfg_key_ctx *, void *obj, const char *val);
	void	(*print)(FILE *, const struct cfg_key *, const void *obj);
	const char		*doc;	/* one line: what the key does */
};

/* A table and where its struct sits in the config being parsed (a
 * daemon's keys and a sub-struct's keys parse as one file). */
struct cfg_key_table {
	const struct cfg_key	*keys;
	size_t			 nkeys;
	size_t			 base;	/* offsetof the table's struct */
};

#define CK_NKEYS(a)	(sizeof(a) / sizeof((a)[0]))

/* Entries of the two commonest shapes, for a table over struct T. */
#define CK_UINT_KEY(T, n, f, lo, hi, d, sh, txt)			\
	{ .name = (n), .type = CK_UINT, .off = offsetof(T, f),		\
	  .min = (lo), .max = (hi), .def = (d), .show = (sh), .doc = (txt) }
#define CK_BOOL_KEY(T, n, f, fl, d, sh, txt)				\
	{ .name = (n), .type = CK_BOOL, .flags = (fl),			\
	  .off = offsetof(T, f), .def = (d), .show = (sh), .doc = (txt) }

/* One list being read, perhaps across lines. */
struct cfg_list {
	const char	*key;	/* named by "list not closed" */
	int		 line;	/* where it opened */
	bool		 open;
	bool		 comma;	/* an item was just read: ',' or ']' next */
};

typedef int (*cfg_item_fn)(struct cfg_parser *, struct cfg_line *,
    const char *item, void *arg);

/* Open a list at its '[' (tok[*i] when called) for key. */
void	cfg_list_open(struct cfg_list *, const struct cfg_line *,
	    const char *key);
/* The items of an open list from tok[*i]: item() for each, until ']'
 * (then open is false and *i is past it) or the end of the line (open
 * stays true).  0, or -1 (reported; *i where it stopped). */
int	cfg_list_items(struct cfg_parser *, struct cfg_line *, int *i,
	    struct cfg_list *, cfg_item_fn, void *arg);
/* "list not closed with ']' for 'key'" at the line it opened. */
int	cfg_list_unclosed(struct cfg_parser *, struct cfg_list *);

/* parser flags */
#define CK_P_DUP_OK	0x1	/* a key given again replaces the value */
#define CK_P_EQ_QUOTED	0x2	/* a quoted '=' counts as '=' */

struct cfg_key_parse {
	const struct cfg_key_table *tabs;
	int			 ntab;
	void			*conf;
	unsigned		 flags;
	int			*key_line;	/* per key of every table: the
						 * line it was given on, 0 */
	struct cfg_list		 list;
	const struct cfg_key	*list_key;	/* whose list continues */
	void			*list_obj;
};

/* The defaults of one table into obj (strings, numbers; lists empty). */
void	cfg_key_defaults(const struct cfg_key *, size_t n, void *obj);
/* Start a parse of conf over tabs (their defaults set).  0, or -1 when out
 * of memory. */
int	cfg_key_init(struct cfg_key_parse *, const struct cfg_key_table *,
	    int ntab, void *conf, unsigned flags);
/* A cfg_read_file/cfg_read_text callback (arg: the cfg_key_parse). */
int	cfg_key_line(struct cfg_parser *, struct cfg_line *, void *);
/* The line that has key (from tok[0]) for a parser that reads other
 * lines itself; same as cfg_key_line. */
int	cfg_key_parse_line(struct cfg_parser *, struct cfg_line *,
	    struct cfg_key_parse *);
/* End of the text: a list still open is reported.  Returns the errors. */
int	cfg_key_end(struct cfg_parser *, struct cfg_key_parse *);
/* Releases what init took (after the cross-key checks). */
void	cfg_key_free(struct cfg_key_parse *);
/* The line key was given on, 0 if it was not. */
int	cfg_key_given_line(const struct cfg_key_parse *, const char *key);
/* A cross-key error, reported at key's line: "file:line: msg 'tok'". */
int	cfg_key_error(struct cfg_parser *, const struct cfg_key_parse *,
	    const char *key, const char *tok, const char *msg);
/* The value of one key into obj (its table's struct), as a line would:
 * the key's setter if it has one, else its type's parse. */
int	cfg_key_set(struct cfg_key_ctx *, void *obj, const char *val);
/* The type's own parse of the value, for a setter that checks more. */
int	cfg_key_set_type(struct cfg_key_ctx *, void *obj, const char *val);
/* `-nv`: the keys of one table, in table order, as their show says. */
void	cfg_key_print(FILE *, const struct cfg_key *, size_t n,
	    const void *obj);
/* A list of addresses or prefixes as the printer writes it. */
void	cfg_key_print_list(FILE *, const struct cfg_key *, const void *obj);
/* The key named name in a table, or NULL. */
const struct cfg_key *cfg_key_find(const struct cfg_key *, size_t n,
	    const char *name);

#endif
