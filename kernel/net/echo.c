/* TCP echo on port 7 with lwIP's raw API. Received data is held until
 * lwIP can take it for sending, and the receive window is only reopened
 * (tcp_recved) for bytes handed back, so a fast sender is slowed to the
 * pace of the echo instead of filling memory. */
#include <stdbool.h>
#include "net/echo.h"
#include "lib/errno.h"

#include "lwip/tcp.h"

#define ECHO_PORT  7
#define ECHO_CONNS 16

struct echo_conn {
    struct tcp_pcb *pcb;               /* NULL: slot free */
    struct pbuf *pending;              /* received, not yet written back */
    bool closing;                      /* the peer finished sending */
};

static struct echo_conn conns[ECHO_CONNS];

static void conn_free(struct echo_conn *c)
{
    if (c->pending)
        pbuf_free(c->pending);
    c->pending = NULL;
    c->pcb = NULL;
}

/* ERR_ABRT when the pcb had to be aborted: callbacks must then say so. */
static err_t conn_close(struct echo_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    conn_free(c);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

static err_t write_back(struct echo_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    u16_t queued = 0;
    while (c->pending) {
        u16_t room = tcp_sndbuf(pcb);
        u16_t n = c->pending->len < room ? c->pending->len : room;
        if (n == 0)
            break;
        if (tcp_write(pcb, c->pending->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;                     /* out of segments: the sent callback retries */
        queued = (u16_t)(queued + n);
        c->pending = pbuf_free_header(c->pending, n);
        tcp_recved(pcb, n);
    }
    if (queued)
        tcp_output(pcb);
    if (c->closing && !c->pending)
        return conn_close(c);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct echo_conn *c = arg;
    (void)pcb;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        c->closing = true;
        return write_back(c);
    }
    if (c->pending)
        pbuf_cat(c->pending, p);
    else
        c->pending = p;
    return write_back(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    return arg ? write_back(arg) : ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)err;
    if (arg)
        conn_free(arg);                /* lwIP has freed the pcb already */
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct echo_conn *c = NULL;
    for (unsigned i = 0; i < ECHO_CONNS && !c; i++)
        if (!conns[i].pcb)
            c = &conns[i];
    if (!c) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->pcb = pcb;
    c->pending = NULL;
    c->closing = false;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int echo_start(void)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb)
        return -E_NOMEM;
    if (tcp_bind(pcb, IP_ANY_TYPE, ECHO_PORT) != ERR_OK) {
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
