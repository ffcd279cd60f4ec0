/* One HTTP request to hv and its whole answer, over libcurl. */
#ifndef HVCTL_HTTP_H
#define HVCTL_HTTP_H

#include <stddef.h>

/* Far above hv's own 32 KiB limit: anything bigger is not hv talking. */
#define HTTP_MAX_BODY (1u << 20)

struct http_reply {
    long status;         /* HTTP status; 0 when there was no answer */
    char *body;          /* NUL-terminated, malloc'd; NULL before the call */
    size_t len;
    char error[256];     /* why the call failed, when it returns non-zero */
};

int http_global_init(void);
void http_global_cleanup(void);

/* Sends METHOD http://HOST:PORT/PATH with body (a JSON text; NULL: none)
 * and, when token is not NULL, "Authorization: Bearer <token>". Returns HVCTL_OK
 * when an answer arrived (whatever its status), HVCTL_ECONNECT when hv
 * could not be reached or did not answer within HVCTL_TIMEOUT_S, and
 * HVCTL_ESERVER when the answer was unusable; reply->error says why. */
int http_call(const char *hostport, const char *method, const char *path,
              const char *token, const char *body, struct http_reply *reply);

void http_reply_free(struct http_reply *reply);

#endif
