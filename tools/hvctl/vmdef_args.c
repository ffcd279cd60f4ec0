/* KEY=VALUE operands to a definition body (vmdef_args.h). Only the form is
 * checked here (known key, a number where one is needed); hv judges the
 * values and answers 422 naming the field. */
#include "vmdef_args.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *v, double *out)
{
    char *e;
    errno = 0;
    long long n = strtoll(v, &e, 10);
    if (!v[0] || *e || errno || n < 0 || n > 1000000000LL)
        return -1;
    *out = (double)n;
    return 0;
}

static int boolean(const char *v)
{
    const char *yes[] = { "yes", "true", "on", "1" }, *no[] = { "no", "false", "off", "0" };
    for (int i = 0; i < 4; i++) {
        if (!strcmp(v, yes[i]))
            return 1;
        if (!strcmp(v, no[i]))
            return 0;
    }
    return -1;
}

char *vmdef_args_json(const char *name, int argc, char **argv, bool patch, char *why, size_t n)
{
    cJSON *d = cJSON_CreateObject(), *disks = NULL;
    char *text = NULL;
    if (!d)
        goto oom;
    if (!patch && !cJSON_AddStringToObject(d, "name", name))
        goto oom;
    for (int i = 0; i < argc; i++) {
        char key[32];
        const char *eq = strchr(argv[i], '='), *v = eq ? eq + 1 : NULL;
        if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof(key)) {
            snprintf(why, n, "'%s': KEY=VALUE expected (memory, vcpus, boot, disk, autostart)",
                     argv[i]);
            goto fail;
        }
        memcpy(key, argv[i], (size_t)(eq - argv[i]));
        key[eq - argv[i]] = 0;
        double num;
        int b;
        if (!strcmp(key, "memory") || !strcmp(key, "vcpus")) {
            if (number(v, &num) < 0) {
                snprintf(why, n, "%s: a whole number expected, got '%s'", key, v);
                goto fail;
            }
            if (cJSON_GetObjectItemCaseSensitive(d, key[0] == 'm' ? "memory_mib" : "vcpus")) {
                snprintf(why, n, "%s given twice", key);
                goto fail;
            }
            if (!cJSON_AddNumberToObject(d, key[0] == 'm' ? "memory_mib" : "vcpus", num))
                goto oom;
        } else if (!strcmp(key, "boot")) {
            if (cJSON_GetObjectItemCaseSensitive(d, "boot")) {
                snprintf(why, n, "boot given twice");
                goto fail;
            }
            if (!cJSON_AddStringToObject(d, "boot", v))
                goto oom;
        } else if (!strcmp(key, "autostart")) {
            if ((b = boolean(v)) < 0) {
                snprintf(why, n, "autostart: yes or no expected, got '%s'", v);
                goto fail;
            }
            if (cJSON_GetObjectItemCaseSensitive(d, "autostart")) {
                snprintf(why, n, "autostart given twice");
                goto fail;
            }
            if (!cJSON_AddBoolToObject(d, "autostart", b))
                goto oom;
        } else if (!strcmp(key, "disk")) {
            /* disk=PATH[,readonly]; an empty disk= means "no disks". */
            if (!disks && !(disks = cJSON_AddArrayToObject(d, "disks")))
                goto oom;
            if (!v[0])
                continue;
            char path[512];
            snprintf(path, sizeof(path), "%s", v);
            char *comma = strchr(path, ',');
            int ro = 0;
            if (comma) {
                *comma = 0;
                if (!strcmp(comma + 1, "readonly") || !strcmp(comma + 1, "ro"))
                    ro = 1;
                else if (strcmp(comma + 1, "rw") != 0) {
                    snprintf(why, n, "disk: unknown option '%s' (readonly or rw)", comma + 1);
                    goto fail;
                }
            }
            cJSON *e = ro ? cJSON_CreateObject() : cJSON_CreateString(path);
            if (!e || (ro && (!cJSON_AddStringToObject(e, "path", path) ||
                              !cJSON_AddTrueToObject(e, "readonly")))) {
                cJSON_Delete(e);
                goto oom;
            }
            cJSON_AddItemToArray(disks, e);
        } else {
            snprintf(why, n, "unknown key '%s' (memory, vcpus, boot, disk, autostart)", key);
            goto fail;
        }
    }
    text = cJSON_PrintUnformatted(d);
    if (!text)
        goto oom;
    cJSON_Delete(d);
    return text;
oom:
    snprintf(why, n, "out of memory");
fail:
    cJSON_Delete(d);
    return NULL;
}
