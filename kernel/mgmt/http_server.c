/* The HTTP layer over the transport (conn.h): one session per connection
 * that buffers a request, parses it (http_parse.c), routes it (router.c)
 * and queues the answer. Requests on one connection are answered in order,
 * one at a time: while an answer is still going out, input waits in the
 * transport (and in the TCP window), which bounds what a pipelining or
 * non-reading client can make hv hold.
 *
 * Timeouts, checked on the transport's 1 s tick: a request head must be
 * complete within HTTP_HEAD_TIMEOUT_MS of its first byte (slowloris), and
 * a connection with no traffic for HTTP_IDLE_TIMEOUT_MS is closed; a
 * request cut off mid-way gets 408 first. */
#include <stdbool.h>
#include "mgmt/http_server.h"
#include "mgmt/api.h"
#include "mgmt/audit.h"
#include "mgmt/auth.h"
#include "mgmt/conn.h"
#include "mgmt/http_parse.h"
#include "mgmt/http_resp.h"
#include "mgmt/router.h"
#include "lib/string.h"
#include "mm/heap.h"

#define IN_CAP    (HTTP_HEAD_MAX + 1024)   /* > any acceptable head */
#define RESP_MAX  (32 * 1024)              /* largest response body */
#define HEAD_MAX  512                      /* response status line + headers */
#define SERVER    "hv/" HV_VERSION

struct session {
    struct conn *conn;
    char *in;                              /* the current request's head, then what follows */
    size_t in_len;
    struct http_parser parser;
    bool head_done;
    char *body;                            /* content_length bytes, kmalloc'd */
    size_t body_have, body_from_in;        /* bytes so far; of those, taken from in */
    char *out;                             /* the answer being sent */
    size_t out_len, out_off;
    bool close_after;                      /* close once out is sent; input is dropped */
    uint64_t req_start;                    /* ms of the current request's first byte; 0 none */
    uint64_t last_rx, last_tx;             /* ms of the last progress each way */
    uint64_t deferred_since;               /* a long-poll waits (router.h); 0 none */
};

static const char *hostname = "hv";

static const struct route routes[] = {
    { "GET", "/", api_root },
    { "GET", "/metrics", api_metrics },
    { "POST", "/api/v1/session", api_session_create },
    { "DELETE", "/api/v1/session", api_session_delete },
    { "GET", "/api/v1/host", api_host_get },
    { "GET", "/api/v1/disks", api_disks },
    { "GET", "/api/v1/network", api_network },
    { "GET", "/api/v1/events", api_events },
    { "GET", "/api/v1/audit", api_audit_get },
    { "GET", "/api/v1/vms", api_vms_list },
    { "POST", "/api/v1/vms", api_vm_create },
    { "GET", "/api/v1/vms/{name}", api_vm_get },
    { "PATCH", "/api/v1/vms/{name}", api_vm_patch },
    { "DELETE", "/api/v1/vms/{name}", api_vm_delete },
    { "POST", "/api/v1/vms/{name}/start", api_vm_start },
    { "POST", "/api/v1/vms/{name}/stop", api_vm_stop },
    { "POST", "/api/v1/vms/{name}/reset", api_vm_reset },
    { "POST", "/api/v1/vms/{name}/pause", api_vm_pause },
    { "POST", "/api/v1/vms/{name}/resume", api_vm_resume },
    { "POST", "/api/v1/vms/{name}/shutdown", api_vm_shutdown },
    { "GET", "/api/v1/vms/{name}/console", api_console_get },
    { "POST", "/api/v1/vms/{name}/console", api_console_post },
};

/* Every route but GET / and the login needs a Bearer token (auth.c);
 * every request that asks for a change is audited (audit.c). */
static const struct router router = { routes, sizeof(routes) / sizeof(routes[0]), auth_before };

const char *http_server_hostname(void)
{
    return hostname;
}

static void flush(struct session *s)
{
    while (s->out_off < s->out_len) {
        size_t n = conn_send(s->conn, s->out + s->out_off, s->out_len - s->out_off);
        if (n == 0)
            return;                        /* writable() continues */
        s->out_off += n;
        s->last_tx = conn_now_ms();
    }
    kfree(s->out);
    s->out = NULL;
    s->out_len = s->out_off = 0;
    if (s->close_after)
        conn_close(s->conn);               /* may free s (closed()) */
}

/* Serialises resp as the answer; HEAD gets the head only. True when the
 * session goes on; false when it closes or was aborted (s may be gone). */
static bool queue(struct session *s, struct http_response *resp, bool keep_alive, bool head_only)
{
    char head[HEAD_MAX];
    if (resp->body.overflow)
        http_resp_error(resp, 500, "response too large", NULL, 0);
    bool keep = keep_alive && !resp->close;
    size_t hl = http_resp_head(resp, keep, SERVER, head, sizeof(head));
    size_t bl = head_only ? 0 : resp->body.len;
    s->out = kmalloc(hl + bl);
    if (!s->out || hl == 0) {
        kfree(s->out);
        s->out = NULL;
        conn_abort(s->conn);               /* frees s */
        return false;
    }
    memcpy(s->out, head, hl);
    memcpy(s->out + hl, resp->body.buf, bl);
    s->out_len = hl + bl;
    s->out_off = 0;
    if (!keep)
        s->close_after = true;
    flush(s);                              /* when closing, s may be gone after this */
    return keep;
}

static char resp_body[RESP_MAX];           /* one request at a time: net.c's lock */

/* An error the connection cannot continue after. */
static void fail(struct session *s, int status, const char *reason)
{
    struct http_response resp;
    http_resp_init(&resp, resp_body, sizeof(resp_body));
    http_resp_error(&resp, status, reason, NULL, 0);
    resp.close = true;
    queue(s, &resp, false, false);
}

/* True when the session goes on (answered, or a long-poll now waits:
 * s->deferred_since set); false when it closes (s may be gone). */
static bool answer(struct session *s)
{
    const struct http_request *req = &s->parser.req;
    struct http_response resp;
    http_resp_init(&resp, resp_body, sizeof(resp_body));
    uint64_t now = conn_now_ms();
    struct http_ctx cx = { .req = req, .body = s->body, .resp = &resp,
                           .peer = conn_peer(s->conn), .now_ms = now,
                           .since_ms = s->deferred_since ? s->deferred_since : now };
    router_dispatch(&router, &cx);
    if (cx.defer_until_ms > now) {
        s->deferred_since = cx.since_ms;   /* on_tick asks again */
        return true;
    }
    s->deferred_since = 0;
    audit_request(&cx);
    return queue(s, &resp, req->keep_alive, strcmp(req->method, "HEAD") == 0);
}

/* The answered request leaves the buffer; a pipelined one may follow. */
static void next_request(struct session *s)
{
    size_t used = s->parser.req.head_len + s->body_from_in;
    memmove(s->in, s->in + used, s->in_len - used);
    s->in_len -= used;
    kfree(s->body);
    s->body = NULL;
    s->body_have = s->body_from_in = 0;
    s->head_done = false;
    http_parser_init(&s->parser);
    s->req_start = s->in_len ? conn_now_ms() : 0;
}

static void process(struct session *s)
{
    while (!s->close_after && s->out_off == s->out_len) {
        if (!s->head_done) {
            if (s->in_len == 0)
                return;
            int rc = http_parse(&s->parser, s->in, s->in_len);
            if (rc == HTTP_PARSE_MORE)
                return;
            if (rc == HTTP_PARSE_ERROR) {
                fail(s, s->parser.status, s->parser.reason);
                return;
            }
            s->head_done = true;
            size_t cl = s->parser.req.content_length;
            if (cl) {
                s->body = kmalloc(cl);
                if (!s->body) {
                    fail(s, 503, "out of memory for the request body");
                    return;
                }
                size_t extra = s->in_len - s->parser.req.head_len;
                size_t k = extra < cl ? extra : cl;
                memcpy(s->body, s->in + s->parser.req.head_len, k);
                s->body_have = s->body_from_in = k;
                if (k < cl && s->parser.req.expect_continue) {
                    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                    conn_send(s->conn, cont, sizeof(cont) - 1);
                }
            }
        }
        if (s->body_have < s->parser.req.content_length)
            return;
        if (!answer(s))                    /* closing: s may be gone */
            return;
        if (s->deferred_since)
            return;                        /* a long-poll: on_tick goes on */
        next_request(s);
    }
}

static void *on_opened(struct conn *c)
{
    struct session *s = kzalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->in = kmalloc(IN_CAP);
    if (!s->in) {
        kfree(s);
        return NULL;
    }
    s->conn = c;
    http_parser_init(&s->parser);
    s->last_rx = s->last_tx = conn_now_ms();
    return s;
}

static size_t on_input(void *st, const char *p, size_t n)
{
    struct session *s = st;
    if (s->close_after)
        return n;                          /* nothing more will be answered */
    if (s->out_off < s->out_len || s->deferred_since)
        return 0;                          /* one answer at a time */
    uint64_t now = conn_now_ms();
    s->last_rx = now;
    size_t take;
    if (s->head_done) {
        take = s->parser.req.content_length - s->body_have;
        take = n < take ? n : take;
        memcpy(s->body + s->body_have, p, take);
        s->body_have += take;
    } else {
        take = IN_CAP - s->in_len;
        take = n < take ? n : take;
        memcpy(s->in + s->in_len, p, take);
        s->in_len += take;
        if (!s->req_start)
            s->req_start = now;
    }
    process(s);                            /* s may be gone now, but take is ours */
    return take;
}

static void on_writable(void *st)
{
    struct session *s = st;
    if (s->out_off == s->out_len)
        return;
    bool closing = s->close_after;
    flush(s);                              /* may free s when closing */
    if (!closing && s->out_off == s->out_len)
        process(s);                        /* a pipelined request may be waiting */
}

static bool on_busy(void *st)
{
    const struct session *s = st;
    return s->out_off < s->out_len;
}

static void on_tick(void *st, uint64_t now)
{
    struct session *s = st;
    audit_flush(now);                      /* a retry, when a write failed */
    if (s->out_off < s->out_len) {
        if (now - s->last_tx >= HTTP_IDLE_TIMEOUT_MS)
            conn_abort(s->conn);           /* the client does not read */
        return;
    }
    if (s->close_after)
        return;
    if (s->deferred_since) {
        process(s);                        /* the long-poll's handler again */
        return;
    }
    if (s->req_start && !s->head_done && now - s->req_start >= HTTP_HEAD_TIMEOUT_MS) {
        fail(s, 408, "request head not complete within 10 s");
        return;
    }
    if (now - s->last_rx >= HTTP_IDLE_TIMEOUT_MS) {
        if (s->in_len || s->head_done)
            fail(s, 408, "no data for 30 s in the middle of a request");
        else
            conn_close(s->conn);           /* an idle kept-alive connection */
    }
}

static void on_closed(void *st)
{
    struct session *s = st;
    kfree(s->in);
    kfree(s->body);
    kfree(s->out);
    kfree(s);
}

static const struct conn_upper upper = {
    .opened = on_opened,
    .input = on_input,
    .writable = on_writable,
    .busy = on_busy,
    .tick = on_tick,
    .closed = on_closed,
    .busy_response = "HTTP/1.1 503 Service Unavailable\r\nServer: " SERVER "\r\n"
                     "Content-Type: application/json\r\nContent-Length: 78\r\n"
                     "Connection: close\r\n\r\n"
                     "{\"error\":{\"code\":503,\"message\":\"too many connections (128); try again later\"}}",
};

int http_server_start(const char *name)
{
    hostname = name;
    return conn_listen(HTTP_SERVER_PORT, HTTP_SERVER_CONNS, &upper);
}
