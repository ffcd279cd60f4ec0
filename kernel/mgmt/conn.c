/* The plain-TCP transport (conn.h) on lwIP's raw API. A fixed table of
 * slots, one per connection; lwIP's callbacks find theirs through
 * tcp_arg. Input the upper layer does not take yet stays here as a pbuf
 * chain and is acknowledged (tcp_recved) only when taken, so the TCP
 * window is the backpressure. Closing is graceful: our side's FIN goes out
 * after the queued data, input is read and dropped until the peer closes
 * too or LINGER_MS pass (closing at once with unread input would make lwIP
 * send a reset that can destroy the answer in flight). */
#include <stdbool.h>
#include "mgmt/conn.h"
#include "dev/timer.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"

#include "lwip/tcp.h"

#define POLL_INTERVAL 2                    /* lwIP coarse ticks of 500 ms: 1 s */
#define LINGER_MS     2000

struct conn {
    struct tcp_pcb *pcb;                   /* NULL: slot free */
    void *state;                           /* the upper layer's */
    struct pbuf *rx;                       /* received, not yet taken */
    bool closing;                          /* our FIN is queued; input is dropped */
    bool peer_fin;                         /* the peer has closed its side */
    uint64_t linger_until;                 /* closing: abort after this */
    char peer[CONN_PEER_MAX];              /* the remote address and port */
};

static struct conn *slots;
static struct tcp_pcb *aborted;            /* conn_abort ran inside an lwIP callback */
static unsigned nslots;
static const struct conn_upper *upper;

uint64_t conn_now_ms(void)
{
    return timer_now_ns() / 1000000u;
}

static void unhook(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
}

/* Frees the slot and tells the upper layer; the pcb is already dealt with. */
static void release(struct conn *c)
{
    void *st = c->state;
    if (c->rx)
        pbuf_free(c->rx);
    *c = (struct conn){ 0 };
    if (st)
        upper->closed(st);
}

void conn_abort(struct conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    if (!pcb)
        return;
    unhook(pcb);
    release(c);
    aborted = pcb;
    tcp_abort(pcb);
}

/* What an lwIP callback must return: ERR_ABRT when it aborted pcb. */
static err_t verdict(struct tcp_pcb *pcb)
{
    if (aborted == pcb) {
        aborted = NULL;
        return ERR_ABRT;
    }
    return ERR_OK;
}

/* Both sides are done: hand the pcb to lwIP for its TIME-WAIT. */
static void finish(struct conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    unhook(pcb);
    release(c);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

/* Input that will never be read: acknowledge and drop it. */
static void drop_rx(struct conn *c)
{
    if (c->rx) {
        tcp_recved(c->pcb, c->rx->tot_len);
        pbuf_free(c->rx);
        c->rx = NULL;
    }
}

void conn_close(struct conn *c)
{
    if (!c->pcb || c->closing)
        return;
    c->closing = true;
    drop_rx(c);
    if (c->peer_fin) {
        finish(c);
        return;
    }
    c->linger_until = conn_now_ms() + LINGER_MS;
    if (tcp_shutdown(c->pcb, 0, 1) != ERR_OK)
        conn_abort(c);               /* the caller's verdict() reports it */
    else
        tcp_output(c->pcb);
}

size_t conn_send_room(struct conn *c)
{
    if (!c->pcb || c->closing || tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN - 4)
        return 0;
    return tcp_sndbuf(c->pcb);
}

size_t conn_send(struct conn *c, const void *p, size_t n)
{
    size_t room = conn_send_room(c);
    if (n > room)
        n = room;
    if (n == 0)
        return 0;
    if (tcp_write(c->pcb, p, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
        return 0;
    tcp_output(c->pcb);
    return n;
}

/* The peer closed its side and we have nothing left to say: done. */
static void maybe_finish(struct conn *c)
{
    if (c->pcb && c->peer_fin && !c->closing && !upper->busy(c->state))
        conn_close(c);
}

void conn_pump(struct conn *c)
{
    while (c->pcb && !c->closing && c->rx) {
        struct pbuf *q = c->rx;
        size_t took = upper->input(c->state, q->payload, q->len);
        if (!c->pcb || c->closing)      /* the upper layer closed or aborted */
            return;
        if (took == 0)
            break;
        tcp_recved(c->pcb, (u16_t)took);
        c->rx = pbuf_free_header(q, (u16_t)took);
    }
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    aborted = NULL;
    if (!c || c->pcb != pcb) {          /* not ours any more: just consume */
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (err != ERR_OK) {
        if (p)
            pbuf_free(p);
        conn_abort(c);
        return verdict(pcb);
    }
    if (!p) {
        c->peer_fin = true;
        if (c->closing) {
            finish(c);
            return ERR_OK;
        }
        conn_pump(c);
        maybe_finish(c);
        return verdict(pcb);
    }
    if (c->closing) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    if (c->rx)
        pbuf_cat(c->rx, p);
    else
        c->rx = p;
    conn_pump(c);
    return verdict(pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct conn *c = arg;
    (void)len;
    aborted = NULL;
    if (!c || c->pcb != pcb || c->closing)
        return ERR_OK;
    upper->writable(c->state);
    if (c->pcb == pcb)
        conn_pump(c);
    if (c->pcb == pcb)
        maybe_finish(c);
    return verdict(pcb);
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    struct conn *c = arg;
    aborted = NULL;
    if (!c || c->pcb != pcb) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    uint64_t now = conn_now_ms();
    if (c->closing) {
        if (now >= c->linger_until)
            conn_abort(c);
        return verdict(pcb);
    }
    upper->tick(c->state, now);
    return verdict(pcb);
}

static void on_err(void *arg, err_t err)
{
    struct conn *c = arg;
    (void)err;
    if (c && c->pcb)
        release(c);                     /* lwIP has freed the pcb already */
}

static void set_peer(struct conn *c, const struct tcp_pcb *pcb)
{
    char addr[CONN_PEER_MAX - 8];
    if (!ipaddr_ntoa_r(&pcb->remote_ip, addr, sizeof(addr)))
        strlcpy(addr, "?", sizeof(addr));
    bool v6 = IP_IS_V6_VAL(pcb->remote_ip);
    ksnprintf(c->peer, sizeof(c->peer), v6 ? "[%s]:%u" : "%s:%u", addr, (unsigned)pcb->remote_port);
}

const char *conn_peer(const struct conn *c)
{
    return c->peer;
}

/* Every slot taken: a fixed answer, then close (nothing was read, so the
 * window is full and tcp_close sends a FIN, not a reset). */
static void refuse(struct tcp_pcb *pcb)
{
    const char *r = upper->busy_response;
    tcp_write(pcb, r, (u16_t)strlen(r), TCP_WRITE_FLAG_COPY);
    tcp_output(pcb);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct conn *c = NULL;
    for (unsigned i = 0; i < nslots && !c; i++)
        if (!slots[i].pcb)
            c = &slots[i];
    if (!c) {
        refuse(pcb);
        return ERR_OK;
    }
    *c = (struct conn){ .pcb = pcb };
    set_peer(c, pcb);
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, POLL_INTERVAL);
    tcp_nagle_disable(pcb);             /* small answers on kept-alive connections */
    c->state = upper->opened(c);
    if (!c->state) {
        unhook(pcb);
        *c = (struct conn){ 0 };
        refuse(pcb);
    }
    return ERR_OK;
}

int conn_listen(uint16_t port, unsigned max, const struct conn_upper *up)
{
    slots = kzalloc(max * sizeof(*slots));
    if (!slots)
        return -E_NOMEM;
    nslots = max;
    upper = up;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb)
        return -E_NOMEM;
    if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
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
