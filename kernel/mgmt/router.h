/* Routing a parsed request to its handler: method plus a path pattern whose
 * {name} segments capture one path segment each ("/api/v1/vms/{name}").
 * No match for the path: 404; the path matches but not the method: 405
 * with Allow. HEAD is served by the GET route (the connection drops the
 * body). Pure C (host unit tests).
 *
 * The middleware hook `before` runs after a route matched and before its
 * handler; it returns false when it has answered the request itself. It is
 * the seam for authentication (auth.c: 401 without a valid Bearer token).
 * The audit log (audit.c) sees every answer after router_dispatch. */
#ifndef HV_MGMT_ROUTER_H
#define HV_MGMT_ROUTER_H

#include <stdbool.h>
#include <stdint.h>
#include "mgmt/http_parse.h"
#include "mgmt/http_resp.h"

#define ROUTE_PARAMS_MAX 4

struct route_param {
    const char *name;                      /* points into the pattern, up to '}' */
    size_t name_len;
    struct http_str value;                 /* the matching path segment, raw */
};

struct http_ctx {
    const struct http_request *req;
    const char *body;                      /* req->content_length bytes */
    struct route_param params[ROUTE_PARAMS_MAX];
    unsigned nparams;
    struct http_response *resp;
    void *user;                            /* the server's own context */
    const char *peer;                      /* the client, "a.b.c.d:port" (conn.h), or "" */
    int session;                           /* the login session that sent it (auth.c), 0: none */
    /* Long-polling: now_ms and since_ms (when the request first arrived)
     * come from the server; a handler with nothing to say yet sets
     * defer_until_ms (> now_ms) and the server calls it again on its
     * ticks until it answers or that time has come. */
    uint64_t now_ms, since_ms;
    uint64_t defer_until_ms;
};

typedef void (*route_handler)(struct http_ctx *cx);

struct route {
    const char *method;                    /* "GET", "POST", ... */
    const char *pattern;                   /* "/api/v1/vms/{name}/start" */
    route_handler fn;
};

typedef bool (*route_middleware)(struct http_ctx *cx, const struct route *rt);

struct router {
    const struct route *routes;
    unsigned nroutes;
    route_middleware before;               /* NULL: none */
};

/* Fills cx->resp: the handler's answer, or 404/405 in the error format. */
void router_dispatch(const struct router *r, struct http_ctx *cx);

/* The value of parameter name, or NULL. */
const struct http_str *route_param(const struct http_ctx *cx, const char *name);

/* Query parameter key of the request ("?offset=12&max=4"), as a decimal
 * number: 1 and *out when present, 0 when absent, -1 when present but not
 * a number (or above 2^63). Values are not percent-decoded. */
int route_query_u64(const struct http_ctx *cx, const char *key, uint64_t *out);

#endif
