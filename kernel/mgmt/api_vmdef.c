/* Creating, changing and deleting VMs: POST /api/v1/vms, PATCH and DELETE
 * /api/v1/vms/{name}. The body is validated completely (vmdef_json.c, the
 * same rules as the files on the datastore) before anything changes, so a
 * refused request changes nothing. */
#include "mgmt/api.h"
#include "mgmt/vmdef_json.h"
#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "vmm/vmm.h"

static struct vmdef_json fields;          /* one request at a time (net.c's lock) */
static char location[64 + API_NAME_MAX];

static bool have_datastore(struct http_ctx *cx)
{
    if (datastore_available())
        return true;
    http_resp_error(cx->resp, 503, "hv runs without a datastore: VM definitions cannot be "
                    "stored (docs/datastore.md)", NULL, 0);
    return false;
}

void api_vm_create(struct http_ctx *cx)
{
    int st = vmdef_json_read(cx->body, cx->req->content_length, false, NULL, &fields);
    if (st) {
        http_resp_error(cx->resp, st, fields.msg, NULL, 0);
        return;
    }
    struct vmdef d;
    vmdef_init(&d, NULL);
    if ((st = vmdef_json_apply(&fields, &d)) != 0) {
        http_resp_error(cx->resp, st, fields.msg, NULL, 0);
        return;
    }
    struct vm_status vs;
    if (vm_status(d.name, &vs) == 0) {
        api_vmm_error(cx, d.name, -E_EXIST, "define", NULL);
        return;
    }
    if (!have_datastore(cx))
        return;
    char err[VMDEF_MSG_MAX] = "";
    int rc = vm_define(&d, err, sizeof(err));
    if (rc < 0) {
        api_vmm_error(cx, d.name, rc, "define", err);
        return;
    }
    cx->resp->status = 201;
    ksnprintf(location, sizeof(location), "Location: /api/v1/vms/%s\r\n", d.name);
    cx->resp->headers = location;
    api_vm_answer(cx, d.name);
}

void api_vm_patch(struct http_ctx *cx)
{
    char name[API_NAME_MAX];
    if (!api_vm_name(cx, name))
        return;
    struct vmdef d;
    int rc = vm_get_def(name, &d);
    if (rc < 0) {
        api_vmm_error(cx, name, rc, "change", NULL);
        return;
    }
    int st = vmdef_json_read(cx->body, cx->req->content_length, true, name, &fields);
    if (st == 0)
        st = vmdef_json_apply(&fields, &d);    /* on a copy: all or nothing */
    if (st) {
        http_resp_error(cx->resp, st, fields.msg, NULL, 0);
        return;
    }
    struct vm_status vs;
    if (vm_status(name, &vs) == 0 && strcmp(vs.state, "stopped") != 0) {
        char msg[128];
        ksnprintf(msg, sizeof(msg), "VM %s is %s: cannot change it (stop it first)", name, vs.state);
        http_resp_error(cx->resp, 409, msg, NULL, 0);
        return;
    }
    if (fields.n && !have_datastore(cx))
        return;
    for (unsigned i = 0; i < fields.n; i++) {
        char err[VMDEF_MSG_MAX] = "";
        rc = vm_set(name, fields.kv[i].key, fields.kv[i].value, err, sizeof(err));
        if (rc < 0) {
            /* Only a datastore failure can get here (the values were checked):
             * say how far it got. */
            api_vmm_error(cx, name, rc, "change", err);
            if (i > 0) {
                const char *why = err[0] ? err : vmm_strerror(rc);
                char note[128];
                ksnprintf(note, sizeof(note), "VM %s: %u of %u changes made, then: ", name, i,
                          fields.n);
                http_resp_error(cx->resp, cx->resp->status, note, why, strlen(why));
            }
            return;
        }
    }
    api_vm_answer(cx, name);
}

void api_vm_delete(struct http_ctx *cx)
{
    char name[API_NAME_MAX];
    if (!api_vm_name(cx, name))
        return;
    int rc = vm_delete(name);
    if (rc < 0) {
        api_vmm_error(cx, name, rc, "delete", NULL);
        return;
    }
    cx->resp->status = 204;
}
