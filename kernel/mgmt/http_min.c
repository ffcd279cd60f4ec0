/* The smallest useful HTTP/1.0 server: reads one request head (up to
 * REQ_MAX bytes), answers from a fixed table and closes. A client that
 * sends nothing useful for IDLE_POLLS lwIP poll periods is dropped, so a
 * stalled request cannot hold a connection forever. */
#include <stdbool.h>
#include "mgmt/http_min.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#include "lwip/tcp.h"

#define HTTP_PORT  80
#define HTTP_CONNS 8
#define REQ_MAX    1024
#define RESP_MAX   512
#define IDLE_POLLS 20                  /* tcp_poll interval 2: 20 x 1 s */

struct http_conn {
    struct tcp_pcb *pcb;               /* NULL: slot free */
    char req[REQ_MAX];
    unsigned len;
    unsigned idle;
    bool answered;
};

static struct http_conn conns[HTTP_CONNS];
static const char *host;

static void conn_release(struct http_conn *c)
{
    tcp_arg(c->pcb, NULL);
    tcp_recv(c->pcb, NULL);
    tcp_sent(c->pcb, NULL);
    tcp_err(c->pcb, NULL);
    tcp_poll(c->pcb, NULL, 0);
    c->pcb = NULL;
}

static err_t conn_close(struct http_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    conn_release(c);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

static bool head_complete(const struct http_conn *c)
{
    for (unsigned i = 3; i < c->len; i++)
        if (c->req[i - 3] == '\r' && c->req[i - 2] == '\n' && c->req[i - 1] == '\r' &&
            c->req[i] == '\n')
            return true;
    return false;
}

/* Fills resp with the answer to the request line in c->req. */
static int build_response(const struct http_conn *c, char *resp, size_t n)
{
    int status = 400;
    const char *reason = "Bad Request";
    char body[128];
    const char *r = c->req;
    if (strncmp(r, "GET ", 4) == 0 || strncmp(r, "HEAD ", 5) == 0) {
        const char *path = r + (r[0] == 'G' ? 4 : 5);
        unsigned plen = 0;
        while (path + plen < r + c->len && path[plen] != ' ' && path[plen] != '\r')
            plen++;
        if (plen == 1 && path[0] == '/') {
            status = 200;
            reason = "OK";
        } else {
            status = 404;
            reason = "Not Found";
        }
    } else if (c->len > 0 && r[0] >= 'A' && r[0] <= 'Z') {
        status = 405;
        reason = "Method Not Allowed";
    }
    if (status == 200)
        ksnprintf(body, sizeof(body), "hv %s on %s\n", HV_VERSION, host);
    else
        ksnprintf(body, sizeof(body), "%d %s\n", status, reason);
    bool head = strncmp(r, "HEAD ", 5) == 0;
    return ksnprintf(resp, n,
                     "HTTP/1.0 %d %s\r\nServer: hv/%s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s",
                     status, reason, HV_VERSION, strlen(body),
                     status == 405 ? "Allow: GET, HEAD\r\n" : "", head ? "" : body);
}

static err_t answer(struct http_conn *c)
{
    char resp[RESP_MAX];
    int n = build_response(c, resp, sizeof(resp));
    if (n < 0 || n >= (int)sizeof(resp))
        n = (int)strlen(resp);
    c->answered = true;
    if (tcp_write(c->pcb, resp, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
        return conn_close(c);
    tcp_output(c->pcb);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct http_conn *c = arg;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        return conn_close(c);
    }
    tcp_recved(pcb, p->tot_len);
    c->idle = 0;
    if (!c->answered) {
        unsigned room = REQ_MAX - c->len;
        unsigned take = p->tot_len < room ? p->tot_len : room;
        pbuf_copy_partial(p, c->req + c->len, (u16_t)take, 0);
        c->len += take;
        pbuf_free(p);
        if (head_complete(c) || c->len == REQ_MAX)
            return answer(c);          /* an oversized head gets its 400 at once */
        return ERR_OK;
    }
    pbuf_free(p);                      /* anything after the request is ignored */
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct http_conn *c = arg;
    (void)len;
    if (c && c->answered && tcp_sndqueuelen(pcb) == 0)
        return conn_close(c);
    return ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    struct http_conn *c = arg;
    if (!c) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if (++c->idle >= IDLE_POLLS) {
        conn_release(c);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct http_conn *c = arg;
    (void)err;
    if (c)
        c->pcb = NULL;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct http_conn *c = NULL;
    for (unsigned i = 0; i < HTTP_CONNS && !c; i++)
        if (!conns[i].pcb)
            c = &conns[i];
    if (!c) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->pcb = pcb;
    c->len = 0;
    c->idle = 0;
    c->answered = false;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, 2);
    return ERR_OK;
}

int http_min_start(const char *hostname)
{
    host = hostname;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb)
        return -E_NOMEM;
    if (tcp_bind(pcb, IP_ANY_TYPE, HTTP_PORT) != ERR_OK) {
        tcp_close(pcb);
        return -E_BUSY;
    }
    struct tcp_pcb *l = tcp_listen(pcb);
    if (!l) {
        tcp_close(pcb);
        return -E_NOMEM;
    }
    tcp_accept(l, on_accept);
    return 0;
}
