/* VM definitions as JSON (POST /api/v1/vms, PATCH /api/v1/vms/{name},
 * the "definition" of GET /api/v1/vms/{name}), over vmm/vmdef.h: the JSON
 * is checked for shape and types here, then every field becomes one
 * `key = value` of the definition file and goes through vmdef_set, so the
 * API and the files share one set of rules. Pure C (host unit tests and
 * the libFuzzer target tests/fuzz/fuzz_vmdef_json.c).
 *
 *     {"name":"web","memory_mib":256,"vcpus":1,"boot":"disk",
 *      "disks":["VMS/web.vhd",{"path":"ISO/x.img","readonly":true}],
 *      "autostart":false}
 */
#ifndef HV_MGMT_VMDEF_JSON_H
#define HV_MGMT_VMDEF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "mgmt/json.h"
#include "vmm/vmdef.h"

#define VMDEF_JSON_MAX    8192             /* body bytes; more: 413 */
#define VMDEF_JSON_TOKENS 128              /* JSON values; more: 413 */
#define VMDEF_JSON_KV     (2 + 6 + VMDEF_DISKS)
#define VMDEF_JSON_MSG    192

struct vmdef_kv {
    const char *field;                     /* the JSON field it came from (static) */
    char key[12];                          /* the vmdef key: "memory", "disk", ... */
    char value[VMDEF_PATH_MAX + 16];       /* its text */
};

struct vmdef_json {
    struct vmdef_kv kv[VMDEF_JSON_KV];     /* in the order vmdef_set must see them */
    unsigned n;
    char msg[VMDEF_JSON_MSG];              /* why, when a call below fails */
};

/* Reads a definition body. patch: fields are optional and "name" may not
 * change (it may be given if it is the same as `name`). Returns 0, or the
 * HTTP status with j->msg: 400 malformed JSON or not an object, 413 too
 * large, 422 an unknown field, a field given twice or of the wrong type
 * (the message names the field). */
int vmdef_json_read(const char *body, size_t len, bool patch, const char *name,
                    struct vmdef_json *j);

/* Applies the fields to d through vmdef_set and checks the result with
 * vmdef_check: 0, or 422 with j->msg naming the field. */
int vmdef_json_apply(struct vmdef_json *j, struct vmdef *d);

/* d as a JSON object, in the same field names. */
void vmdef_json_write(struct json_out *o, const struct vmdef *d);

#endif
