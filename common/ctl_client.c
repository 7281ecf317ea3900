/* ctl_client.c: libcurl over the daemons' unix sockets; see ctl_client.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ctl_client.h"

struct buf {
	char	*p;
	size_t	 len;
};

static size_t
on_data(char *d, size_t sz, size_t n, void *arg)
{
	struct buf	*b = arg;
	char		*np;

	if ((np = realloc(b->p, b->len + sz * n + 1)) == NULL)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, d, sz * n);
	b->len += sz * n;
	b->p[b->len] = '\0';
	return sz * n;
}

long
ctl_call(const struct ctl_conn *cc, const char *method, const char *path,
    const char *body, json_object **out)
{
	CURL			*c;
	CURLcode		 r;
	struct curl_slist	*h = NULL;
	char			 auth[200];
	struct buf		 b = { NULL, 0 };
	char			 url[256];
	long			 status = 0;

	*out = NULL;
	if ((c = curl_easy_init()) == NULL) {
		fprintf(stderr, "%s: curl init failed\n", cc->prog);
		return 0;
	}
	snprintf(url, sizeof(url), "http://%s%s", cc->host, path);
	if (cc->sock != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, cc->sock);
	if (cc->token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    cc->token);
		h = curl_slist_append(h, auth);
		explicit_bzero(auth, sizeof(auth));
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cc->timeout_ms);
	if (strcmp(method, "POST") == 0) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body);
	}
	if (h != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	r = curl_easy_perform(c);
	if (r == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		fprintf(stderr, "%s: %s: %s\n", cc->prog, cc->sock ?
		    cc->sock : cc->host,
		    curl_easy_strerror(r));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (status != 0 && b.p != NULL)
		*out = json_tokener_parse(b.p);
	free(b.p);
	return status;
}

const char *
ctl_str(json_object *o, const char *k, const char *dflt)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, k, &v))
		return dflt;
	return json_object_get_string(v);
}
