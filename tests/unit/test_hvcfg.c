/* Host tests for the HV.CFG parser (kernel/lib/hvcfg.c). */
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

#define MAX_WARN 64

struct warnings {
    int n;
    unsigned line[MAX_WARN];
    char msg[MAX_WARN][HVCFG_MSG_MAX];
};

static void collect(void *ctx, unsigned line, const char *msg)
{
    struct warnings *w = ctx;
    assert_true(strlen(msg) < HVCFG_MSG_MAX);
    if (w->n < MAX_WARN) {
        w->line[w->n] = line;
        snprintf(w->msg[w->n], HVCFG_MSG_MAX, "%s", msg);
    }
    w->n++;
}

/* Parses exactly len bytes from a heap copy, so ASan sees any overread. */
static int parse(const char *text, size_t len, struct hv_config *c, struct warnings *w)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(w, 0, sizeof *w);
    memset(c, 0xAA, sizeof *c);
    int r = hvcfg_parse(copy, len, c, collect, w);
    free(copy);
    assert_int_equal(r, w->n);
    return r;
}

static int parse_str(const char *text, struct hv_config *c, struct warnings *w)
{
    return parse(text, strlen(text), c, w);
}

static void assert_defaults(const struct hv_config *c)
{
    assert_int_equal(c->boot_default, HV_MODE_HYPERVISOR);
    assert_int_equal(c->boot_timeout, 3);
    assert_string_equal(c->hostname, "hv");
}

static void test_defaults(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse("", 0, &c, &w), 0);
    assert_defaults(&c);
    assert_int_equal(hvcfg_parse(NULL, 0, &c, NULL, NULL), 0);
    assert_defaults(&c);
    assert_int_equal(parse_str("\n\n   \n# only a comment\n\t# another\n", &c, &w), 0);
    assert_defaults(&c);
}

static void test_every_key(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse_str("boot.default = os\nboot.timeout = 0\nhostname = node-7\n",
                               &c, &w), 0);
    assert_int_equal(c.boot_default, HV_MODE_OS);
    assert_int_equal(c.boot_timeout, 0);
    assert_string_equal(c.hostname, "node-7");

    static const char *const modes[] = { "hypervisor", "os", "installer", "recovery" };
    for (unsigned i = 0; i < 4; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "boot.default=%s", modes[i]);
        assert_int_equal(parse_str(buf, &c, &w), 0);
        assert_int_equal(c.boot_default, i);
        assert_string_equal(hvcfg_mode_name(i), modes[i]);
    }
    assert_string_equal(hvcfg_mode_name(4), "?");

    assert_int_equal(parse_str("  boot.timeout\t=\t60  # max\n", &c, &w), 0);
    assert_int_equal(c.boot_timeout, 60);
    assert_int_equal(parse_str("boot.timeout = 007", &c, &w), 0);
    assert_int_equal(c.boot_timeout, 7);

    char host[80] = "hostname = ";
    memset(host + 11, 'a', 63);
    host[11 + 63] = 0;
    assert_int_equal(parse_str(host, &c, &w), 0);
    assert_int_equal(strlen(c.hostname), 63);
}

static void test_desktop_and_keyboard(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse_str("hostname = a\n", &c, &w), 0);
    assert_int_equal(c.desktop, HVCFG_DESKTOP_UNSET);
    assert_int_equal(c.keyboard, HVCFG_KBD_US);
    assert_int_equal(parse_str("desktop = on\nkeyboard = br-abnt2\n", &c, &w), 0);
    assert_int_equal(c.desktop, HVCFG_DESKTOP_ON);
    assert_int_equal(c.keyboard, HVCFG_KBD_BR_ABNT2);
    assert_string_equal(hvcfg_desktop_name(c.desktop), "on");
    assert_string_equal(hvcfg_keyboard_name(c.keyboard), "br-abnt2");
    assert_int_equal(parse_str("desktop = off\n", &c, &w), 0);
    assert_int_equal(c.desktop, HVCFG_DESKTOP_OFF);
    assert_string_equal(hvcfg_desktop_name(HVCFG_DESKTOP_COUNT), "?");
    assert_string_equal(hvcfg_keyboard_name(HVCFG_KBD_COUNT), "?");
    assert_int_equal(parse_str("desktop = yes\nkeyboard = dvorak\n", &c, &w), 2);
    assert_int_equal(c.desktop, HVCFG_DESKTOP_UNSET);
    assert_int_equal(c.keyboard, HVCFG_KBD_US);
    assert_string_equal(w.msg[0], "bad value \"yes\" for desktop (on, off or console)");
    assert_string_equal(w.msg[1], "bad value \"dvorak\" for keyboard (us or br-abnt2)");
}

/* admin.password is opaque text here (kernel/mgmt/auth.c checks its
 * format): printable, no spaces, 1-191 bytes; empty when absent. */
static void test_admin_password(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse_str("hostname = a\n", &c, &w), 0);
    assert_string_equal(c.admin_password, "");
    const char *spec = "pbkdf2-sha256$20000$00112233445566778899aabbccddeeff$"
                       "d558578d5cd2ad4e80a895d67820d2b7a31409a97f3b9bbba5666435422fc5b1";
    char line[256];
    snprintf(line, sizeof line, "admin.password = %s\n", spec);
    assert_int_equal(parse_str(line, &c, &w), 0);
    assert_string_equal(c.admin_password, spec);
    assert_int_equal(parse_str("admin.password = a b\n", &c, &w), 1);
    assert_string_equal(c.admin_password, "");
    char big[260] = "admin.password = ";
    memset(big + 17, 'x', HVCFG_ADMIN_PASSWORD_MAX + 1);
    big[17 + HVCFG_ADMIN_PASSWORD_MAX + 1] = 0;
    assert_int_equal(parse_str(big, &c, &w), 1);
    assert_string_equal(c.admin_password, "");
    big[17 + HVCFG_ADMIN_PASSWORD_MAX] = 0;
    assert_int_equal(parse_str(big, &c, &w), 0);
    assert_int_equal(strlen(c.admin_password), HVCFG_ADMIN_PASSWORD_MAX);
}

static void test_bad_values(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    const char *text =
        "boot.default = HyperVisor\n"   /* 1: case matters */
        "boot.timeout = 61\n"           /* 2 */
        "boot.timeout = -1\n"           /* 3 */
        "boot.timeout = 99999999999999999999\n" /* 4: no overflow */
        "boot.timeout =\n"              /* 5 */
        "hostname = Big_Host\n"         /* 6 */
        "hostname =\n"                  /* 7 */
        "hostname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" /* 8: 64 */
        "boot.timeout = 3 s\n";         /* 9 */
    assert_int_equal(parse_str(text, &c, &w), 9);
    assert_defaults(&c);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(w.line[i], i + 1);
        assert_non_null(strstr(w.msg[i], "bad value"));
    }
    assert_string_equal(w.msg[0],
        "bad value \"HyperVisor\" for boot.default (hypervisor, os, installer or recovery)");
    assert_string_equal(w.msg[1], "bad value \"61\" for boot.timeout (seconds, 0-60)");
    assert_string_equal(w.msg[4], "bad value \"\" for boot.timeout (seconds, 0-60)");
    /* long values are shortened in the message */
    assert_non_null(strstr(w.msg[7], "...\" for hostname"));
}

static void test_unknown_keys_and_lines(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    const char *text =
        "# hv config\n"          /* 1 */
        "\n"                     /* 2 */
        "boot.timeout = 5\n"     /* 3 */
        "colour = blue\n"        /* 4 */
        "just some words\n"      /* 5 */
        "= nokey\n"              /* 6 */
        "bad key = 1\n"          /* 7 */
        "Hostname = x\n"         /* 8: keys are case-sensitive */
        "hostname = ok-name\n"   /* 9 */
        "boot.timeout = 6\n";    /* 10: duplicate, last wins */
    assert_int_equal(parse_str(text, &c, &w), 6);
    assert_int_equal(c.boot_timeout, 6);
    assert_string_equal(c.hostname, "ok-name");
    assert_int_equal(w.line[0], 4);
    assert_string_equal(w.msg[0], "unknown key \"colour\"");
    assert_int_equal(w.line[1], 5);
    assert_string_equal(w.msg[1], "expected key = value");
    assert_int_equal(w.line[2], 6);
    assert_string_equal(w.msg[2], "missing key before '='");
    assert_int_equal(w.line[3], 7);
    assert_non_null(strstr(w.msg[3], "invalid key"));
    assert_int_equal(w.line[4], 8);
    assert_string_equal(w.msg[4], "unknown key \"Hostname\"");
    assert_int_equal(w.line[5], 10);
    assert_string_equal(w.msg[5], "duplicate key boot.timeout (the last one counts)");
}

static void test_crlf_and_no_newline(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse_str("boot.default = installer\r\nboot.timeout = 10\r\n"
                               "hostname = crlf\r\n", &c, &w), 0);
    assert_int_equal(c.boot_default, HV_MODE_INSTALLER);
    assert_int_equal(c.boot_timeout, 10);
    assert_string_equal(c.hostname, "crlf");

    assert_int_equal(parse_str("boot.timeout = 1\nhostname = last", &c, &w), 0);
    assert_string_equal(c.hostname, "last");
    assert_int_equal(parse_str("hostname = last\r", &c, &w), 0);
    assert_string_equal(c.hostname, "last");
    /* a cut in the middle of a value: only the bytes given count */
    assert_int_equal(parse("boot.timeout = 42", 16, &c, &w), 0);
    assert_int_equal(c.boot_timeout, 4);
    /* a UTF-8 byte order mark before the first key */
    assert_int_equal(parse_str("\xEF\xBB\xBF" "boot.default = recovery\n", &c, &w), 0);
    assert_int_equal(c.boot_default, HV_MODE_RECOVERY);
    assert_int_equal(parse("\xEF\xBB", 2, &c, &w), 1);
}

static void test_garbage(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    static const char nul_text[] = "boot.timeout = 1\0\nhostname = a\0b\nboot.default = os\n";
    assert_int_equal(parse(nul_text, sizeof nul_text - 1, &c, &w), 2);
    assert_int_equal(w.line[0], 1);
    assert_int_equal(w.line[1], 2);
    assert_non_null(strstr(w.msg[0], "NUL"));
    assert_int_equal(c.boot_default, HV_MODE_OS);
    assert_int_equal(c.boot_timeout, 3);

    /* random binary must never crash, hang or overrun, and lines must count */
    unsigned char *bin = malloc(65536);
    assert_non_null(bin);
    uint32_t x = 12345;
    for (int round = 0; round < 50; round++) {
        size_t newlines = 0;
        size_t len = (size_t)(round * 1301) % 65536;
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            bin[i] = (unsigned char)(x >> 16);
            if (round & 1 && (x >> 8) % 5 == 0)
                bin[i] = "=# \n\rab.0"[(x >> 4) % 9];
            newlines += bin[i] == '\n';
        }
        parse((const char *)bin, len, &c, &w);
        for (int i = 0; i < w.n && i < MAX_WARN; i++)
            assert_true(w.line[i] >= 1 && w.line[i] <= newlines + 1);
        assert_true(strlen(c.hostname) >= 1 && strlen(c.hostname) <= 63);
        assert_true(c.boot_default < HV_MODE_COUNT && c.boot_timeout <= 60);
    }
    free(bin);
}

static void test_long_lines(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    size_t n = 100000;
    char *t = malloc(n + 64);
    assert_non_null(t);
    /* a 255-byte line is fine, a 256-byte one is not */
    memset(t, ' ', 255);
    memcpy(t, "boot.timeout = 9", 16);
    t[255] = '\n';
    assert_int_equal(parse(t, 256, &c, &w), 0);
    assert_int_equal(c.boot_timeout, 9);
    memset(t, ' ', 256);
    memcpy(t, "boot.timeout = 9", 16);
    assert_int_equal(parse(t, 256, &c, &w), 1);
    assert_int_equal(c.boot_timeout, 3);
    assert_string_equal(w.msg[0], "line too long (over 255 bytes)");

    /* a comment may be as long as it likes */
    memset(t, '-', 1000);
    t[0] = '#';
    strcpy(t + 1000, "\n  # indented comment\nboot.timeout=2\n");
    assert_int_equal(parse(t, strlen(t), &c, &w), 0);
    assert_int_equal(c.boot_timeout, 2);

    /* a huge line, then a good one: the good one's number is right */
    memset(t, 'k', n);
    strcpy(t + n, "\nboot.timeout = 8\nfoo=1");
    assert_int_equal(parse(t, strlen(t), &c, &w), 2);
    assert_int_equal(w.line[0], 1);
    assert_int_equal(w.line[1], 3);
    assert_int_equal(c.boot_timeout, 8);
    /* a long unknown key is quoted shortened */
    memset(t, 'k', 200);
    strcpy(t + 200, "=1");
    assert_int_equal(parse(t, strlen(t), &c, &w), 1);
    assert_true(strlen(w.msg[0]) < 60);
    free(t);
}

static void test_lexer(void **state)
{
    (void)state;
    struct hvcfg_lexer lx;
    struct hvcfg_pair p;
    const char *text = "a=b=c\n\n  x.y_z-1 =  v w  # c\n#\nbad";
    hvcfg_lex_init(&lx, text, strlen(text));
    assert_int_equal(hvcfg_lex_next(&lx, &p), HVCFG_PAIR);
    assert_int_equal(lx.line, 1);
    assert_int_equal(p.key_len, 1);
    assert_memory_equal(p.value, "b=c", 3);
    assert_int_equal(p.value_len, 3);
    assert_int_equal(hvcfg_lex_next(&lx, &p), HVCFG_PAIR);
    assert_int_equal(lx.line, 3);
    assert_memory_equal(p.key, "x.y_z-1", 7);
    assert_int_equal(p.key_len, 7);
    assert_int_equal(p.value_len, 3);
    assert_memory_equal(p.value, "v w", 3);
    assert_int_equal(hvcfg_lex_next(&lx, &p), HVCFG_BAD);
    assert_int_equal(lx.line, 5);
    assert_int_equal(hvcfg_lex_next(&lx, &p), HVCFG_EOF);
    assert_int_equal(hvcfg_lex_next(&lx, &p), HVCFG_EOF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_admin_password),
        cmocka_unit_test(test_desktop_and_keyboard),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_unknown_keys_and_lines),
        cmocka_unit_test(test_crlf_and_no_newline),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_lexer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
