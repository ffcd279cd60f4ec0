/* The REST endpoints (docs/api.md): one handler per route, grouped by
 * resource in api_*.c. They run in the network stack's context (the BSP's
 * timer tick, under net.c's lock), so a handler must not wait: no sleeping,
 * no blocking VMM calls. */
#ifndef HV_MGMT_API_H
#define HV_MGMT_API_H

#include "mgmt/router.h"

void api_root(struct http_ctx *cx);             /* GET /: a line of text */
void api_host_get(struct http_ctx *cx);         /* GET /api/v1/host */
void api_vms_list(struct http_ctx *cx);         /* GET /api/v1/vms */
void api_vm_get(struct http_ctx *cx);           /* GET /api/v1/vms/{name} */
void api_vm_start(struct http_ctx *cx);         /* POST /api/v1/vms/{name}/start */
void api_vm_stop(struct http_ctx *cx);          /* POST /api/v1/vms/{name}/stop */

#endif
