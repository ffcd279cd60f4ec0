/* An incremental HTTP/1.1 request parser: request line and header section,
 * then the length of the body that follows. Pure C, no kernel and no lwIP:
 * the unit tests (tests/unit/test_http_parse.c) build it on the host.
 *
 * Usage: the connection keeps the request's bytes in one buffer and calls
 * http_parse() every time more arrived, with the whole buffer so far. Each
 * call scans only the new bytes; once the blank line that ends the head is
 * there it parses the head once and returns HTTP_PARSE_DONE. The request
 * then points into that buffer (which must not move while it is in use);
 * its body is the content_length bytes after head_len. Bytes after that
 * belong to the next (pipelined) request: the caller drops the first
 * head_len + content_length bytes and parses again with a fresh parser.
 *
 * Every malformed or refused request gives HTTP_PARSE_ERROR with a status
 * (400, 411, 413, 414, 417, 431, 501, 505) and a reason meant for the
 * client; after an error the connection cannot be resynchronised and is
 * closed once the answer is out.
 */
#ifndef HV_MGMT_HTTP_PARSE_H
#define HV_MGMT_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_REQUEST_LINE_MAX 8192         /* bytes, without its CRLF */
#define HTTP_HEADERS_MAX      16384        /* the header section, CRLFs included */
#define HTTP_HEADER_COUNT_MAX 64
#define HTTP_BODY_MAX         (1u << 20)   /* Content-Length above this: 413 */
#define HTTP_METHOD_MAX       16
/* The longest head the parser can accept: what the connection must buffer. */
#define HTTP_HEAD_MAX         (HTTP_REQUEST_LINE_MAX + 2 + HTTP_HEADERS_MAX + 2 + 64)

enum http_parse_result {
    HTTP_PARSE_ERROR = -1,
    HTTP_PARSE_MORE = 0,                   /* the head is not complete yet */
    HTTP_PARSE_DONE = 1,
};

/* A piece of the caller's buffer; not NUL-terminated. */
struct http_str {
    const char *p;
    size_t n;
};

struct http_header {
    struct http_str name;                  /* as sent; compare case-insensitively */
    struct http_str value;                 /* without surrounding spaces and tabs */
};

struct http_request {
    char method[HTTP_METHOD_MAX + 1];      /* NUL-terminated, case as sent */
    struct http_str target;                /* the request target: path and query */
    struct http_str path;                  /* target up to '?' */
    struct http_str query;                 /* after '?', empty when none */
    int version_minor;                     /* HTTP/1.<minor>: 0 or 1 */
    struct http_header headers[HTTP_HEADER_COUNT_MAX];
    unsigned nheaders;
    size_t head_len;                       /* bytes of the head, final blank line included */
    size_t content_length;                 /* 0 when there is no body */
    bool keep_alive;                       /* HTTP/1.1 unless "close"; 1.0 only with "keep-alive" */
    bool expect_continue;                  /* "Expect: 100-continue" */
};

struct http_parser {
    int result;                            /* an enum http_parse_result */
    size_t scanned;                        /* bytes of the buffer already looked at */
    size_t line_start;                     /* where the line being scanned begins */
    unsigned empty_lines;                  /* before the request line (tolerated, RFC 9112 2.2) */
    bool in_request_line;                  /* still before the request line's CRLF */
    size_t line_off;                       /* where the request line begins */
    size_t headers_start;                  /* first byte after the request line */
    unsigned header_lines;
    int status;                            /* HTTP status when HTTP_PARSE_ERROR */
    const char *reason;                    /* why, for the client (static string) */
    struct http_request req;               /* valid after HTTP_PARSE_DONE */
};

void http_parser_init(struct http_parser *p);

/* buf holds the request's bytes from its first one (len grows between
 * calls; earlier bytes must not change). HTTP_PARSE_MORE, _DONE or _ERROR;
 * after _DONE or _ERROR the result stays put until http_parser_init. */
int http_parse(struct http_parser *p, const char *buf, size_t len);

/* The value of the first header called name (case-insensitive), or NULL. */
const struct http_str *http_header_get(const struct http_request *r, const char *name);

/* Whether s equals the NUL-terminated t, ignoring ASCII case. */
bool http_str_ieq(struct http_str s, const char *t);

/* The standard reason phrase of status ("Not Found"), "Unknown" if none. */
const char *http_status_text(int status);

#endif
