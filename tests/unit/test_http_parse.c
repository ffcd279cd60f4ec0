/* The HTTP/1.1 request parser (kernel/mgmt/http_parse.c): well-formed
 * requests, every refusal with its status, the limits at their edges,
 * pipelining, and every request fed split at every byte position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/http_parse.h"

/* Parses the whole of s in one call. */
static int parse_all(struct http_parser *p, const char *s, size_t n)
{
    http_parser_init(p);
    return http_parse(p, s, n);
}

static int parse_str(struct http_parser *p, const char *s)
{
    return parse_all(p, s, strlen(s));
}

static void expect_error_n(const char *s, size_t n, int status, const char *reason_part)
{
    struct http_parser p;
    int rc = parse_all(&p, s, n);
    if (rc != HTTP_PARSE_ERROR || p.status != status ||
        (reason_part && !strstr(p.reason, reason_part)))
        fail_msg("%s: rc %d status %d reason %s, wanted %d (%s)", s, rc, p.status,
                 p.reason ? p.reason : "-", status, reason_part ? reason_part : "");
}

static void expect_error(const char *s, int status, const char *reason_part)
{
    expect_error_n(s, strlen(s), status, reason_part);
}

static bool str_is(struct http_str s, const char *t)
{
    return s.n == strlen(t) && memcmp(s.p, t, s.n) == 0;
}

static void simple_get(void **state)
{
    (void)state;
    const char *s = "GET /api/v1/host?x=1 HTTP/1.1\r\nHost: hv\r\nUser-Agent:  t  \r\n\r\n";
    struct http_parser p;
    assert_int_equal(parse_str(&p, s), HTTP_PARSE_DONE);
    assert_string_equal(p.req.method, "GET");
    assert_true(str_is(p.req.target, "/api/v1/host?x=1"));
    assert_true(str_is(p.req.path, "/api/v1/host"));
    assert_true(str_is(p.req.query, "x=1"));
    assert_int_equal(p.req.version_minor, 1);
    assert_true(p.req.keep_alive);
    assert_int_equal(p.req.nheaders, 2);
    assert_true(str_is(*http_header_get(&p.req, "user-agent"), "t"));
    assert_true(str_is(*http_header_get(&p.req, "HOST"), "hv"));
    assert_null(http_header_get(&p.req, "accept"));
    assert_int_equal(p.req.head_len, strlen(s));
    assert_int_equal(p.req.content_length, 0);
}

static void keep_alive_rules(void **state)
{
    (void)state;
    struct http_parser p;
    assert_int_equal(parse_str(&p, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
                     HTTP_PARSE_DONE);
    assert_false(p.req.keep_alive);
    assert_int_equal(parse_str(&p, "GET / HTTP/1.1\r\nHost: a\r\nconnection: Upgrade, CLOSE\r\n\r\n"),
                     HTTP_PARSE_DONE);
    assert_false(p.req.keep_alive);
    assert_int_equal(parse_str(&p, "GET / HTTP/1.0\r\n\r\n"), HTTP_PARSE_DONE);
    assert_false(p.req.keep_alive);
    assert_int_equal(p.req.version_minor, 0);
    assert_int_equal(parse_str(&p, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
                     HTTP_PARSE_DONE);
    assert_true(p.req.keep_alive);
}

static void body_length(void **state)
{
    (void)state;
    struct http_parser p;
    const char *s = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
    assert_int_equal(parse_str(&p, s), HTTP_PARSE_DONE);
    assert_int_equal(p.req.content_length, 5);
    assert_int_equal(p.req.head_len, strlen(s) - 5);
    /* The same value twice is allowed (RFC 9112 6.3). */
    assert_int_equal(parse_str(&p, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                                   "Content-Length: 5\r\n\r\n"), HTTP_PARSE_DONE);
    char big[128];
    snprintf(big, sizeof(big), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: %u\r\n\r\n",
             HTTP_BODY_MAX);
    assert_int_equal(parse_str(&p, big), HTTP_PARSE_DONE);
    assert_int_equal(p.req.content_length, HTTP_BODY_MAX);
    assert_int_equal(parse_str(&p, "POST /x HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n"
                                   "Content-Length: 1\r\n\r\n"), HTTP_PARSE_DONE);
    assert_true(p.req.expect_continue);
}

static void empty_lines_before(void **state)
{
    (void)state;
    struct http_parser p;
    assert_int_equal(parse_str(&p, "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_PARSE_DONE);
    assert_string_equal(p.req.method, "GET");
    expect_error("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", 400, "empty lines");
}

static void malformed(void **state)
{
    (void)state;
    expect_error(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "does not start with a method");
    expect_error("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "character in the method");
    expect_error("GET\r\nHost: a\r\n\r\n", 400, "no request target");
    expect_error("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "empty request target");
    expect_error("GET api HTTP/1.1\r\nHost: a\r\n\r\n", 400, "absolute path");
    expect_error("GET http://hv/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "absolute path");
    expect_error("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "control character in the request target");
    expect_error("GET /\r\nHost: a\r\n\r\n", 400, "no HTTP version");
    expect_error("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, "after the HTTP version");
    expect_error("GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400, "after the HTTP version");
    expect_error("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version");
    expect_error("GET / http/1.1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version");
    expect_error("GET / HTTP/1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version");
    expect_error("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "not supported");
    expect_error("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505, "not supported");
    expect_error("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505, "not supported");
    expect_error("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\nHost: a\r\n\r\n", 501, "method");
    expect_error("GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "LF without CR");
    expect_error("GET / HTTP/1.1\r\nHost: a\n\n", 400, "LF without CR");
    expect_error("GET / HTTP/1.1\rHost: a\r\n\r\n", 400, "CR not followed by LF");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400, "CR not followed by LF");
    static const char nul[] = "GET / HTTP/1.1\r\nHost: a\r\nX: \0\r\n\r\n";
    expect_error_n(nul, sizeof(nul) - 1, 400, "NUL");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n", 400, "control character in a header");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", 400, "control character in a header");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "folding");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, "without a colon");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400, "empty header field name");
    expect_error("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "whitespace between");
    expect_error("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", 400, "invalid character in a header field name");
    expect_error("GET / HTTP/1.1\r\n\r\n", 400, "missing Host");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "more than one Host");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400, "malformed Content-Length");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "malformed Content-Length");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\n", 400, "malformed Content-Length");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400, "malformed Content-Length");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400,
                 "conflicting");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                 400, "both");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "chunked");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 411, "chunked");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "transfer coding");
    expect_error("POST / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n", 417, "expectation");
}

static void body_too_large(void **state)
{
    (void)state;
    char s[128];
    snprintf(s, sizeof(s), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: %u\r\n\r\n",
             HTTP_BODY_MAX + 1);
    expect_error(s, 413, "larger than");
    expect_error("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n",
                 413, "larger than");
}

/* A request line of exactly n bytes (without CRLF), then a Host header. */
static char *request_line_of(size_t n)
{
    const char *pre = "GET /", *post = " HTTP/1.1";
    char *s = malloc(n + 64);
    size_t fill = n - strlen(pre) - strlen(post);
    strcpy(s, pre);
    memset(s + strlen(pre), 'a', fill);
    strcpy(s + strlen(pre) + fill, post);
    strcat(s, "\r\nHost: a\r\n\r\n");
    return s;
}

static void request_line_limit(void **state)
{
    (void)state;
    struct http_parser p;
    char *ok = request_line_of(HTTP_REQUEST_LINE_MAX);
    assert_int_equal(parse_str(&p, ok), HTTP_PARSE_DONE);
    char *bad = request_line_of(HTTP_REQUEST_LINE_MAX + 1);
    expect_error(bad, 414, "longer than 8192");
    /* Refused as soon as the limit is passed, without waiting for the CRLF. */
    http_parser_init(&p);
    assert_int_equal(http_parse(&p, bad, HTTP_REQUEST_LINE_MAX), HTTP_PARSE_MORE);
    assert_int_equal(http_parse(&p, bad, HTTP_REQUEST_LINE_MAX + 1), HTTP_PARSE_ERROR);
    assert_int_equal(p.status, 414);
    free(ok);
    free(bad);
}

/* "GET / HTTP/1.1\r\n" + headers totalling exactly size bytes (CRLFs included). */
static char *headers_of(size_t size, unsigned count)
{
    char *s = malloc(size + 64);
    strcpy(s, "GET / HTTP/1.1\r\n");
    size_t at = strlen(s);
    size_t each = size / count;
    for (unsigned i = 0; i < count; i++) {
        size_t len = i + 1 == count ? size - each * (count - 1) : each;
        int k = sprintf(s + at, i == 0 ? "Host:" : "X%u:", i);
        memset(s + at + k, 'v', len - 2 - (size_t)k);
        memcpy(s + at + len - 2, "\r\n", 2);
        at += len;
    }
    strcpy(s + at, "\r\n");
    return s;
}

static void header_limits(void **state)
{
    (void)state;
    struct http_parser p;
    char *s = headers_of(HTTP_HEADERS_MAX, 4);
    assert_int_equal(parse_str(&p, s), HTTP_PARSE_DONE);
    free(s);
    s = headers_of(HTTP_HEADERS_MAX + 1, 4);
    expect_error(s, 431, "16384");
    free(s);
    s = headers_of(HTTP_HEADERS_MAX + 100, 1);
    expect_error(s, 431, "16384");
    free(s);
    s = headers_of(64 * 8, 64);
    assert_int_equal(parse_str(&p, s), HTTP_PARSE_DONE);
    assert_int_equal(p.req.nheaders, 64);
    free(s);
    s = headers_of(65 * 8, 65);
    expect_error(s, 431, "64 header");
    free(s);
    /* An endless header line is cut off at the limit, not at its end. */
    size_t n = 20 + HTTP_HEADERS_MAX + 10;
    char *endless = malloc(n);
    memcpy(endless, "GET / HTTP/1.1\r\nX: ", 19);
    memset(endless + 19, 'v', n - 19);
    assert_int_equal(parse_all(&p, endless, n), HTTP_PARSE_ERROR);
    assert_int_equal(p.status, 431);
    free(endless);
}

/* Every request, fed one more byte at a time and split at every position,
 * gives the same answer as in one piece. */
static const char *const corpus[] = {
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "\r\nPOST /api/v1/vms/x/start HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
    "GET / HTTP/1.0\r\nConnection: keep-alive\r\nX:\r\n\r\n",
    "GET / HTTP/1.1\nHost: a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\rX\r\n\r\n",
    "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    "BAD REQUEST\r\n\r\n",
};

static void split_everywhere(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(corpus) / sizeof(corpus[0]); c++) {
        const char *s = corpus[c];
        size_t n = strlen(s);
        struct http_parser whole;
        int want = parse_all(&whole, s, n);
        /* one byte at a time */
        struct http_parser p;
        http_parser_init(&p);
        int rc = HTTP_PARSE_MORE;
        for (size_t i = 1; i <= n && rc == HTTP_PARSE_MORE; i++)
            rc = http_parse(&p, s, i);
        assert_int_equal(rc, want);
        assert_int_equal(p.status, whole.status);
        if (rc == HTTP_PARSE_DONE) {
            assert_int_equal(p.req.head_len, whole.req.head_len);
            assert_int_equal(p.req.nheaders, whole.req.nheaders);
        }
        /* two pieces, split at every position */
        for (size_t cut = 0; cut <= n; cut++) {
            http_parser_init(&p);
            rc = http_parse(&p, s, cut);
            if (rc == HTTP_PARSE_MORE)
                rc = http_parse(&p, s, n);
            assert_int_equal(rc, want);
            assert_int_equal(p.status, whole.status);
            if (rc == HTTP_PARSE_DONE)
                assert_int_equal(p.req.content_length, whole.req.content_length);
        }
    }
}

static void pipelined(void **state)
{
    (void)state;
    const char *s = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                    "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
                    "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const char *want[] = { "/a", "/b", "/c" };
    size_t off = 0, n = strlen(s);
    for (int k = 0; k < 3; k++) {
        struct http_parser p;
        assert_int_equal(parse_all(&p, s + off, n - off), HTTP_PARSE_DONE);
        assert_true(str_is(p.req.path, want[k]));
        if (k == 1)
            assert_memory_equal(s + off + p.req.head_len, "body", 4);
        assert_int_equal(p.req.keep_alive, k != 2);
        off += p.req.head_len + p.req.content_length;
    }
    assert_int_equal(off, n);
}

static void result_is_sticky(void **state)
{
    (void)state;
    struct http_parser p;
    assert_int_equal(parse_str(&p, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_PARSE_DONE);
    assert_int_equal(http_parse(&p, "xxxx", 4), HTTP_PARSE_DONE);
    assert_int_equal(parse_str(&p, "GET / HTTP/1.1\n"), HTTP_PARSE_ERROR);
    assert_int_equal(http_parse(&p, "GET / HTTP/1.1\r\n", 16), HTTP_PARSE_ERROR);
}

static void status_text(void **state)
{
    (void)state;
    assert_string_equal(http_status_text(404), "Not Found");
    assert_string_equal(http_status_text(431), "Request Header Fields Too Large");
    assert_string_equal(http_status_text(299), "Unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simple_get),
        cmocka_unit_test(keep_alive_rules),
        cmocka_unit_test(body_length),
        cmocka_unit_test(empty_lines_before),
        cmocka_unit_test(malformed),
        cmocka_unit_test(body_too_large),
        cmocka_unit_test(request_line_limit),
        cmocka_unit_test(header_limits),
        cmocka_unit_test(split_everywhere),
        cmocka_unit_test(pipelined),
        cmocka_unit_test(result_is_sticky),
        cmocka_unit_test(status_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
