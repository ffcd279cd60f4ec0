/* The HTTP/1.1 request parser (RFC 9112 for the syntax, RFC 9110 for the
 * header semantics it acts on). Two passes: http_parse() scans new bytes
 * only for line ends and the size limits, so a request that trickles in a
 * byte at a time costs O(n) in all; once the head is complete, parse_head()
 * reads it once into struct http_request. Strict on purpose: anything a
 * proxy in front of hv could read differently (bare LF, obsolete folding,
 * both Content-Length and Transfer-Encoding) is refused, not guessed. */
#include "mgmt/http_parse.h"

#define EMPTY_LINES_MAX 4       /* tolerated CRLFs before the request line */

static int fail(struct http_parser *p, int status, const char *reason)
{
    p->status = status;
    p->reason = reason;
    p->result = HTTP_PARSE_ERROR;
    return HTTP_PARSE_ERROR;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool http_str_ieq(struct http_str s, const char *t)
{
    size_t i = 0;
    for (; i < s.n; i++)
        if (!t[i] || lower(s.p[i]) != lower(t[i]))
            return false;
    return t[i] == 0;
}

/* RFC 9110 5.6.2: the characters of a token (method, header name). */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    for (const char *s = "!#$%&'*+-.^_`|~"; *s; s++)
        if (c == (unsigned char)*s)
            return true;
    return false;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Field values: visible characters, obs-text, spaces and tabs. */
static bool value_ok(struct http_str v)
{
    for (size_t i = 0; i < v.n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return false;
    }
    return true;
}

static struct http_str trim(const char *b, const char *e)
{
    while (b < e && is_ows(*b))
        b++;
    while (e > b && is_ows(e[-1]))
        e--;
    return (struct http_str){ b, (size_t)(e - b) };
}

static int parse_request_line(struct http_parser *p, const char *s, size_t n)
{
    struct http_request *r = &p->req;
    size_t i = 0;
    while (i < n && s[i] != ' ') {
        if (!is_tchar((unsigned char)s[i]))
            return fail(p, 400, "invalid character in the method");
        i++;
    }
    if (i == 0)
        return fail(p, 400, "request line does not start with a method");
    if (i > HTTP_METHOD_MAX)
        return fail(p, 501, "method not implemented");
    for (size_t k = 0; k < i; k++)
        r->method[k] = s[k];
    r->method[i] = 0;
    if (i == n)
        return fail(p, 400, "request line has no request target");

    size_t t0 = ++i;
    while (i < n && s[i] != ' ') {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c == 0x7F)
            return fail(p, 400, "control character in the request target");
        i++;
    }
    if (i == t0)
        return fail(p, 400, "empty request target (more than one space after the method?)");
    r->target = (struct http_str){ s + t0, i - t0 };
    if (s[t0] != '/' && !(r->target.n == 1 && s[t0] == '*'))
        return fail(p, 400, "request target must be an absolute path such as /api/v1/host");
    r->path = r->target;
    r->query = (struct http_str){ s + i, 0 };
    for (size_t k = 0; k < r->target.n; k++)
        if (r->target.p[k] == '?') {
            r->path.n = k;
            r->query = (struct http_str){ r->target.p + k + 1, r->target.n - k - 1 };
            break;
        }
    if (i == n)
        return fail(p, 400, "request line has no HTTP version");

    struct http_str v = { s + i + 1, n - i - 1 };
    if (v.n >= 8 && v.p[0] == 'H' && v.p[1] == 'T' && v.p[2] == 'T' && v.p[3] == 'P' &&
        v.p[4] == '/' && v.p[5] >= '0' && v.p[5] <= '9' && v.p[6] == '.' && v.p[7] >= '0' &&
        v.p[7] <= '9') {
        if (v.n > 8)
            return fail(p, 400, "unexpected text after the HTTP version");
        if (v.p[5] != '1' || v.p[7] > '1')
            return fail(p, 505, "HTTP version not supported (use HTTP/1.1)");
        r->version_minor = v.p[7] - '0';
        r->keep_alive = r->version_minor == 1;
        return 0;
    }
    return fail(p, 400, "malformed HTTP version (expected HTTP/1.1)");
}

/* Content-Length: digits only; values beyond the limit are all just "too big". */
static int content_length(struct http_str v, size_t *out)
{
    if (v.n == 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return -1;
        if (n <= HTTP_BODY_MAX)
            n = n * 10 + (size_t)(v.p[i] - '0');
    }
    *out = n;
    return 0;
}

/* Whether the comma-separated list v holds token t (case-insensitive). */
static bool list_has(struct http_str v, const char *t)
{
    const char *b = v.p, *end = v.p + v.n;
    while (b < end) {
        const char *e = b;
        while (e < end && *e != ',')
            e++;
        if (http_str_ieq(trim(b, e), t))
            return true;
        b = e + 1;
    }
    return false;
}

/* The last transfer coding of a Transfer-Encoding list. */
static struct http_str last_coding(struct http_str v)
{
    const char *e = v.p + v.n, *b = e;
    while (b > v.p && b[-1] != ',')
        b--;
    return trim(b, e);
}

static int parse_header_line(struct http_parser *p, const char *s, size_t n)
{
    struct http_request *r = &p->req;
    if (is_ows(s[0]))
        return fail(p, 400, "obsolete line folding in a header field");
    size_t c = 0;
    while (c < n && s[c] != ':')
        c++;
    if (c == n)
        return fail(p, 400, "header line without a colon");
    if (c == 0)
        return fail(p, 400, "empty header field name");
    if (is_ows(s[c - 1]))
        return fail(p, 400, "whitespace between a header field name and its colon");
    for (size_t i = 0; i < c; i++)
        if (!is_tchar((unsigned char)s[i]))
            return fail(p, 400, "invalid character in a header field name");
    struct http_header *h = &r->headers[r->nheaders++];
    h->name = (struct http_str){ s, c };
    h->value = trim(s + c + 1, s + n);
    if (!value_ok(h->value))
        return fail(p, 400, "control character in a header field value");
    return 0;
}

/* What the headers mean for framing and the connection. */
static int apply_headers(struct http_parser *p)
{
    struct http_request *r = &p->req;
    unsigned hosts = 0;
    bool have_cl = false, have_te = false;
    for (unsigned i = 0; i < r->nheaders; i++) {
        const struct http_header *h = &r->headers[i];
        if (http_str_ieq(h->name, "host")) {
            hosts++;
        } else if (http_str_ieq(h->name, "content-length")) {
            size_t n;
            if (content_length(h->value, &n) < 0)
                return fail(p, 400, "malformed Content-Length");
            if (have_cl && n != r->content_length)
                return fail(p, 400, "conflicting Content-Length headers");
            have_cl = true;
            r->content_length = n;
        } else if (http_str_ieq(h->name, "transfer-encoding")) {
            have_te = true;
            if (!http_str_ieq(last_coding(h->value), "chunked"))
                return fail(p, 501, "transfer coding not implemented (send Content-Length)");
        } else if (http_str_ieq(h->name, "connection")) {
            if (list_has(h->value, "close"))
                r->keep_alive = false;
            else if (list_has(h->value, "keep-alive"))
                r->keep_alive = true;
        } else if (http_str_ieq(h->name, "expect")) {
            if (!http_str_ieq(h->value, "100-continue"))
                return fail(p, 417, "unsupported expectation (only 100-continue)");
            r->expect_continue = true;
        }
    }
    if (r->version_minor == 1 && hosts == 0)
        return fail(p, 400, "missing Host header (required in HTTP/1.1)");
    if (hosts > 1)
        return fail(p, 400, "more than one Host header");
    if (have_te && have_cl)
        return fail(p, 400, "both Transfer-Encoding and Content-Length");
    if (have_te)
        return fail(p, 411, "chunked request bodies are not supported: send Content-Length");
    if (r->content_length > HTTP_BODY_MAX)
        return fail(p, 413, "request body larger than 1048576 bytes");
    return 0;
}

/* The head is buf[0, end): request line, header lines, blank line. */
static int parse_head(struct http_parser *p, const char *buf, size_t end)
{
    size_t rl_end = p->headers_start - 2;
    if (parse_request_line(p, buf + p->line_off, rl_end - p->line_off) < 0)
        return HTTP_PARSE_ERROR;
    size_t ls = p->headers_start;
    while (ls < end - 2) {
        size_t le = ls;
        while (buf[le] != '\r')
            le++;
        if (parse_header_line(p, buf + ls, le - ls) < 0)
            return HTTP_PARSE_ERROR;
        ls = le + 2;
    }
    if (apply_headers(p) < 0)
        return HTTP_PARSE_ERROR;
    p->req.head_len = end;
    p->result = HTTP_PARSE_DONE;
    return HTTP_PARSE_DONE;
}

void http_parser_init(struct http_parser *p)
{
    *p = (struct http_parser){ .in_request_line = true };
}

int http_parse(struct http_parser *p, const char *buf, size_t len)
{
    if (p->result != HTTP_PARSE_MORE)
        return p->result;
    for (size_t i = p->scanned; i < len; i++) {
        char c = buf[i];
        if (i > 0 && buf[i - 1] == '\r' && c != '\n')
            return fail(p, 400, "CR not followed by LF in the request head");
        if (c == 0)
            return fail(p, 400, "NUL byte in the request head");
        if (c == '\n') {
            if (i == 0 || buf[i - 1] != '\r')
                return fail(p, 400, "line ends in LF without CR");
            size_t line_len = i - 1 - p->line_start;
            if (p->in_request_line) {
                if (line_len == 0) {
                    if (++p->empty_lines > EMPTY_LINES_MAX)
                        return fail(p, 400, "too many empty lines before the request line");
                } else {
                    p->in_request_line = false;
                    p->line_off = p->line_start;
                    p->headers_start = i + 1;
                }
            } else if (line_len == 0) {
                p->scanned = i + 1;
                return parse_head(p, buf, i + 1);
            } else {
                if (i + 1 - p->headers_start > HTTP_HEADERS_MAX)
                    return fail(p, 431, "header section larger than 16384 bytes");
                if (++p->header_lines > HTTP_HEADER_COUNT_MAX)
                    return fail(p, 431, "more than 64 header fields");
            }
            p->line_start = i + 1;
            continue;
        }
        if (p->in_request_line) {
            size_t n = i + 1 - p->line_start - (c == '\r');
            if (n > HTTP_REQUEST_LINE_MAX)
                return fail(p, 414, "request line longer than 8192 bytes");
        } else if (i + 1 - p->headers_start > HTTP_HEADERS_MAX + 2) {
            return fail(p, 431, "header section larger than 16384 bytes");
        }
    }
    p->scanned = len;
    return HTTP_PARSE_MORE;
}

const struct http_str *http_header_get(const struct http_request *r, const char *name)
{
    for (unsigned i = 0; i < r->nheaders; i++)
        if (http_str_ieq(r->headers[i].name, name))
            return &r->headers[i].value;
    return NULL;
}

const char *http_status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}
