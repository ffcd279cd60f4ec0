/* The audit log (docs/api.md "Audit log"): one line per API request that
 * asks for a change (every method but GET and HEAD, logins included), with
 * who (login session and client address), what (method and path) and the
 * result (status and, for errors, hv's message). Kept in RAM, the latest
 * AUDIT_TEXT_MAX bytes, and written to AUDIT.LOG on the datastore by whole
 * crash-safe replacement (the datastore has no append), merged at the
 * first write with the tail of the file a previous boot left. A write that
 * fails (datastore busy, I/O) is retried at most once a second; nothing is
 * lost from RAM meanwhile. Network context only, like the handlers. */
#ifndef HV_MGMT_AUDIT_H
#define HV_MGMT_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include "mgmt/router.h"

#define AUDIT_FILE      "AUDIT.LOG"
#define AUDIT_TEXT_MAX  16384              /* bytes kept, in RAM and in the file */
#define AUDIT_LINE_MAX  320

/* After router_dispatch: records the request when it is auditable. */
void audit_request(struct http_ctx *cx);

/* Writes the log when it has changed and a retry is due (now_ms). */
void audit_flush(uint64_t now_ms);

/* The text kept in RAM (lines ending in '\n'). */
const char *audit_text(size_t *len);

/* Lines recorded since boot, and writes to the datastore that failed. */
uint64_t audit_lines(void);
uint64_t audit_write_failures(void);

#endif
