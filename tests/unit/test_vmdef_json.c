/* VM definitions as JSON (kernel/mgmt/vmdef_json.c over kernel/vmm/vmdef.c):
 * a full definition, defaults, the statuses and messages of every kind of
 * bad body (400 malformed, 413 too large, 422 naming the field), PATCH
 * rules, and the JSON written back reading as the same definition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/vmdef_json.h"

static struct vmdef_json j;

static int create(const char *body, struct vmdef *d)
{
    int rc = vmdef_json_read(body, strlen(body), false, NULL, &j);
    if (rc)
        return rc;
    vmdef_init(d, NULL);
    return vmdef_json_apply(&j, d);
}

/* The status and that the message contains want. */
static void refused(const char *body, int status, const char *want)
{
    struct vmdef d;
    int rc = create(body, &d);
    if (rc != status || !strstr(j.msg, want))
        fail_msg("%s: %d \"%s\", expected %d with \"%s\"", body, rc, j.msg, status, want);
}

static void test_full(void **st)
{
    (void)st;
    struct vmdef d;
    assert_int_equal(create("{\"name\":\"web-1\",\"memory_mib\":256,\"vcpus\":1,\"boot\":\"disk\","
                            "\"disks\":[\"VMS/web.vhd\",{\"path\":\"ISO/x.img\",\"readonly\":true}],"
                            "\"autostart\":true}", &d), 0);
    assert_string_equal(d.name, "web-1");
    assert_int_equal(d.mem_mib, 256);
    assert_int_equal(d.vcpus, 1);
    assert_int_equal(d.boot, VMDEF_BOOT_DISK);
    assert_int_equal(d.ndisks, 2);
    assert_string_equal(d.disks[0].path, "VMS/web.vhd");
    assert_false(d.disks[0].readonly);
    assert_string_equal(d.disks[1].path, "ISO/x.img");
    assert_true(d.disks[1].readonly);
    assert_true(d.autostart);

    /* written back and read again: the same definition */
    char buf[1024];
    struct json_out o;
    json_init(&o, buf, sizeof(buf));
    vmdef_json_write(&o, &d);
    assert_false(o.overflow);
    struct vmdef d2;
    assert_int_equal(create(buf, &d2), 0);
    assert_memory_equal(&d, &d2, sizeof(d));
}

static void test_defaults_and_guest(void **st)
{
    (void)st;
    struct vmdef d;
    assert_int_equal(create("{\"name\":\"t\",\"boot\":\"guest:hello\"}", &d), 0);
    assert_int_equal(d.mem_mib, 64);
    assert_int_equal(d.boot, VMDEF_BOOT_GUEST);
    assert_string_equal(d.guest, "hello");
    assert_false(d.autostart);
    char buf[512];
    struct json_out o;
    json_init(&o, buf, sizeof(buf));
    vmdef_json_write(&o, &d);
    assert_string_equal(buf, "{\"name\":\"t\",\"memory_mib\":64,\"vcpus\":1,\"boot\":\"guest:hello\","
                             "\"disks\":[],\"autostart\":false}");
}

static void test_refusals(void **st)
{
    (void)st;
    refused("", 400, "malformed JSON at byte 0");
    refused("{\"name\":\"a\",}", 400, "malformed JSON at byte 12");
    refused("{\"name\":\"a\"", 400, "unterminated object");
    refused("[1]", 400, "expected a JSON object");
    refused("{\"name\":\"a\",\"colour\":\"red\"}", 422, "unknown field \"colour\"");
    refused("{\"name\":\"a\",\"name\":\"b\"}", 422, "field \"name\" given twice");
    refused("{\"memory_mib\":64}", 422, "name: missing");
    refused("{\"name\":7}", 422, "name: a string expected, got number");
    refused("{\"name\":\"Bad Name\"}", 422, "name: \"Bad Name\" is not a VM name");
    refused("{\"name\":\"a\",\"memory_mib\":\"64\"}", 422, "memory_mib: an integer expected, got string");
    refused("{\"name\":\"a\",\"memory_mib\":1.5}", 422, "memory_mib: an integer expected, got number with a fraction");
    refused("{\"name\":\"a\",\"memory_mib\":1e2}", 422, "memory_mib: an integer expected");
    refused("{\"name\":\"a\",\"memory_mib\":1}", 422, "memory_mib: 2-65536 MiB expected");
    refused("{\"name\":\"a\",\"memory_mib\":-5}", 422, "memory_mib: 2-65536 MiB expected, got \"-5\"");
    refused("{\"name\":\"a\",\"memory_mib\":99999999999999999999}", 422, "memory_mib: number out of range");
    refused("{\"name\":\"a\",\"vcpus\":2}", 422, "vcpus:");
    refused("{\"name\":\"a\",\"autostart\":\"yes\"}", 422, "autostart: true or false expected, got string");
    refused("{\"name\":\"a\",\"boot\":\"floppy\"}", 422, "boot: \"disk\" or \"guest:");
    refused("{\"name\":\"a\",\"disks\":\"x\"}", 422, "disks: an array expected");
    refused("{\"name\":\"a\",\"disks\":[1]}", 422, "disks[]: a path string or");
    refused("{\"name\":\"a\",\"disks\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 422, "disks: at most 4");
    refused("{\"name\":\"a\",\"disks\":[{\"readonly\":true}]}", 422, "needs \"path\"");
    refused("{\"name\":\"a\",\"disks\":[{\"path\":\"x\",\"ro\":1}]}", 422, "unknown field \"disks[].ro\"");
    refused("{\"name\":\"a\",\"disks\":[\"a,b\"]}", 422, "no commas");
    refused("{\"name\":\"a\",\"disks\":[\"../x\"]}", 422, "disk");
    refused("{\"name\":\"a\",\"disks\":[\"x\\u0000y\"]}", 422, "NUL");
    refused("{\"name\":\"a\",\"boot\":\"disk\"}", 422, "boot = disk needs a disk");
    refused("{\"name\":\"a\"}", 422, "boot = disk needs a disk");
    /* limits */
    char *big = malloc(VMDEF_JSON_MAX + 2);
    memset(big, ' ', VMDEF_JSON_MAX + 1);
    big[0] = '{';
    big[VMDEF_JSON_MAX] = '}';
    big[VMDEF_JSON_MAX + 1] = 0;
    refused(big, 413, "larger than 8192 bytes");
    big[VMDEF_JSON_MAX] = 0;
    big[VMDEF_JSON_MAX - 1] = '}';
    refused(big, 422, "name: missing");    /* 8192 bytes exactly: read */
    size_t n = 0;
    n += (size_t)sprintf(big, "{\"name\":\"a\",\"x\":[");
    for (int i = 0; i < VMDEF_JSON_TOKENS; i++)
        n += (size_t)sprintf(big + n, "1,");
    strcpy(big + n - 1, "]}");
    refused(big, 413, "too many values");
    n = (size_t)sprintf(big, "{\"name\":\"a\",\"x\":");
    for (int i = 0; i < 20; i++)
        big[n++] = '[';
    big[n] = 0;
    refused(big, 413, "nested too deeply");
    free(big);
}

static void test_patch(void **st)
{
    (void)st;
    struct vmdef d;
    vmdef_init(&d, "web");
    assert_int_equal(vmdef_set(&d, "disk", "VMS/web.vhd", NULL, 0), 0);
    const char *b = "{\"memory_mib\":512,\"autostart\":true}";
    assert_int_equal(vmdef_json_read(b, strlen(b), true, "web", &j), 0);
    assert_int_equal(vmdef_json_apply(&j, &d), 0);
    assert_int_equal(d.mem_mib, 512);
    assert_int_equal(d.ndisks, 1);                   /* untouched */
    b = "{\"name\":\"web\",\"disks\":[]}";
    assert_int_equal(vmdef_json_read(b, strlen(b), true, "web", &j), 0);
    assert_int_equal(j.n, 1);                        /* the name is not a change */
    assert_string_equal(j.kv[0].key, "disk");
    assert_string_equal(j.kv[0].value, "");
    assert_int_equal(vmdef_json_apply(&j, &d), 422); /* boot = disk with no disk */
    b = "{\"name\":\"other\"}";
    assert_int_equal(vmdef_json_read(b, strlen(b), true, "web", &j), 422);
    assert_non_null(strstr(j.msg, "name: cannot be changed"));
    b = "{}";
    assert_int_equal(vmdef_json_read(b, strlen(b), true, "web", &j), 0);
    assert_int_equal(j.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_defaults_and_guest),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_patch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
