/* Host tests for HV.CFG editing (kernel/lib/hvcfg_edit.c): every other
 * line kept, and the result read back by the real parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/bootinfo.h"
#include "lib/hvcfg.h"
#include "lib/hvcfg_edit.h"

static char out[8192];

/* Edits exactly strlen(in) bytes from a heap copy (ASan sees overreads)
 * into out, NUL-terminated for comparisons; returns hvcfg_edit's result. */
static int edit(const char *in, const char *key, const char *value)
{
    size_t n = strlen(in);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, in, n);
    memset(out, 0x55, sizeof(out));
    int r = hvcfg_edit(copy, n, key, value, out, sizeof(out) - 1);
    free(copy);
    if (r >= 0)
        out[r] = 0;
    return r;
}

static void expect(const char *in, const char *key, const char *value, const char *want)
{
    int r = edit(in, key, value);
    assert_int_equal(r, (int)strlen(want));
    assert_string_equal(out, want);
}

static int warnings;

static void count(void *ctx, unsigned line, const char *msg)
{
    (void)ctx;
    (void)line;
    (void)msg;
    warnings++;
}

/* The edited text parses cleanly and says what was set. */
static void parse_out(struct hv_config *c)
{
    warnings = 0;
    hvcfg_parse(out, strlen(out), c, count, NULL);
    assert_int_equal(warnings, 0);
}

static const char sample[] =
    "# hv configuration\n"
    "\n"
    "boot.default = hypervisor\n"
    "# the name:\n"
    "hostname = hv   # this machine\n"
    "boot.timeout = 3\n";

static void test_replace_in_place(void **state)
{
    (void)state;
    expect(sample, "hostname", "box",
           "# hv configuration\n\nboot.default = hypervisor\n# the name:\n"
           "hostname = box   # this machine\nboot.timeout = 3\n");
    expect(sample, "boot.timeout", "0",
           "# hv configuration\n\nboot.default = hypervisor\n# the name:\n"
           "hostname = hv   # this machine\nboot.timeout = 0\n");
    /* the person's spacing stays; a comment glued to the value is kept apart */
    expect("  hostname=hv# c\n", "hostname", "box", "  hostname=box # c\n");
    expect("hostname\t=\thv\t\n", "hostname", "box", "hostname\t=\tbox\n");
    expect("hostname =\nx = 1\n", "hostname", "box", "hostname = box\nx = 1\n");
    expect("hostname=\n", "hostname", "box", "hostname= box\n");
    expect("hostname = # empty\n", "hostname", "box", "hostname = box # empty\n");
    /* the last line without a line break stays without one */
    expect("a = 1\nhostname = hv", "hostname", "box", "a = 1\nhostname = box");
    struct hv_config c;
    edit(sample, "hostname", "renamed-host");
    parse_out(&c);
    assert_string_equal(c.hostname, "renamed-host");
    assert_int_equal(c.boot_timeout, 3);
}

static void test_only_lines_that_set_the_key(void **state)
{
    (void)state;
    /* comments, longer keys, other case, a malformed line: not the key */
    expect("# hostname = old\nhostname2 = x\nHostname = y\nhostname\n", "hostname", "box",
           "# hostname = old\nhostname2 = x\nHostname = y\nhostname\nhostname = box\n");
    /* a line too long for the lexer does not set anything: kept, key appended */
    char in[400], want[500];
    snprintf(in, sizeof(in), "hostname = a%0300d\n", 0);
    snprintf(want, sizeof(want), "%shostname = box\n", in);
    expect(in, "hostname", "box", want);
}

static void test_duplicates_removed(void **state)
{
    (void)state;
    expect("hostname = a\nx = 1\nhostname = b\n  hostname=c # old\ny = 2\n", "hostname", "box",
           "hostname = box\nx = 1\ny = 2\n");
    /* a removed last line without a line break */
    expect("hostname = a\nhostname = b", "hostname", "box", "hostname = box\n");
    struct hv_config c;
    edit("keyboard = us\nkeyboard = us\n", "keyboard", "br-abnt2");
    parse_out(&c);                          /* no duplicate-key warning left */
    assert_int_equal(c.keyboard, HVCFG_KBD_BR_ABNT2);
}

static void test_append(void **state)
{
    (void)state;
    expect("", "keyboard", "br-abnt2", "keyboard = br-abnt2\n");
    expect("a = 1\n", "keyboard", "us", "a = 1\nkeyboard = us\n");
    expect("a = 1", "keyboard", "us", "a = 1\nkeyboard = us\n");
    expect("# only a comment", "desktop", "on", "# only a comment\ndesktop = on\n");
    assert_int_equal(hvcfg_edit(NULL, 0, "desktop", "on", out, sizeof(out)), 13);
    struct hv_config c;
    edit(sample, "desktop", "on");
    parse_out(&c);
    assert_int_equal(c.desktop, HVCFG_DESKTOP_ON);
    assert_string_equal(c.hostname, "hv");
    assert_non_null(strstr(out, "# the name:\nhostname = hv   # this machine\n"));
}

static void test_remove(void **state)
{
    (void)state;
    expect(sample, "hostname", NULL,
           "# hv configuration\n\nboot.default = hypervisor\n# the name:\nboot.timeout = 3\n");
    expect("hostname = a\nx = 1\nhostname = b", "hostname", NULL, "x = 1\n");
    expect(sample, "net.gateway", NULL, sample);        /* absent: unchanged */
    expect("", "hostname", NULL, "");
    struct hv_config c;
    edit(sample, "hostname", NULL);
    parse_out(&c);
    assert_string_equal(c.hostname, "hv");              /* the default */
}

static void test_crlf(void **state)
{
    (void)state;
    const char *in = "# c\r\nhostname = a # n\r\nb.c = 1\r\nhostname = z\r\n";
    expect(in, "hostname", "box", "# c\r\nhostname = box # n\r\nb.c = 1\r\n");
    expect(in, "keyboard", "us", "# c\r\nhostname = a # n\r\nb.c = 1\r\nhostname = z\r\n"
                                 "keyboard = us\r\n");
    expect("a = 1\r\nb = 2", "keyboard", "us", "a = 1\r\nb = 2\r\nkeyboard = us\r\n");
    expect(in, "hostname", NULL, "# c\r\nb.c = 1\r\n");
    /* without a CR on its first line, the file is LF */
    expect("a = 1\nb = 2\r\n", "keyboard", "us", "a = 1\nb = 2\r\nkeyboard = us\n");
    warnings = 0;
    struct hv_config c;
    edit("hostname = a\r\nboot.timeout = 5\r\n", "hostname", "box");
    hvcfg_parse(out, strlen(out), &c, count, NULL);
    assert_int_equal(warnings, 0);
    assert_string_equal(c.hostname, "box");
    assert_int_equal(c.boot_timeout, 5);
}

static void test_byte_order_mark(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBFhostname = a\n", "hostname", "box", "\xEF\xBB\xBFhostname = box\n");
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *in = "hostname = a\n";
    assert_int_equal(edit(in, "hostname", "a\nb"), -HVCFG_EDIT_EVALUE);
    assert_int_equal(edit(in, "hostname", "a\rb"), -HVCFG_EDIT_EVALUE);
    assert_int_equal(edit(in, "hostname", "a#b"), -HVCFG_EDIT_EVALUE);
    assert_int_equal(edit(in, "hostname", "a\tb"), -HVCFG_EDIT_EVALUE);
    assert_int_equal(edit(in, "hostname", "a\x7f"), -HVCFG_EDIT_EVALUE);
    assert_int_equal(edit(in, "hostname", "\x01"), -HVCFG_EDIT_EVALUE);
    assert_int_equal(edit(in, "", "x"), -HVCFG_EDIT_EKEY);
    assert_int_equal(edit(in, NULL, "x"), -HVCFG_EDIT_EKEY);
    assert_int_equal(edit(in, "host name", "x"), -HVCFG_EDIT_EKEY);
    assert_int_equal(edit(in, "a=b", "x"), -HVCFG_EDIT_EKEY);
    assert_int_equal(edit(in, "a#", NULL), -HVCFG_EDIT_EKEY);
    char key[80];
    memset(key, 'k', sizeof(key));
    key[HVCFG_EDIT_KEY_MAX] = 0;
    assert_true(edit(in, key, "x") > 0);
    key[HVCFG_EDIT_KEY_MAX] = 'k';
    key[HVCFG_EDIT_KEY_MAX + 1] = 0;
    assert_int_equal(edit(in, key, "x"), -HVCFG_EDIT_EKEY);
    /* `hostname = ` + value: 255 bytes fit the lexer, 256 do not */
    char v[300];
    memset(v, 'v', sizeof(v));
    v[255 - 11] = 0;
    assert_true(edit(in, "hostname", v) > 0);
    v[255 - 11] = 'v';
    v[256 - 11] = 0;
    assert_int_equal(edit(in, "hostname", v), -HVCFG_EDIT_ELONG);
    v[255 - 11] = 0;                        /* fits LF, not CRLF: the '\r' counts */
    assert_int_equal(edit("a = 1\r\n", "hostname", v), -HVCFG_EDIT_ELONG);
    for (int e = HVCFG_EDIT_EKEY; e <= HVCFG_EDIT_ESPACE; e++)
        assert_string_not_equal(hvcfg_edit_strerror(-e), "unknown error");
}

static void test_out_too_small(void **state)
{
    (void)state;
    const char *in = "a = 1\nhostname = hv\n";
    const char *want = "a = 1\nhostname = box\n";
    size_t n = strlen(want);
    char small[64];
    assert_int_equal(hvcfg_edit(in, strlen(in), "hostname", "box", small, n), (int)n);
    assert_memory_equal(small, want, n);
    assert_int_equal(hvcfg_edit(in, strlen(in), "hostname", "box", small, n - 1),
                     -HVCFG_EDIT_ESPACE);
    assert_int_equal(hvcfg_edit(in, strlen(in), "x", "1", small, strlen(in) + 5),
                     -HVCFG_EDIT_ESPACE);
    assert_int_equal(hvcfg_edit(in, strlen(in), "x", "1", NULL, 0), -HVCFG_EDIT_ESPACE);
}

static void test_long_comment_moves_up(void **state)
{
    (void)state;
    /* the old line fits; with a longer value the comment goes above */
    char in[300], want[400], comment[240];
    memset(comment, 'c', sizeof(comment));
    comment[0] = '#';
    comment[sizeof(comment) - 1] = 0;
    snprintf(in, sizeof(in), "hostname = a %s\nboot.timeout = 1\n", comment);
    assert_true(strlen(in) - 18 <= 255);
    snprintf(want, sizeof(want), "%s\nhostname = a-much-longer-name\nboot.timeout = 1\n",
             comment);
    expect(in, "hostname", "a-much-longer-name", want);
    struct hv_config c;
    parse_out(&c);
    assert_string_equal(c.hostname, "a-much-longer-name");
}

static void test_round_trip_every_key(void **state)
{
    (void)state;
    static const char *const kv[][2] = {
        { "boot.default", "os" }, { "boot.timeout", "0" }, { "hostname", "renamed-host" },
        { "net.mode", "static" }, { "net.address", "10.0.0.5/24" },
        { "net.gateway", "10.0.0.1" }, { "net.dns", "10.0.0.2" }, { "desktop", "on" },
        { "keyboard", "br-abnt2" },
        { "admin.password", "pbkdf2-sha256$20000$00ff$abcd" },
    };
    char text[8192];
    strcpy(text, sample);
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
        assert_int_equal(hvcfg_check(kv[i][0], kv[i][1], NULL, 0), 0);
        assert_true(edit(text, kv[i][0], kv[i][1]) > 0);
        strcpy(text, out);
    }
    struct hv_config c;
    parse_out(&c);
    assert_int_equal(c.boot_default, HV_MODE_OS);
    assert_int_equal(c.boot_timeout, 0);
    assert_string_equal(c.hostname, "renamed-host");
    assert_int_equal(c.net_mode, HVCFG_NET_STATIC);
    assert_int_equal(c.net_address, 0x0A000005u);
    assert_int_equal(c.net_prefix, 24);
    assert_int_equal(c.net_gateway, 0x0A000001u);
    assert_int_equal(c.net_dns, 0x0A000002u);
    assert_int_equal(c.desktop, HVCFG_DESKTOP_ON);
    assert_int_equal(c.keyboard, HVCFG_KBD_BR_ABNT2);
    assert_string_equal(c.admin_password, "pbkdf2-sha256$20000$00ff$abcd");
    /* the person's comments are all still there, in order */
    assert_non_null(strstr(out, "# hv configuration\n\nboot.default = os\n# the name:\n"
                                "hostname = renamed-host   # this machine\nboot.timeout = 0\n"));
    /* and back: every key removed leaves the comments and defaults */
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
        assert_true(edit(text, kv[i][0], NULL) >= 0);
        strcpy(text, out);
    }
    assert_string_equal(out, "# hv configuration\n\n# the name:\n");
}

static void test_check(void **state)
{
    (void)state;
    char why[HVCFG_MSG_MAX];
    assert_int_equal(hvcfg_check("hostname", "renamed-host", why, sizeof(why)), 0);
    assert_int_equal(hvcfg_check("keyboard", "br-abnt2", why, sizeof(why)), 0);
    assert_int_equal(hvcfg_check("hostname", "Bad_Name", why, sizeof(why)), -1);
    assert_string_equal(why, "bad value \"Bad_Name\" for hostname (1-63 of a-z 0-9 -)");
    assert_int_equal(hvcfg_check("keyboard", "de", why, sizeof(why)), -1);
    assert_string_equal(why, "bad value \"de\" for keyboard (us or br-abnt2)");
    assert_int_equal(hvcfg_check("colour", "red", why, sizeof(why)), -1);
    assert_string_equal(why, "unknown key \"colour\"");
    assert_int_equal(hvcfg_check("boot.timeout", "", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "bad value \"\" for boot.timeout"));
    assert_int_equal(hvcfg_check("hostname", "a#b", why, sizeof(why)), -1);
    assert_string_equal(why, hvcfg_edit_strerror(HVCFG_EDIT_EVALUE));
    assert_int_equal(hvcfg_check("host name", "x", why, sizeof(why)), -1);
    assert_string_equal(why, hvcfg_edit_strerror(HVCFG_EDIT_EKEY));
    char v[300];
    memset(v, 'a', sizeof(v));
    v[299] = 0;
    assert_int_equal(hvcfg_check("hostname", v, why, sizeof(why)), -1);
    assert_string_equal(why, hvcfg_edit_strerror(HVCFG_EDIT_ELONG));
    v[64] = 0;                              /* 64 letters: one too many */
    assert_int_equal(hvcfg_check("hostname", v, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "for hostname (1-63 of a-z 0-9 -)"));
    assert_int_equal(hvcfg_check("hostname", NULL, why, sizeof(why)), 0);   /* removal */
    /* a short buffer is cut, still terminated; NULL is fine */
    assert_int_equal(hvcfg_check("keyboard", "de", why, 6), -1);
    assert_string_equal(why, "bad v");
    assert_int_equal(hvcfg_check("keyboard", "de", NULL, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replace_in_place),
        cmocka_unit_test(test_only_lines_that_set_the_key),
        cmocka_unit_test(test_duplicates_removed),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_out_too_small),
        cmocka_unit_test(test_long_comment_moves_up),
        cmocka_unit_test(test_round_trip_every_key),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
