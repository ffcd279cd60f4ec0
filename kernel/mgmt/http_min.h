/* A placeholder HTTP service on port 80: `GET /` answers "hv <version> on
 * <hostname>", anything else a short error. The REST API replaces it.
 * Called under the network stack's lock (kernel/net/net.c). */
#ifndef HV_MGMT_HTTP_MIN_H
#define HV_MGMT_HTTP_MIN_H

/* Listens on port 80; hostname must outlive the service. 0 or -E_... */
int http_min_start(const char *hostname);

#endif
