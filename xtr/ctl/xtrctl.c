/*
 * xtrctl.c: command-line client of xtrd's control API (docs/api.md):
 * HTTP/1.1 over the unix socket with libcurl, human output by default,
 * the JSON answer with --json.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

#define DEF_SOCKET	"/run/xtrd/xtrd.sock"

#define DEF_TOKEN	"/etc/xen/xtrd.token"

static const char	*sock_path = DEF_SOCKET;
static int		 json_out;

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr,
	    "usage: xtrctl [-s socket | -t ADDR:PORT [-k token-file]] [--json] "
	    "command [args]\n"
	    "  -t  xtrd's api_tcp instead of its socket, with the token of "
	    "-k\n      (default " DEF_TOKEN ")\n"
	    "commands:\n"
	    "  status                         roles, RLOCs, map-servers\n"
	    "  database                       database mappings\n"
	    "  add EID [priority N] [weight N] [ttl MIN]\n"
	    "  remove EID [moved-to RLOC...]  withdraw a mapping\n"
	    "  smr EID                        send SMRs for EID\n"
	    "  map-cache                      the ITR's map-cache\n"
	    "  resolve EID                    Map-Request into the map-cache\n"
	    "  prefetch EID...                resolve those not cached yet\n"
	    "  expect EID... [until-arrival | arrived | cancel]\n"
	    "                                 hold what arrives for them until "
	    "added\n"
	    "                                 (and arrived); the guest "
	    "arrived; aborted:\n"
	    "                                 what is held goes back\n"
	    "  registrations                  Map-Server registrations\n"
	    "  subscriptions                  Map-Server pub/sub subscribers\n"
	    "  sites                          Map-Server site table\n"
	    "  counters                       counters (non-zero ones)\n"
	    "  timeline [SINCE]               recent control events\n"
	    "  lig EID [MAP-RESOLVER] [timeout MS]\n");
	exit(2);
}

static const char *
gs(json_object *o, const char *k)
{
	return ctl_str(o, k, "-");
}

static long long
gi(json_object *o, const char *k)
{
	json_object	*v;

	return json_object_object_get_ex(o, k, &v) ?
	    (long long)json_object_get_int64(v) : 0;
}

static json_object *
ga(json_object *o, const char *k)
{
	json_object	*v;

	if (json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_array))
		return v;
	return NULL;
}

static size_t
alen(json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

static void
print_rlocs(json_object *rl, const char *indent)
{
	size_t	i;

	for (i = 0; i < alen(rl); i++) {
		json_object *l = json_object_array_get_idx(rl, i);

		printf("%s%-40s %-5s %lld/%lld\n", indent, gs(l, "addr"),
		    json_object_get_boolean(json_object_object_get(l, "up")) ?
		    "up" : "down", gi(l, "priority"), gi(l, "weight"));
	}
}

static void
show_status(json_object *o)
{
	json_object	*a;
	size_t		 i;

	printf("roles:     %s\n", gs(o, "roles"));
	printf("rlocs:     %s\n", gs(o, "rlocs"));
	printf("xtr-id:    %s\n", gs(o, "xtr_id"));
	printf("uptime:    %lld ms\n", gi(o, "uptime_ms"));
	printf("resolvers: %s\n", gs(o, "map_resolvers"));
	a = ga(o, "map_servers");
	for (i = 0; i < alen(a); i++) {
		json_object *m = json_object_array_get_idx(a, i);

		printf("map-server %s: %s\n", gs(m, "addr"),
		    strcmp(gs(m, "registered"), "true") == 0 ? "registered" :
		    "not registered");
	}
	printf("map-cache: %lld entries\n", gi(o, "map_cache_entries"));
	printf("registrations (MS): %lld\n", gi(o, "registrations"));
}

static void
show_database(json_object *o)
{
	json_object	*a = ga(o, "mappings");
	size_t		 i;

	printf("%-24s %-8s %-6s %-6s %-8s %s\n", "EID", "PRIO", "WEIGHT",
	    "TTL", "SOURCE", "STATE");
	for (i = 0; i < alen(a); i++) {
		json_object *m = json_object_array_get_idx(a, i);

		printf("%-24s %-8lld %-6lld %-6lld %-8s %s\n", gs(m, "eid"),
		    gi(m, "priority"), gi(m, "weight"), gi(m, "ttl"),
		    gs(m, "source"), strcmp(gs(m, "registered"), "true") == 0 ?
		    "registered" : "registering");
	}
	a = ga(o, "withdrawing");
	for (i = 0; i < alen(a); i++)
		printf("%-24s withdrawing\n",
		    gs(json_object_array_get_idx(a, i), "eid"));
	a = ga(o, "away");
	for (i = 0; i < alen(a); i++) {
		json_object *m = json_object_array_get_idx(a, i);

		printf("%-24s away, moved to %s\n", gs(m, "eid"),
		    gs(m, "moved_to"));
	}
}

static void
show_map_cache(json_object *o)
{
	json_object	*a = ga(o, "entries");
	size_t		 i;

	for (i = 0; i < alen(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);

		printf("%s, ttl %lld min (%lld s left)%s%s\n", gs(e, "eid"),
		    gi(e, "ttl"), gi(e, "ttl_left_s"),
		    strcmp(gs(e, "negative"), "true") == 0 ? ", negative: " :
		    "", strcmp(gs(e, "negative"), "true") == 0 ?
		    gs(e, "action") : "");
		print_rlocs(ga(e, "rlocs"), "  ");
	}
	if (alen(a) == 0)
		printf("map-cache is empty\n");
}

static void
show_registrations(json_object *o)
{
	json_object	*a = ga(o, "registrations");
	size_t		 i;

	for (i = 0; i < alen(a); i++) {
		json_object *r = json_object_array_get_idx(a, i);

		printf("%s site %s from %s xtr-id %s%s\n", gs(r, "eid"),
		    gs(r, "site"), gs(r, "from"), gs(r, "xtr_id"),
		    strcmp(gs(r, "proxy_reply"), "true") == 0 ?
		    " proxy-reply" : "");
		print_rlocs(ga(r, "rlocs"), "  ");
	}
	if (alen(a) == 0)
		printf("no registrations\n");
}

static void
show_sites(json_object *o)
{
	json_object	*a = ga(o, "sites");
	size_t		 i;

	for (i = 0; i < alen(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);

		printf("site %s: %s key-id %lld, eids %s, more-specifics %s\n",
		    gs(s, "name"), gs(s, "alg"), gi(s, "key_id"),
		    gs(s, "eids"), gs(s, "more_specifics"));
	}
}

static void
show_counters(json_object *o)
{
	json_object	*c;

	if (!json_object_object_get_ex(o, "counters", &c))
		return;
	json_object_object_foreach(c, k, v)
		if (json_object_get_int64(v) != 0)
			printf("%-32s %lld\n", k,
			    (long long)json_object_get_int64(v));
}

static void
show_timeline(json_object *o)
{
	json_object	*a = ga(o, "events");
	size_t		 i;

	for (i = 0; i < alen(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);

		printf("%6lld %10lld.%03lld %-22s %-20s %-16s %s\n",
		    gi(e, "seq"), gi(e, "t_ms") / 1000, gi(e, "t_ms") % 1000,
		    gs(e, "event"), gs(e, "eid"), gs(e, "peer"),
		    strcmp(gs(e, "detail"), "-") ? gs(e, "detail") : "");
	}
}

static void
show_subs(json_object *o)
{
	json_object	*a = ga(o, "subscriptions");
	size_t		 i;

	for (i = 0; i < alen(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);

		printf("%s subscriber %s xtr-id %s\n", gs(s, "eid"),
		    gs(s, "itr"), gs(s, "xtr_id"));
	}
}

static void
show_lig(json_object *o, const char *eid, const char *mr)
{
	json_object	*a = ga(o, "records");
	size_t		 i;

	printf("Send map-request to %s for %s ...\n", mr ? mr :
	    "the configured map-resolver", eid);
	printf("Received map-reply from %s with rtt %.3f secs\n",
	    gs(o, "from"), gi(o, "rtt_ms") / 1000.0);
	printf("\nMapping entry for EID '%s':\n", eid);
	for (i = 0; i < alen(a); i++) {
		json_object *r = json_object_array_get_idx(a, i);

		printf("%s, record ttl: %lld, auth bit: %d%s%s\n",
		    gs(r, "eid"), gi(r, "ttl"),
		    strcmp(gs(r, "authoritative"), "true") == 0,
		    strcmp(gs(r, "negative"), "true") == 0 ?
		    ", negative, action: " : "",
		    strcmp(gs(r, "negative"), "true") == 0 ?
		    gs(r, "action") : "");
		if (alen(ga(r, "rlocs")) > 0)
			printf("  %-40s %-5s %s\n", "Locator", "State",
			    "Priority/Weight");
		print_rlocs(ga(r, "rlocs"), "  ");
	}
}

static json_object *
eid_body(const char *eid)
{
	json_object	*b = json_object_new_object();

	json_object_object_add(b, "eid", json_object_new_string(eid));
	return b;
}

static int
num_arg(json_object *b, const char *key, const char *v)
{
	char	*end;
	long	 n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 0)
		return -1;
	json_object_object_add(b, key, json_object_new_int64(n));
	return 0;
}

/* add EID [priority N] [weight N] [ttl MIN] */
static int
b_add(int argc, char **argv, json_object *b)
{
	int	i;

	if (argc % 2 != 0)
		return -1;
	for (i = 2; i < argc; i += 2)
		if ((strcmp(argv[i], "priority") != 0 &&
		    strcmp(argv[i], "weight") != 0 &&
		    strcmp(argv[i], "ttl") != 0) ||
		    num_arg(b, argv[i], argv[i + 1]) == -1)
			return -1;
	return 0;
}

/* remove EID [moved-to RLOC...] */
static int
b_remove(int argc, char **argv, json_object *b)
{
	json_object	*a;
	int		 i;

	if (argc == 2)
		return 0;
	if (strcmp(argv[2], "moved-to") != 0 || argc < 4)
		return -1;
	a = json_object_new_array();
	for (i = 3; i < argc; i++)
		json_object_array_add(a, json_object_new_string(argv[i]));
	json_object_object_add(b, "moved_to", a);
	return 0;
}

/* prefetch EID...: {"eids":[...]} */
static int
b_prefetch(int argc, char **argv, json_object *b)
{
	json_object	*a = json_object_new_array();
	int		 i;

	for (i = 1; i < argc; i++)
		json_object_array_add(a, json_object_new_string(argv[i]));
	json_object_object_del(b, "eid");
	json_object_object_add(b, "eids", a);
	return 0;
}

/* expect EID... [cancel | arrived | until-arrival]: {"eids":[...],
 * "cancel": bool} (+ "arrived": true, or "until": "arrival") */
static int
b_expect(int argc, char **argv, json_object *b)
{
	json_object	*a = json_object_new_array();
	const char	*last = argv[argc - 1];
	int		 i, n = argc;
	int		 cancel = 0;

	if (strcmp(last, "cancel") == 0 || strcmp(last, "arrived") == 0 ||
	    strcmp(last, "until-arrival") == 0)
		n--;
	for (i = 1; i < n; i++)
		json_object_array_add(a, json_object_new_string(argv[i]));
	cancel = strcmp(last, "cancel") == 0;
	json_object_object_del(b, "eid");
	json_object_object_add(b, "eids", a);
	json_object_object_add(b, "cancel", json_object_new_boolean(cancel));
	if (strcmp(last, "arrived") == 0)
		json_object_object_add(b, "arrived",
		    json_object_new_boolean(1));
	if (strcmp(last, "until-arrival") == 0)
		json_object_object_add(b, "until",
		    json_object_new_string("arrival"));
	return 0;
}

static void
show_prefetch(json_object *o)
{
	json_object	*a = ga(o, "eids");
	size_t		 i;

	for (i = 0; i < alen(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);

		printf("%-40s %s\n", gs(e, "eid"), gs(e, "result"));
	}
	printf("%lld sent, %lld not sent (pending or rate-limited), "
	    "%lld cached, %lld local\n", gi(o, "sent"), gi(o, "not_sent"),
	    gi(o, "cached"), gi(o, "local"));
}

/* lig EID [MAP-RESOLVER] [timeout MS] */
static int
b_lig(int argc, char **argv, json_object *b)
{
	int	i = 2;

	if (argc > 2 && strcmp(argv[2], "timeout") != 0) {
		json_object_object_add(b, "map_resolver",
		    json_object_new_string(argv[2]));
		i = 3;
	}
	if (i == argc)
		return 0;
	if (strcmp(argv[i], "timeout") != 0 || i + 2 != argc)
		return -1;
	return num_arg(b, "timeout_ms", argv[i + 1]);
}

struct command {
	const char	*name;
	int		 minargs, maxargs;	/* words after the command */
	const char	*method;
	const char	*path;
	void		(*show)(json_object *);
	int		(*body)(int, char **, json_object *); /* EID first */
};

static const struct command commands[] = {
	{ "status",	   0, 0, "GET",  "/v1/status",	      show_status, NULL },
	{ "database",	   0, 0, "GET",  "/v1/database",     show_database, NULL },
	{ "add",	   1, 7, "POST", "/v1/database/add", NULL, b_add },
	{ "remove",	   1, 99, "POST", "/v1/database/remove", NULL, b_remove },
	{ "smr",	   1, 1, "POST", "/v1/smr",	      NULL, NULL },
	{ "map-cache",	   0, 0, "GET",  "/v1/map-cache",    show_map_cache, NULL },
	{ "resolve",	   1, 1, "POST", "/v1/map-cache/resolve", NULL, NULL },
	{ "prefetch",	   1, 256, "POST", "/v1/map-cache/prefetch",
	  show_prefetch, b_prefetch },
	{ "expect",	   1, 257, "POST", "/v1/expect", NULL, b_expect },
	{ "registrations", 0, 0, "GET",  "/v1/registrations", show_registrations,
	  NULL },
	{ "subscriptions", 0, 0, "GET",  "/v1/subscriptions", show_subs, NULL },
	{ "sites",	   0, 0, "GET",  "/v1/sites",	      show_sites, NULL },
	{ "counters",	   0, 0, "GET",  "/v1/counters",     show_counters, NULL },
	{ "timeline",	   0, 1, "GET",  "/v1/timeline",     show_timeline, NULL },
	{ "lig",	   1, 4, "POST", "/v1/lig",	      NULL, b_lig },
};

/* The command's path and body from argv (argv[0] is the command). */
static const struct command *
parse_command(int argc, char **argv, char *path, size_t plen,
    json_object **body)
{
	const struct command	*c = NULL;
	size_t			 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[0]) == 0)
			c = &commands[i];
	if (c == NULL || argc - 1 < c->minargs || argc - 1 > c->maxargs)
		return NULL;
	if (strcmp(c->name, "timeline") == 0)
		snprintf(path, plen, "%s?since=%s", c->path,
		    argc == 2 ? argv[1] : "0");
	else
		snprintf(path, plen, "%s", c->path);
	*body = NULL;
	if (strcmp(c->method, "POST") == 0) {
		*body = eid_body(argv[1]);
		if (c->body != NULL && c->body(argc, argv, *body) == -1) {
			json_object_put(*body);
			return NULL;
		}
	}
	return c;
}

/* The one line of xtrd's api_token_file (issue 16, finding 4). */
static int
read_token(const char *path, char *out, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "xtrctl: %s: %m\n", path);
		return -1;
	}
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	if (out[0] == '\0') {
		fprintf(stderr, "xtrctl: %s: no token\n", path);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "tcp", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_conn		 conn = { "xtrctl", NULL, "localhost", 70000, NULL };
	const struct command	*cmd;
	const char		*tcp = NULL, *token_file = DEF_TOKEN;
	char			 token[256];
	const char		*e;
	char			 path[128];
	json_object		*body = NULL, *ans;
	long			 status = 0;
	int			 ch, rc = 0;

	if ((e = getenv("XTRCTL_SOCKET")) != NULL)
		sock_path = e;
	while ((ch = getopt_long(argc, argv, "jk:s:t:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'j': json_out = 1; break;
		case 'k': token_file = optarg; break;
		case 's': sock_path = optarg; break;
		case 't': tcp = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (cmd = parse_command(argc, argv, path, sizeof(path),
	    &body)) == NULL)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	conn.sock = sock_path;
	if (tcp != NULL) {
		if (read_token(token_file, token, sizeof(token)) == -1)
			return 3;
		conn.sock = NULL;
		conn.host = tcp;
		conn.token = token;
	}
	status = ctl_call(&conn, cmd->method, path, body ?
	    json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) :
	    NULL, &ans);
	if (status != 0 && ans == NULL)
		fprintf(stderr, "xtrctl: answer is not JSON (HTTP %ld)\n",
		    status);
	if (ans == NULL) {
		rc = 3;
		goto out;
	}
	if (json_out)
		printf("%s\n", json_object_to_json_string_ext(ans,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	if (status != 200) {
		if (!json_out)
			fprintf(stderr, "xtrctl: %s (HTTP %ld)\n",
			    gs(ans, "error"), status);
		rc = 1;
	} else if (!json_out) {
		if (strcmp(cmd->name, "lig") == 0)
			show_lig(ans, argv[1], argc > 2 &&
			    strcmp(argv[2], "timeout") ? argv[2] : NULL);
		else if (cmd->show != NULL)
			cmd->show(ans);
		else
			printf("%s\n", json_object_to_json_string_ext(ans,
			    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_SPACED));
	}
	json_object_put(ans);
out:
	json_object_put(body);
	curl_global_cleanup();
	return rc;
}
