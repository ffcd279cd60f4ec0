/* The REST endpoints (docs/api.md): one handler per route, grouped by
 * resource in api_*.c. They run in the network stack's context (the BSP's
 * timer tick, under net.c's lock, interrupts off), so a handler must not
 * wait: no sleeping, no hlt, no VMM call that waits for a vCPU. */
#ifndef HV_MGMT_API_H
#define HV_MGMT_API_H

#include <stdbool.h>
#include "mgmt/router.h"

#define API_NAME_MAX 32                    /* a VM name and its NUL */

void api_root(struct http_ctx *cx);             /* GET / : a line of text */
void api_host_get(struct http_ctx *cx);         /* GET /api/v1/host */
void api_vms_list(struct http_ctx *cx);         /* GET /api/v1/vms */
void api_vm_get(struct http_ctx *cx);           /* GET /api/v1/vms/{name} */
void api_vm_create(struct http_ctx *cx);        /* POST /api/v1/vms */
void api_vm_patch(struct http_ctx *cx);         /* PATCH /api/v1/vms/{name} */
void api_vm_delete(struct http_ctx *cx);        /* DELETE /api/v1/vms/{name} */
void api_vm_start(struct http_ctx *cx);         /* POST /api/v1/vms/{name}/start */
void api_vm_stop(struct http_ctx *cx);          /* POST .../stop (hard) */
void api_vm_reset(struct http_ctx *cx);         /* POST .../reset */
void api_vm_pause(struct http_ctx *cx);         /* POST .../pause */
void api_vm_resume(struct http_ctx *cx);        /* POST .../resume */
void api_vm_shutdown(struct http_ctx *cx);      /* POST .../shutdown (ACPI soft stop) */
void api_console_get(struct http_ctx *cx);      /* GET /api/v1/vms/{name}/console?offset=N */
void api_console_post(struct http_ctx *cx);     /* POST /api/v1/vms/{name}/console */
void api_disks(struct http_ctx *cx);            /* GET /api/v1/disks */
void api_network(struct http_ctx *cx);          /* GET /api/v1/network */
void api_events(struct http_ctx *cx);           /* GET /api/v1/events?since=N */
void api_metrics(struct http_ctx *cx);          /* GET /metrics */
void api_audit_get(struct http_ctx *cx);        /* GET /api/v1/audit */

/* ---- shared by the handlers (api_util.c) ---- */

/* The {name} parameter as a C string; false (and a 404 answered) when it
 * cannot name a VM. */
bool api_vm_name(struct http_ctx *cx, char out[API_NAME_MAX]);
/* 404 no such VM: <name>. */
void api_vm_not_found(struct http_ctx *cx, const char *name);
/* A negative vmm.h return as the HTTP error docs/api.md lists; op says what
 * was asked ("reset", "define", ...); err is the VMM's message or NULL. */
void api_vmm_error(struct http_ctx *cx, const char *name, int rc, const char *op, const char *err);
/* 503 with Retry-After: the datastore (or a queue) is busy right now. */
void api_busy(struct http_ctx *cx, const char *msg);
/* The VM's state and definition as the answer (the <vm> object). */
void api_vm_answer(struct http_ctx *cx, const char *name);
/* Whether rc is the datastore's "busy, try again" (from interrupt context). */
bool api_rc_busy(int rc);

#endif
