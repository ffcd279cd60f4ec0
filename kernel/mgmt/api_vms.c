/* /api/v1/vms: the VMs by name, their state, start and stop, over vmm.h
 * (and the proposed additions in vm_status.h). Return codes map to
 * statuses as docs/api.md lists them. */
#include <stdbool.h>
#include "mgmt/api.h"
#include "mgmt/vm_status.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "vmm/vmm.h"

#define NAME_MAX 32

/* The {name} parameter as a C string; false when it cannot name a VM
 * (too long, or characters no VM name has). */
static bool vm_name(const struct http_ctx *cx, char *out)
{
    const struct http_str *p = route_param(cx, "name");
    if (!p || p->n == 0 || p->n >= NAME_MAX)
        return false;
    for (size_t i = 0; i < p->n; i++) {
        char c = p->p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok)
            return false;
        out[i] = c;
    }
    out[p->n] = 0;
    return true;
}

static void not_found(struct http_ctx *cx)
{
    const struct http_str *p = route_param(cx, "name");
    http_resp_error(cx->resp, 404, "no such VM: ", p ? p->p : NULL, p ? p->n : 0);
}

static void missing(struct http_ctx *cx, const char *what)
{
    char msg[160];
    ksnprintf(msg, sizeof(msg), "not in this build: the VMM does not offer %s yet (docs/api.md)",
              what);
    http_resp_error(cx->resp, 501, msg, NULL, 0);
}

static void status_json(struct json_out *j, const struct vm_status *st)
{
    json_obj_begin(j);
    json_key(j, "name");
    json_str(j, st->name);
    json_key(j, "state");
    json_str(j, st->state);
    json_key(j, "memory_mib");
    json_u64(j, st->mem_mib);
    json_key(j, "cpu");
    if (st->cpu >= 0)
        json_u64(j, (uint64_t)st->cpu);
    else
        json_null(j);
    json_key(j, "starts");
    json_u64(j, st->starts);
    json_key(j, "exits");
    json_u64(j, st->exits);
    json_key(j, "last_stop");
    json_str(j, st->last_stop[0] ? st->last_stop : NULL);
    json_obj_end(j);
}

/* The VM's state as the answer; `fallback` when the VMM cannot tell. */
static void answer_status(struct http_ctx *cx, const char *name, const char *fallback)
{
    struct vm_status st;
    if (vm_status && vm_status(name, &st) == 0) {
        status_json(&cx->resp->body, &st);
        return;
    }
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "name");
    json_str(j, name);
    json_key(j, "state");
    json_str(j, fallback);
    json_obj_end(j);
}

/* A VMM error as an HTTP error. */
static void vmm_error(struct http_ctx *cx, const char *name, int rc)
{
    char msg[200];
    int status;
    switch (rc) {
    case -E_NOENT:
        not_found(cx);
        return;
    case -E_BUSY:
        status = 409;
        ksnprintf(msg, sizeof(msg), "VM %s is already running", name);
        break;
    case -E_INVAL:
        status = 409;
        ksnprintf(msg, sizeof(msg), "VM %s is not running", name);
        break;
    case -E_NOSYS:
    case -E_NOSPC:
    case -E_NOMEM:
        status = 503;
        ksnprintf(msg, sizeof(msg), "cannot run VM %s: %s", name, vmm_strerror(rc));
        break;
    case -E_TIMEDOUT:
        status = 504;
        ksnprintf(msg, sizeof(msg), "VM %s: %s", name, vmm_strerror(rc));
        break;
    default:
        status = 500;
        ksnprintf(msg, sizeof(msg), "VM %s: %s (%d)", name, vmm_strerror(rc), rc);
        break;
    }
    http_resp_error(cx->resp, status, msg, NULL, 0);
}

void api_vms_list(struct http_ctx *cx)
{
    if (!vm_status_at) {
        missing(cx, "vm_status_at()");
        return;
    }
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "vms");
    json_arr_begin(j);
    struct vm_status st;
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
        status_json(j, &st);
    json_arr_end(j);
    json_obj_end(j);
}

/* Without vm_status() the VMM can still say whether a VM exists. */
static bool vm_exists(const char *name)
{
    char probe[1];
    return vm_console(name, probe, sizeof(probe)) != -E_NOENT;
}

void api_vm_get(struct http_ctx *cx)
{
    char name[NAME_MAX];
    struct vm_status st;
    if (!vm_name(cx, name))
        not_found(cx);
    else if (vm_status && vm_status(name, &st) == 0)
        status_json(&cx->resp->body, &st);
    else if (vm_status || !vm_exists(name))
        not_found(cx);
    else
        missing(cx, "vm_status()");
}

void api_vm_start(struct http_ctx *cx)
{
    char name[NAME_MAX];
    if (!vm_name(cx, name)) {
        not_found(cx);
        return;
    }
    int rc = vm_start(name);
    if (rc < 0) {
        vmm_error(cx, name, rc);
        return;
    }
    answer_status(cx, name, "running");
}

void api_vm_stop(struct http_ctx *cx)
{
    char name[NAME_MAX];
    if (!vm_name(cx, name)) {
        not_found(cx);
        return;
    }
    /* Not vm_stop(): it waits for the vCPU with hlt, which never wakes up
     * here (timer tick, interrupts off). */
    if (!vm_request_stop) {
        if (!vm_exists(name))
            not_found(cx);
        else
            missing(cx, "vm_request_stop()");
        return;
    }
    int rc = vm_request_stop(name);
    if (rc < 0) {
        vmm_error(cx, name, rc);
        return;
    }
    answer_status(cx, name, "stopping");
}
