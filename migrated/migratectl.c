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

#include "ctl_client.h"

#define SOCK_DEFAULT	"/run/migrated/migrated.sock"

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

static const char *
s(struct json_object *o, const char *k)
{
	return ctl_str(o, k, "");
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
	struct ctl_conn		 conn = { "migratectl", NULL, "migrated", 10000, NULL };
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
	conn.sock = sock;
	code = ctl_call(&conn, method, path, req ?
	    json_object_to_json_string(req) : NULL, &o);
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
