/*
 * migratectl: talk to migrated's API (docs/api.md) over its unix socket.
 *
 * Usage: migratectl [-s socket] status [--json]
 *        migratectl [-s socket] migrations [--json]
 *        migratectl [-s socket] departure NAME RLOC...
 *        migratectl [-s socket] vif online DOMID DEVID VIF BRIDGE MAC
 *        migratectl [-s socket] vif offline DOMID DEVID
 * Exit: 0 ok, 1 the daemon answered an error, 2 usage, 3 no daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#define SOCK_DEFAULT	"/run/migrated/migrated.sock"

struct buf {
	char	*p;
	size_t	 len;
};

static size_t
on_data(char *p, size_t sz, size_t n, void *arg)
{
	struct buf	*b = arg;
	char		*np;

	if ((np = realloc(b->p, b->len + sz * n + 1)) == NULL)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, p, sz * n);
	b->len += sz * n;
	b->p[b->len] = '\0';
	return sz * n;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: migratectl [-s socket] status [--json]\n"
	    "       migratectl [-s socket] migrations [--json]\n"
	    "       migratectl [-s socket] departure NAME RLOC...\n"
	    "       migratectl [-s socket] vif online DOMID DEVID VIF BRIDGE MAC\n"
	    "       migratectl [-s socket] vif offline DOMID DEVID\n");
	exit(2);
}

/* Returns the HTTP status (0: no daemon) and the parsed body. */
static long
call(const char *sock, const char *method, const char *path,
    const char *body, struct json_object **out)
{
	CURL			*c;
	struct curl_slist	*h = NULL;
	struct buf		 b = { NULL, 0 };
	char			 url[256];
	long			 code = 0;
	CURLcode		 r;

	*out = NULL;
	if ((c = curl_easy_init()) == NULL)
		return 0;
	snprintf(url, sizeof(url), "http://migrated%s", path);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	if (strcmp(method, "POST") == 0) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	r = curl_easy_perform(c);
	if (r == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	else
		fprintf(stderr, "migratectl: %s: %s\n", sock,
		    curl_easy_strerror(r));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (b.p != NULL)
		*out = json_tokener_parse(b.p);
	free(b.p);
	return code;
}

static const char *
s(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, k, &v))
		return "";
	return json_object_get_string(v);
}

static void
print_status(struct json_object *o)
{
	struct json_object	*doms, *d, *arr, *c;
	size_t			 i, k;

	printf("xtrd %s, hypervisor %s, queue %s\n", s(o, "xtrd"),
	    s(o, "hypervisor"), s(o, "xtrd_queue"));
	if (json_object_object_get_ex(o, "domains", &doms)) {
		printf("%-6s %-20s %-13s %-5s %-18s %s\n", "DOMID", "NAME",
		    "STATE", "OWNED", "ARRIVAL", "EIDS / VIFS");
		for (i = 0; i < json_object_array_length(doms); i++) {
			d = json_object_array_get_idx(doms, i);
			printf("%-6s %-20s %-13s %-5s %-18s", s(d, "domid"),
			    s(d, "name"), s(d, "state"),
			    strcmp(s(d, "owned"), "true") == 0 ? "yes" : "no",
			    s(d, "arrival"));
			if (json_object_object_get_ex(d, "eids", &arr))
				for (k = 0; k < json_object_array_length(arr);
				    k++)
					printf(" %s", json_object_get_string(
					    json_object_array_get_idx(arr, k)));
			if (json_object_object_get_ex(d, "vifs", &arr))
				for (k = 0; k < json_object_array_length(arr);
				    k++) {
					struct json_object *v =
					    json_object_array_get_idx(arr, k);
					printf(" [%s %s %s]", s(v, "vif"),
					    s(v, "mac"), s(v, "bridge"));
				}
			printf("\n");
		}
	}
	if (json_object_object_get_ex(o, "counters", &c)) {
		json_object_object_foreach(c, key, val)
			printf("  %-32s %s\n", key, json_object_get_string(val));
	}
}

static void
print_migrations(struct json_object *o)
{
	struct json_object	*ms, *m, *evs, *e;
	size_t			 i, k;
	long long		 t0, t;

	if (!json_object_object_get_ex(o, "migrations", &ms))
		return;
	for (i = 0; i < json_object_array_length(ms); i++) {
		m = json_object_array_get_idx(ms, i);
		printf("#%s %s %s\n", s(m, "id"), s(m, "domain"),
		    s(m, "direction"));
		if (!json_object_object_get_ex(m, "events", &evs))
			continue;
		t0 = -1;
		for (k = 0; k < json_object_array_length(evs); k++) {
			e = json_object_array_get_idx(evs, k);
			t = atoll(s(e, "t_us"));
			if (t0 < 0)
				t0 = t;
			printf("  %+10.3fms %-20s %s\n", (double)(t - t0) / 1000,
			    s(e, "event"), s(e, "detail"));
		}
	}
}

/* The path and body for a command line; NULL when it is not one. */
static const char *
build_request(int argc, char *argv[], const char **method,
    struct json_object **req)
{
	struct json_object	*arr;
	const char		*cmd = argv[0];
	int			 i;

	*method = "GET";
	*req = NULL;
	if (strcmp(cmd, "status") == 0 && argc <= 2)
		return "/v1/status";
	if (strcmp(cmd, "migrations") == 0 && argc <= 2)
		return "/v1/migrations";
	*method = "POST";
	if (strcmp(cmd, "departure") == 0 && argc >= 3) {
		*req = json_object_new_object();
		json_object_object_add(*req, "domain",
		    json_object_new_string(argv[1]));
		arr = json_object_new_array();
		for (i = 2; i < argc; i++)
			json_object_array_add(arr,
			    json_object_new_string(argv[i]));
		json_object_object_add(*req, "dest_rlocs", arr);
		return "/v1/departure";
	}
	if (strcmp(cmd, "vif") != 0 || argc < 4 ||
	    !((strcmp(argv[1], "online") == 0 && argc == 7) ||
	    (strcmp(argv[1], "offline") == 0 && argc == 4)))
		return NULL;
	*req = json_object_new_object();
	json_object_object_add(*req, "action", json_object_new_string(argv[1]));
	json_object_object_add(*req, "domid",
	    json_object_new_int64(atoll(argv[2])));
	json_object_object_add(*req, "devid",
	    json_object_new_int64(atoll(argv[3])));
	if (argc == 7) {
		json_object_object_add(*req, "vif",
		    json_object_new_string(argv[4]));
		json_object_object_add(*req, "bridge",
		    json_object_new_string(argv[5]));
		json_object_object_add(*req, "mac",
		    json_object_new_string(argv[6]));
	}
	return "/v1/vif";
}

int
main(int argc, char *argv[])
{
	struct json_object	*o = NULL, *req = NULL;
	const char		*sock = SOCK_DEFAULT, *cmd, *path, *method;
	int			 ch, json = 0, rc = 0;
	long			 code;

	while ((ch = getopt(argc, argv, "+s:")) != -1) {
		if (ch != 's')
			usage();
		sock = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	if ((path = build_request(argc, argv, &method, &req)) == NULL)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	code = call(sock, method, path, req ? json_object_to_json_string(req) :
	    NULL, &o);
	if (code == 0)
		rc = 3;
	else if (code != 200) {
		fprintf(stderr, "migratectl: %ld: %s\n", code,
		    o ? s(o, "error") : "?");
		rc = 1;
	} else if (json || req != NULL)
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (strcmp(cmd, "status") == 0)
		print_status(o);
	else
		print_migrations(o);
	json_object_put(o);
	json_object_put(req);
	curl_global_cleanup();
	return rc;
}
