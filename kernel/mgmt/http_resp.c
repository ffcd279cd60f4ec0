/* Building responses: the error format of docs/api.md and the head. */
#include "mgmt/http_resp.h"
#include "mgmt/http_parse.h"

void http_resp_init(struct http_response *r, char *body, size_t cap)
{
    *r = (struct http_response){ .status = 200, .content_type = "application/json" };
    json_init(&r->body, body, cap);
}

void http_resp_error(struct http_response *r, int status, const char *msg, const char *detail,
                     size_t detail_len)
{
    char text[256];
    size_t n = 0;
    for (; msg[n] && n < sizeof(text); n++)
        text[n] = msg[n];
    for (size_t i = 0; detail && i < detail_len && n < sizeof(text); i++)
        text[n++] = detail[i];
    r->status = status;
    r->content_type = "application/json";
    json_init(&r->body, r->body.buf, r->body.cap);
    json_obj_begin(&r->body);
    json_key(&r->body, "error");
    json_obj_begin(&r->body);
    json_key(&r->body, "code");
    json_u64(&r->body, (uint64_t)status);
    json_key(&r->body, "message");
    json_strn(&r->body, text, n);
    json_obj_end(&r->body);
    json_obj_end(&r->body);
}

void http_resp_text(struct http_response *r, int status, const char *text)
{
    r->status = status;
    r->content_type = "text/plain; charset=utf-8";
    json_init(&r->body, r->body.buf, r->body.cap);
    size_t n = 0;
    while (text[n] && n + 1 < r->body.cap) {
        r->body.buf[n] = text[n];
        n++;
    }
    r->body.len = n;
    if (r->body.cap)
        r->body.buf[n] = 0;
    r->body.overflow = text[n] != 0;
}

struct out {
    char *p;
    size_t n, len;
    bool full;
};

static void add(struct out *o, const char *s)
{
    for (; *s; s++) {
        if (o->len + 1 >= o->n) {
            o->full = true;
            return;
        }
        o->p[o->len++] = *s;
    }
}

static void add_u64(struct out *o, uint64_t v)
{
    char b[21];
    json_fmt_u64(b, v);
    add(o, b);
}

size_t http_resp_head(const struct http_response *r, bool keep_alive, const char *server,
                      char *out, size_t n)
{
    struct out o = { out, n, 0, false };
    add(&o, "HTTP/1.1 ");
    add_u64(&o, (uint64_t)r->status);
    add(&o, " ");
    add(&o, http_status_text(r->status));
    add(&o, "\r\nServer: ");
    add(&o, server);
    add(&o, "\r\nContent-Type: ");
    add(&o, r->content_type);
    add(&o, "\r\nContent-Length: ");
    add_u64(&o, r->body.len);
    add(&o, "\r\nCache-Control: no-store\r\n");
    if (r->allow[0]) {
        add(&o, "Allow: ");
        add(&o, r->allow);
        add(&o, "\r\n");
    }
    if (r->headers)
        add(&o, r->headers);
    add(&o, keep_alive && !r->close ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
    if (o.full)
        return 0;
    out[o.len] = 0;
    return o.len;
}
