/* The transport under the HTTP server: accepted connections that carry
 * bytes both ways. Today plain TCP on port 80 over lwIP's raw API
 * (conn.c); TLS will be a second implementation of the same interface, and
 * the HTTP layer (http_server.c) will not notice.
 *
 * Everything here runs in the network stack's context: lwIP's callbacks,
 * on the bootstrap CPU's timer tick, under net.c's lock (docs/network.md).
 *
 * Flow: the transport calls the upper layer's callbacks; input() says how
 * many bytes it took (the rest is kept by the transport and offered again
 * after the next output drain, and the TCP window stays closed meanwhile,
 * so a client cannot flood hv's memory). */
#ifndef HV_MGMT_CONN_H
#define HV_MGMT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;

/* What the transport calls: the HTTP layer implements these. */
struct conn_upper {
    /* A new connection; returns its per-connection state, or NULL to refuse. */
    void *(*opened)(struct conn *c);
    /* Bytes arrived: returns how many were taken (0..n). */
    size_t (*input)(void *state, const char *p, size_t n);
    /* Room to send more (something sent was acknowledged). */
    void (*writable)(void *state);
    /* Whether it still has output to hand over (the peer's FIN waits for it). */
    bool (*busy)(void *state);
    /* About once a second: timeouts. */
    void (*tick)(void *state, uint64_t now_ms);
    /* The connection is gone (closed, reset or aborted): free state. */
    void (*closed)(void *state);
    /* Sent instead of opened() when every slot is taken. */
    const char *busy_response;
};

/* Listens on port for at most max connections at once. 0 or -E_... */
int conn_listen(uint16_t port, unsigned max, const struct conn_upper *up);

/* Bytes that conn_send can take now. */
size_t conn_send_room(struct conn *c);
/* Queues up to n bytes (what fits: see conn_send_room); returns how many. */
size_t conn_send(struct conn *c, const void *p, size_t n);
/* Closes once everything queued is sent; closed() follows. */
void conn_close(struct conn *c);
/* Resets the connection at once; closed() follows before this returns. */
void conn_abort(struct conn *c);
/* Offers kept input to the upper layer again (after it made room). */
void conn_pump(struct conn *c);

/* Who is at the other end: "a.b.c.d:port" or "[v6]:port", for logs, the
 * audit log and the per-client login throttle. Valid while c is open. */
#define CONN_PEER_MAX 56
const char *conn_peer(const struct conn *c);

/* Milliseconds since boot. */
uint64_t conn_now_ms(void);

#endif
