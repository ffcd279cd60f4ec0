/* libFuzzer target: the HTTP request parser (kernel/mgmt/http_parse.c).
 * The input is fed whole and then again in two pieces split where its
 * first byte says, as the connection feeds it; both runs must agree, and
 * whatever the parser hands back must lie inside the buffer and within the
 * documented limits. Crashes and sanitizer reports are the failures. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/http_parse.h"

static void check(int cond)
{
    if (!cond)
        abort();
}

static void inside(struct http_str s, const char *buf, size_t len)
{
    check(s.n == 0 || (s.p >= buf && s.p + s.n <= buf + len));
}

static int run(const char *buf, size_t len, size_t split, struct http_parser *p)
{
    http_parser_init(p);
    int rc = http_parse(p, buf, split);
    if (rc == HTTP_PARSE_MORE)
        rc = http_parse(p, buf, len);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct http_parser a, b;
    if (size == 0)
        return 0;
    /* A private copy, so reads past the end are caught exactly. */
    char *buf = malloc(size);
    memcpy(buf, data, size);
    size_t split = data[0] % size;
    int ra = run(buf, size, size, &a);
    int rb = run(buf, size, split, &b);
    check(ra == rb);
    if (ra == HTTP_PARSE_ERROR) {
        check(a.status >= 400 && a.status <= 505 && a.reason && a.reason[0]);
        check(a.status == b.status);
    } else if (ra == HTTP_PARSE_DONE) {
        const struct http_request *r = &a.req;
        check(r->head_len <= size && r->head_len == b.req.head_len);
        check(r->content_length <= HTTP_BODY_MAX);
        check(r->nheaders <= HTTP_HEADER_COUNT_MAX);
        check(strlen(r->method) >= 1 && strlen(r->method) <= HTTP_METHOD_MAX);
        check(r->version_minor == 0 || r->version_minor == 1);
        inside(r->target, buf, size);
        inside(r->path, buf, size);
        inside(r->query, buf, size);
        check(r->path.n <= r->target.n);
        for (unsigned i = 0; i < r->nheaders; i++) {
            inside(r->headers[i].name, buf, size);
            inside(r->headers[i].value, buf, size);
        }
        http_header_get(r, "host");
    }
    free(buf);
    return 0;
}
