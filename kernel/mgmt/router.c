/* The router: a linear walk over a small table (a few dozen routes at
 * most), matching segment by segment, so no pattern compiler is needed. */
#include "mgmt/router.h"

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Whether path matches pattern; captures {name} segments into cx. */
static bool match(const char *pat, struct http_str path, struct http_ctx *cx)
{
    const char *s = path.p, *end = path.p + path.n;
    unsigned np = 0;
    while (*pat) {
        if (s == end || *pat != '/' || *s != '/')
            return false;
        pat++, s++;
        const char *seg = s;
        while (s < end && *s != '/')
            s++;
        size_t seg_len = (size_t)(s - seg);
        if (*pat == '{') {
            const char *name = ++pat;
            while (*pat && *pat != '}')
                pat++;
            if (seg_len == 0 || np == ROUTE_PARAMS_MAX)
                return false;
            cx->params[np++] = (struct route_param){ name, (size_t)(pat - name), { seg, seg_len } };
            if (*pat)
                pat++;
        } else {
            for (size_t i = 0; i < seg_len; i++, pat++)
                if (*pat != seg[i])
                    return false;
            if (*pat && *pat != '/')
                return false;
        }
    }
    if (s != end)
        return false;
    cx->nparams = np;
    return true;
}

static void allow_add(char *allow, const char *m)
{
    size_t n = 0;
    while (allow[n])
        n++;
    /* Already listed? Methods are short; a substring test with delimiters will do. */
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        while (m[k] && allow[i + k] == m[k])
            k++;
        if (!m[k] && (allow[i + k] == ',' || allow[i + k] == 0))
            return;
        while (i < n && allow[i] != ',')
            i++;
        i += 2;
    }
    size_t ml = 0;
    while (m[ml])
        ml++;
    if (n + ml + 3 > HTTP_ALLOW_MAX)
        return;
    if (n) {
        allow[n++] = ',';
        allow[n++] = ' ';
    }
    for (size_t k = 0; k <= ml; k++)
        allow[n + k] = m[k];
}

void router_dispatch(const struct router *r, struct http_ctx *cx)
{
    const struct http_request *req = cx->req;
    const char *method = same(req->method, "HEAD") ? "GET" : req->method;
    bool path_known = false;
    char allow[HTTP_ALLOW_MAX] = "";
    for (unsigned i = 0; i < r->nroutes; i++) {
        const struct route *rt = &r->routes[i];
        if (!match(rt->pattern, req->path, cx))
            continue;
        if (same(rt->method, method)) {
            if (!r->before || r->before(cx, rt))
                rt->fn(cx);
            return;
        }
        path_known = true;
        allow_add(allow, rt->method);
        if (same(rt->method, "GET"))
            allow_add(allow, "HEAD");
    }
    cx->nparams = 0;
    if (!path_known) {
        http_resp_error(cx->resp, 404, "no such endpoint: ", req->path.p, req->path.n);
        return;
    }
    char msg[HTTP_METHOD_MAX + 64];
    size_t n = 0;
    for (const char *s = "method "; *s; s++)
        msg[n++] = *s;
    for (const char *s = req->method; *s; s++)
        msg[n++] = *s;
    for (const char *s = " not allowed here; allowed: "; *s; s++)
        msg[n++] = *s;
    msg[n] = 0;
    size_t allow_len = 0;
    while (allow[allow_len])
        allow_len++;
    http_resp_error(cx->resp, 405, msg, allow, allow_len);
    for (size_t k = 0; k < HTTP_ALLOW_MAX; k++)
        cx->resp->allow[k] = allow[k];
}

const struct http_str *route_param(const struct http_ctx *cx, const char *name)
{
    for (unsigned i = 0; i < cx->nparams; i++) {
        const struct route_param *p = &cx->params[i];
        size_t k = 0;
        while (k < p->name_len && name[k] == p->name[k])
            k++;
        if (k == p->name_len && name[k] == 0)
            return &p->value;
    }
    return NULL;
}

int route_query_u64(const struct http_ctx *cx, const char *key, uint64_t *out)
{
    const char *q = cx->req->query.p, *end = q + cx->req->query.n;
    while (q < end) {
        const char *amp = q;
        while (amp < end && *amp != '&')
            amp++;
        size_t k = 0;
        while (key[k] && q + k < amp && q[k] == key[k])
            k++;
        if (!key[k] && q + k < amp && q[k] == '=') {
            const char *v = q + k + 1;
            if (v == amp)
                return -1;
            uint64_t n = 0;
            for (; v < amp; v++) {
                if (*v < '0' || *v > '9' || n > (UINT64_MAX >> 1) / 10)
                    return -1;
                n = n * 10 + (uint64_t)(*v - '0');
            }
            *out = n;
            return 1;
        }
        q = amp + 1;
    }
    return 0;
}
