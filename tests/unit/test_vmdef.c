/* VM definition files: what a user may write in VMS/<name>.vm, what hv
 * rejects (with the line), and that hv's own output parses back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/vmdef.h"

static char warnings[2048];
static unsigned nwarn;

static void warn(void *ctx, unsigned line, const char *msg)
{
    (void)ctx;
    size_t n = strlen(warnings);
    snprintf(warnings + n, sizeof(warnings) - n, "%u: %s\n", line, msg);
    nwarn++;
}

static int parse(struct vmdef *d, const char *text)
{
    warnings[0] = 0;
    nwarn = 0;
    return vmdef_parse(d, text, strlen(text), warn, NULL);
}

static void test_first_os(void **state)
{
    (void)state;
    struct vmdef d;
    assert_int_equal(parse(&d, "# the first OS\nname = first-os\nmemory = 256\nvcpus = 1\n"
                               "boot = disk\ndisk = GUEST0.VHD\nautostart = yes\n"), 0);
    assert_int_equal(nwarn, 0);
    assert_string_equal(d.name, "first-os");
    assert_int_equal(d.mem_mib, 256);
    assert_int_equal(d.vcpus, 1);
    assert_int_equal(d.boot, VMDEF_BOOT_DISK);
    assert_int_equal(d.ndisks, 1);
    assert_string_equal(d.disks[0].path, "GUEST0.VHD");
    assert_false(d.disks[0].readonly);
    assert_true(d.autostart);
}

static void test_defaults_and_guest_boot(void **state)
{
    (void)state;
    struct vmdef d;
    assert_int_equal(parse(&d, "name = t1\nboot = guest:hello\n"), 0);
    assert_int_equal(d.mem_mib, 64);
    assert_int_equal(d.boot, VMDEF_BOOT_GUEST);
    assert_string_equal(d.guest, "hello");
    assert_false(d.autostart);
    assert_int_equal(d.ndisks, 0);
}

static void test_disks(void **state)
{
    (void)state;
    struct vmdef d;
    assert_int_equal(parse(&d, "name = a\ndisk = sys.vhd\ndisk = iso/data.img,readonly\n"
                               "disk = x.img,ro\ndisk = y.img,rw\n"), 0);
    assert_int_equal(d.ndisks, 4);
    assert_true(d.disks[1].readonly && d.disks[2].readonly && !d.disks[3].readonly);
    assert_string_equal(d.disks[1].path, "iso/data.img");
    /* A fifth is refused, an empty value clears. */
    assert_int_equal(vmdef_set(&d, "disk", "z.img", NULL, 0), -1);
    assert_int_equal(vmdef_set(&d, "disk", "", NULL, 0), 0);
    assert_int_equal(d.ndisks, 0);
}

static void test_rejects_with_line(void **state)
{
    (void)state;
    struct vmdef d;
    assert_int_equal(parse(&d, "name = a\nmemory = lots\ncolour = red\ndisk = a.img\n"), -1);
    assert_int_equal(nwarn, 2);
    assert_non_null(strstr(warnings, "2: memory: 2-65536 MiB expected, got \"lots\""));
    assert_non_null(strstr(warnings, "3: unknown key \"colour\""));
}

static void test_each_bad_value(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        { "name", "" }, { "name", "-x" }, { "name", "Upper" }, { "name", "a b" },
        { "name", "0123456789012345678901234567890123" },
        { "memory", "1" }, { "memory", "65537" }, { "memory", "-4" }, { "memory", "99999999999999999999" },
        { "vcpus", "0" }, { "vcpus", "2" }, { "boot", "cdrom" }, { "boot", "guest:" },
        { "boot", "guest:Bad!" }, { "disk", "../etc/passwd" }, { "disk", "a.img,fast" },
        { "disk", "a\"b" }, { "autostart", "maybe" }, { "nic", "e1000" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vmdef d;
        char msg[VMDEF_MSG_MAX] = "";
        vmdef_init(&d, "ok");
        assert_int_equal(vmdef_set(&d, bad[i][0], bad[i][1], msg, sizeof(msg)), -1);
        assert_true(msg[0] != 0);
        /* The message names the key, so a user knows which line to fix. */
        if (strcmp(bad[i][0], "nic") != 0)
            assert_non_null(strstr(msg, bad[i][0]));
    }
}

static void test_whole_file_checks(void **state)
{
    (void)state;
    struct vmdef d;
    assert_int_equal(parse(&d, "memory = 128\ndisk = a.img\n"), -1);        /* no name */
    assert_non_null(strstr(warnings, "name"));
    assert_int_equal(parse(&d, "name = a\nboot = disk\n"), -1);             /* nothing to boot */
    assert_non_null(strstr(warnings, "needs a disk"));
    assert_int_equal(parse(&d, "name = a\nname = b\nboot = guest:hello\n"), -1);
    assert_int_equal(parse(&d, "name = a\nthis line has no equals sign\nboot = guest:hello\n"), -1);
    assert_non_null(strstr(warnings, "2: "));
}

static void test_garbage_never_crashes(void **state)
{
    (void)state;
    char buf[512];
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(seed % sizeof(buf));
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            static const char alphabet[] = "name=memory disk boot:guest,#\n\r\t 0123456789abc\"\\.";
            buf[i] = (seed >> 16) % 5 ? alphabet[(seed >> 8) % (sizeof(alphabet) - 1)] : (char)(seed >> 3);
        }
        struct vmdef d;
        warnings[0] = 0;
        (void)vmdef_parse(&d, buf, n, warn, NULL);
        assert_true(d.ndisks <= VMDEF_DISKS);
        assert_true(strlen(d.name) <= VMDEF_NAME_MAX);
    }
}

static void test_format_roundtrip(void **state)
{
    (void)state;
    struct vmdef d, e;
    vmdef_init(&d, "web-1");
    d.mem_mib = 1024;
    d.autostart = true;
    assert_int_equal(vmdef_set(&d, "disk", "web.vhd", NULL, 0), 0);
    assert_int_equal(vmdef_set(&d, "disk", "shared.img,readonly", NULL, 0), 0);
    char text[VMDEF_TEXT_MAX];
    int n = vmdef_format(&d, text, sizeof(text));
    assert_true(n > 0 && (size_t)n == strlen(text));
    assert_int_equal(parse(&e, text), 0);
    assert_int_equal(nwarn, 0);
    assert_memory_equal(&d, &e, sizeof(d));
    /* Too small a buffer fails instead of writing a truncated file. */
    assert_int_equal(vmdef_format(&d, text, 40), -1);

    vmdef_init(&d, "g");
    assert_int_equal(vmdef_set(&d, "boot", "guest:hello", NULL, 0), 0);
    assert_true(vmdef_format(&d, text, sizeof(text)) > 0);
    assert_int_equal(parse(&e, text), 0);
    assert_string_equal(e.guest, "hello");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_os),
        cmocka_unit_test(test_defaults_and_guest_boot),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_rejects_with_line),
        cmocka_unit_test(test_each_bad_value),
        cmocka_unit_test(test_whole_file_checks),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_format_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
