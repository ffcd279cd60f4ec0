/* What the VM handlers share: the {name} parameter, the <vm> answer, and
 * the one mapping from vmm.h's return codes to HTTP statuses
 * (docs/api.md "Errors"). */
#include "mgmt/api.h"
#include "mgmt/vmdef_json.h"
#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "vmm/vmm.h"

bool api_vm_name(struct http_ctx *cx, char out[API_NAME_MAX])
{
    const struct http_str *p = route_param(cx, "name");
    bool ok = p && p->n > 0 && p->n < API_NAME_MAX;
    for (size_t i = 0; ok && i < p->n; i++) {
        char c = p->p[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_' || c == '.';
        out[i] = c;
    }
    if (ok) {
        out[p->n] = 0;
        return true;
    }
    http_resp_error(cx->resp, 404, "no such VM: ", p ? p->p : NULL, p ? (p->n > 64 ? 64 : p->n) : 0);
    return false;
}

void api_vm_not_found(struct http_ctx *cx, const char *name)
{
    http_resp_error(cx->resp, 404, "no such VM: ", name, strlen(name));
}

bool api_rc_busy(int rc)
{
#ifdef E_AGAIN
    if (rc == -E_AGAIN)
        return true;
#endif
    return rc == -E_BUSY;
}

void api_busy(struct http_ctx *cx, const char *msg)
{
    http_resp_error(cx->resp, 503, msg, NULL, 0);
    cx->resp->headers = "Retry-After: 1\r\n";
}

static void status_json(struct json_out *j, const struct vm_status *st, const struct vmdef *def)
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
    if (def) {
        json_key(j, "definition");
        vmdef_json_write(j, def);
    }
    json_obj_end(j);
}

/* Used by the list too (api_vms.c): one VM, with its definition when
 * with_def and the VMM has one. */
void api_vm_json(struct json_out *j, const struct vm_status *st, bool with_def);
void api_vm_json(struct json_out *j, const struct vm_status *st, bool with_def)
{
    struct vmdef def;
    status_json(j, st, with_def && vm_get_def(st->name, &def) == 0 ? &def : NULL);
}

void api_vm_answer(struct http_ctx *cx, const char *name)
{
    struct vm_status st;
    if (vm_status(name, &st) == 0) {
        api_vm_json(&cx->resp->body, &st, true);
        return;
    }
    /* Gone in between (deleted): say what is known. */
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "name");
    json_str(j, name);
    json_key(j, "state");
    json_null(j);
    json_obj_end(j);
}

void api_vmm_error(struct http_ctx *cx, const char *name, int rc, const char *op, const char *err)
{
    char msg[256];
    struct vm_status st;
    bool known = vm_status(name, &st) == 0;
    int status;
    if (err && !err[0])
        err = NULL;
    switch (rc) {
    case -E_NOENT:
        api_vm_not_found(cx, name);
        return;
    case -E_EXIST:
        status = 409;
        ksnprintf(msg, sizeof(msg), "VM %s already exists", name);
        break;
    case -E_BUSY:
        /* Running (start, set, delete) or the datastore in use: the state tells. */
        if (known && strcmp(st.state, "stopped") != 0) {
            status = 409;
            ksnprintf(msg, sizeof(msg), "VM %s is %s: cannot %s it (stop it first)", name,
                      st.state, op);
            if (strcmp(op, "start") == 0)
                ksnprintf(msg, sizeof(msg), "VM %s is already %s", name, st.state);
            break;
        }
        api_busy(cx, "the datastore is busy; try again");
        return;
    case -E_INVAL:
        if (err) {
            http_resp_error(cx->resp, 422, err, NULL, 0);
            return;
        }
        status = 409;
        if (known && strcmp(op, "stop") == 0)
            ksnprintf(msg, sizeof(msg), "VM %s is not running", name);
        else if (known)
            ksnprintf(msg, sizeof(msg), "VM %s is %s: cannot %s it", name, st.state, op);
        else
            ksnprintf(msg, sizeof(msg), "VM %s: cannot %s it: %s", name, op, vmm_strerror(rc));
        break;
    case -E_NOSYS:
        if (strcmp(op, "start") == 0) {
            status = 503;
            ksnprintf(msg, sizeof(msg), "cannot run VM %s: %s", name, vmm_strerror(rc));
        } else {
            status = 501;
            ksnprintf(msg, sizeof(msg), "not in this build: the VMM cannot %s VMs yet", op);
        }
        break;
    case -E_NOSPC:
    case -E_NOMEM:
        status = 503;
        ksnprintf(msg, sizeof(msg), "cannot %s VM %s: %s", op, name, vmm_strerror(rc));
        break;
    case -E_TIMEDOUT:
        status = 504;
        ksnprintf(msg, sizeof(msg), "VM %s: %s", name, vmm_strerror(rc));
        break;
    case -E_IO:
        status = 500;
        ksnprintf(msg, sizeof(msg), "VM %s: %s failed writing the datastore: %s", name, op,
                  err ? err : vmm_strerror(rc));
        break;
    default:
        if (api_rc_busy(rc)) {
            api_busy(cx, "the datastore is busy; try again");
            return;
        }
        status = 500;
        ksnprintf(msg, sizeof(msg), "VM %s: %s: %s (%d)", name, op, err ? err : vmm_strerror(rc), rc);
        break;
    }
    http_resp_error(cx->resp, status, msg, NULL, 0);
}
