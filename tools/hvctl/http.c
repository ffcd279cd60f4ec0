/* The HTTP client: libcurl's easy interface, one connection per call,
 * because hvctl makes one request per run. */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

struct sink {
    struct http_reply *reply;
    size_t cap;
    int too_big;         /* set when the answer outgrew HTTP_MAX_BODY */
};

static size_t sink_write(char *data, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    struct http_reply *r = s->reply;
    size_t add = size * n;

    if (r->len + add > HTTP_MAX_BODY) {
        s->too_big = 1;
        return 0;        /* makes curl stop with CURLE_WRITE_ERROR */
    }
    if (r->len + add + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < r->len + add + 1)
            cap *= 2;
        char *p = realloc(r->body, cap);
        if (!p)
            return 0;
        r->body = p;
        s->cap = cap;
    }
    memcpy(r->body + r->len, data, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

int http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void http_global_cleanup(void)
{
    curl_global_cleanup();
}

int http_call(const char *hostport, const char *method, const char *path,
              const char *token, const char *body, struct http_reply *reply)
{
    struct sink sink = { .reply = reply };
    char url[1024];
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    int rc = HVCTL_OK;

    memset(reply, 0, sizeof(*reply));
    if ((size_t)snprintf(url, sizeof(url), "http://%s%s", hostport, path) >= sizeof(url)) {
        snprintf(reply->error, sizeof(reply->error), "request URL too long");
        return HVCTL_EUSAGE;
    }

    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(reply->error, sizeof(reply->error), "cannot initialise libcurl");
        return HVCTL_ECONNECT;
    }
    /* The API answers JSON; without this curl would send a form type. */
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, body ? "Content-Type: application/json" : "Content-Type:");
    if (token) {
        char auth[600];
        if ((size_t)snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token) >= sizeof(auth)) {
            snprintf(reply->error, sizeof(reply->error), "the token is too long");
            curl_slist_free_all(headers);
            curl_easy_cleanup(c);
            return HVCTL_EUSAGE;
        }
        headers = curl_slist_append(headers, auth);
    }

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)HVCTL_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HVCTL_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "hvctl");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (strcmp(method, "POST") == 0 || body) {
        /* Without a body: Content-Length: 0, as hv expects. */
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, body ? (long)strlen(body) : 0L);
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);   /* PATCH with a body */
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }

    CURLcode res = curl_easy_perform(c);
    if (sink.too_big) {
        snprintf(reply->error, sizeof(reply->error),
                 "the answer is larger than %u bytes", HTTP_MAX_BODY);
        rc = HVCTL_ESERVER;
    } else if (res != CURLE_OK) {
        snprintf(reply->error, sizeof(reply->error), "%s",
                 curl_err[0] ? curl_err : curl_easy_strerror(res));
        rc = HVCTL_ECONNECT;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply->status);
        if (!reply->body) {
            reply->body = calloc(1, 1);
            if (!reply->body) {
                snprintf(reply->error, sizeof(reply->error), "out of memory");
                rc = HVCTL_ESERVER;
            }
        }
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return rc;
}

void http_reply_free(struct http_reply *reply)
{
    free(reply->body);
    reply->body = NULL;
    reply->len = 0;
}
