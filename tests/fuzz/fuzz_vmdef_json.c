/* libFuzzer target: a VM definition body (kernel/mgmt/vmdef_json.c, which
 * uses json_parse.c and the VMM's vmdef.c), as POST and as PATCH. Every
 * answer must be 0 or one of the documented statuses with a message, and
 * a definition that was accepted, written back as JSON, must read back as
 * the same definition. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/vmdef_json.h"

static void check(int cond)
{
    if (!cond)
        abort();
}

/* Field by field: bytes after a string's NUL may differ. */
static int same_def(const struct vmdef *a, const struct vmdef *b)
{
    if (strcmp(a->name, b->name) || a->mem_mib != b->mem_mib || a->vcpus != b->vcpus ||
        a->boot != b->boot || a->ndisks != b->ndisks || a->autostart != b->autostart)
        return 0;
    if (a->boot == VMDEF_BOOT_GUEST && strcmp(a->guest, b->guest))
        return 0;
    for (unsigned i = 0; i < a->ndisks; i++)
        if (strcmp(a->disks[i].path, b->disks[i].path) || a->disks[i].readonly != b->disks[i].readonly)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vmdef_json j;
    char *body = malloc(size ? size : 1);
    memcpy(body, data, size);
    for (int patch = 0; patch < 2; patch++) {
        struct vmdef d;
        vmdef_init(&d, patch ? "web" : NULL);
        if (patch)
            vmdef_set(&d, "disk", "VMS/web.vhd", NULL, 0);
        int rc = vmdef_json_read(body, size, patch, "web", &j);
        check(rc == 0 || rc == 400 || rc == 413 || rc == 422);
        check(rc == 0 || (j.msg[0] && strlen(j.msg) < sizeof(j.msg)));
        if (rc)
            continue;
        check(j.n <= VMDEF_JSON_KV);
        rc = vmdef_json_apply(&j, &d);
        check(rc == 0 || (rc == 422 && j.msg[0]));
        if (rc)
            continue;
        char out[2048];
        struct json_out o;
        json_init(&o, out, sizeof(out));
        vmdef_json_write(&o, &d);
        check(!o.overflow);
        struct vmdef d2;
        vmdef_init(&d2, NULL);
        check(vmdef_json_read(out, o.len, false, NULL, &j) == 0);
        check(vmdef_json_apply(&j, &d2) == 0);
        check(same_def(&d, &d2));
    }
    free(body);
    return 0;
}
