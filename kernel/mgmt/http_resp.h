/* An HTTP response being built: status, a few headers, and a body written
 * with the JSON writer into a buffer the connection owns. Handlers fill it;
 * the connection serialises the head (http_resp_head) and sends both.
 * Pure C (host unit tests). */
#ifndef HV_MGMT_HTTP_RESP_H
#define HV_MGMT_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include "mgmt/json.h"

#define HTTP_ALLOW_MAX 64

struct http_response {
    int status;
    const char *content_type;              /* "application/json" unless a handler says */
    struct json_out body;                  /* body.buf/len: the body (also for text) */
    char allow[HTTP_ALLOW_MAX];            /* "Allow:" value for 405, empty otherwise */
    bool close;                            /* close the connection after this response */
    const char *headers;                   /* more "Name: value\r\n" lines (static), or NULL */
};

void http_resp_init(struct http_response *r, char *body, size_t cap);

/* Replaces the body with {"error":{"code":status,"message":"<msg><detail>"}};
 * detail (may be NULL) is appended verbatim, e.g. a path or a VM name. */
void http_resp_error(struct http_response *r, int status, const char *msg, const char *detail,
                     size_t detail_len);

/* Replaces the body with plain text. */
void http_resp_text(struct http_response *r, int status, const char *text);

/* The status line and headers (Content-Length from the body, Connection
 * from keep_alive) into out; the length, or 0 when out is too small. */
size_t http_resp_head(const struct http_response *r, bool keep_alive, const char *server,
                      char *out, size_t n);

#endif
