/* The management HTTP/1.1 server on port 80: keep-alive, pipelining,
 * several clients at once, timeouts against slow clients, and the REST API
 * of docs/api.md. Called once under the network stack's lock. */
#ifndef HV_MGMT_HTTP_SERVER_H
#define HV_MGMT_HTTP_SERVER_H

#define HTTP_SERVER_PORT      80
#define HTTP_SERVER_CONNS     128          /* more at once get 503 (its text says 128) */
#define HTTP_HEAD_TIMEOUT_MS  10000        /* a request head must be complete by then */
#define HTTP_IDLE_TIMEOUT_MS  30000        /* no byte either way for this long: closed */

/* Listens; hostname must outlive the server. 0 or -E_... */
int http_server_start(const char *hostname);

/* The hostname given at start. */
const char *http_server_hostname(void);

#endif
