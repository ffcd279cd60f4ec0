/* /api/v1/vms: the VMs by name, their state and life cycle over vmm.h.
 * Nothing here waits: stop and shutdown only ask (the state says
 * "stopping" until the vCPU has left), as docs/api.md explains. */
#include "mgmt/api.h"
#include "lib/errno.h"
#include "vmm/vmm.h"

/* api_util.c: one VM; with its definition when `def` and the VMM has one. */
void api_vm_json(struct json_out *j, const struct vm_status *st, bool def);

void api_vms_list(struct http_ctx *cx)
{
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "vms");
    json_arr_begin(j);
    struct vm_status st;
    /* Without definitions: ~250 bytes a VM keeps a long list within the
     * 32 KiB an answer may have. */
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
        api_vm_json(j, &st, false);
    json_arr_end(j);
    json_obj_end(j);
}

void api_vm_get(struct http_ctx *cx)
{
    char name[API_NAME_MAX];
    struct vm_status st;
    if (!api_vm_name(cx, name))
        return;
    if (vm_status(name, &st) != 0) {
        api_vm_not_found(cx, name);
        return;
    }
    api_vm_json(&cx->resp->body, &st, true);
}

/* One life-cycle call: the VM's new state, or the error. */
static void life(struct http_ctx *cx, int (*fn)(const char *), const char *op)
{
    char name[API_NAME_MAX];
    if (!api_vm_name(cx, name))
        return;
    int rc = fn(name);
    if (rc < 0) {
        api_vmm_error(cx, name, rc, op, NULL);
        return;
    }
    api_vm_answer(cx, name);
}

void api_vm_start(struct http_ctx *cx)
{
    life(cx, vm_start, "start");
}

/* Not vm_stop(): it waits for the vCPU with hlt, which never wakes up here
 * (timer tick, interrupts off). */
void api_vm_stop(struct http_ctx *cx)
{
    life(cx, vm_request_stop, "stop");
}

void api_vm_reset(struct http_ctx *cx)
{
    life(cx, vm_reset, "reset");
}

void api_vm_pause(struct http_ctx *cx)
{
    life(cx, vm_pause, "pause");
}

void api_vm_resume(struct http_ctx *cx)
{
    life(cx, vm_resume, "resume");
}

static int shutdown_default(const char *name)
{
    return vm_shutdown(name, 0);
}

void api_vm_shutdown(struct http_ctx *cx)
{
    char name[API_NAME_MAX];
    uint64_t grace = 0;
    int q = route_query_u64(cx, "grace_ms", &grace);
    if (q < 0 || grace > 600000) {
        http_resp_error(cx->resp, 400, "grace_ms: a number of milliseconds up to 600000 expected",
                        NULL, 0);
        return;
    }
    if (q == 0) {
        life(cx, shutdown_default, "shut down");
        return;
    }
    if (!api_vm_name(cx, name))
        return;
    int rc = vm_shutdown(name, (unsigned)grace);
    if (rc < 0) {
        api_vmm_error(cx, name, rc, "shut down", NULL);
        return;
    }
    api_vm_answer(cx, name);
}
