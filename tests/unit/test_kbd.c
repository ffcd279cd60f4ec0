/* Scan code set 1 translation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "dev/kbd_map.h"

/* Feeds a byte sequence and returns everything produced, NUL-terminated. */
static const char *feed(struct kbd_state *st, const uint8_t *sc, size_t n)
{
    static char buf[64];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char out[4];
        int k = kbd_translate(st, sc[i], out);
        assert_true(k >= 0 && k <= 4);
        memcpy(buf + len, out, (size_t)k);
        len += (size_t)k;
    }
    buf[len] = 0;
    return buf;
}

#define FEED(st, ...) feed(st, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void test_letters_and_shift(void **state)
{
    (void)state;
    struct kbd_state st = { 0 };
    assert_string_equal(FEED(&st, 0x23, 0xA3, 0x17, 0x97), "hi");
    assert_string_equal(FEED(&st, 0x2A, 0x23, 0xA3, 0x02, 0xAA, 0x02), "H!1");
    assert_string_equal(FEED(&st, 0x36, 0x27, 0x0D, 0xB6, 0x27), ":+;");
}

static void test_caps_lock(void **state)
{
    (void)state;
    struct kbd_state st = { 0 };
    /* caps affects letters only; shift inverts it */
    assert_string_equal(FEED(&st, 0x3A, 0xBA, 0x1E, 0x02, 0x2A, 0x1E, 0xAA), "A1a");
    assert_string_equal(FEED(&st, 0x3A, 0xBA, 0x1E), "a");
}

static void test_ctrl(void **state)
{
    (void)state;
    struct kbd_state st = { 0 };
    assert_string_equal(FEED(&st, 0x1D, 0x2E, 0x9D, 0x2E), "\x03" "c");
    assert_string_equal(FEED(&st, 0xE0, 0x1D, 0x16, 0xE0, 0x9D, 0x16), "\x15" "u");
}

static void test_arrows_and_specials(void **state)
{
    (void)state;
    struct kbd_state st = { 0 };
    assert_string_equal(FEED(&st, 0xE0, 0x48, 0xE0, 0xC8), "\x1b[A");
    assert_string_equal(FEED(&st, 0xE0, 0x50, 0xE0, 0x4D, 0xE0, 0x4B), "\x1b[B\x1b[C\x1b[D");
    assert_string_equal(FEED(&st, 0x1C, 0x0E, 0x39, 0x01), "\r\b \x1b");
    assert_string_equal(FEED(&st, 0xE0, 0x53), "\x1b[3~");
    assert_string_equal(FEED(&st, 0xE0, 0x49), "\x1b[5~");
    assert_string_equal(FEED(&st, 0xE0, 0x51), "\x1b[6~");
    /* Print Screen's fake shift must not stick */
    assert_string_equal(FEED(&st, 0xE0, 0x2A, 0xE0, 0x37, 0x1E), "a");
    /* Pause produces nothing and eats its own bytes */
    assert_string_equal(FEED(&st, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x30), "b");
    /* unknown codes and F-keys give nothing */
    assert_string_equal(FEED(&st, 0x3B, 0x58, 0x7F), "");
}

/* kbd_type is kbd_translate's inverse: every printable ASCII byte a US
 * keyboard has goes through scancodes and comes back the same. */
static void test_type_roundtrip(void **state)
{
    (void)state;
    struct kbd_state st = { 0 };
    for (int c = 0x20; c < 0x7F; c++) {
        uint8_t sc[4];
        int n = kbd_type((char)c, sc);
        assert_true(n == 2 || n == 4);
        assert_string_equal(feed(&st, sc, (size_t)n), ((char[]){ (char)c, 0 }));
    }
    uint8_t sc[4];
    assert_int_equal(kbd_type('\n', sc), 2);
    assert_int_equal(sc[0], 0x1C);                       /* Enter */
    assert_int_equal(kbd_type((char)0x80, sc), 0);       /* no key types it */
    assert_int_equal(kbd_type('\0', sc), 0);
    assert_int_equal(kbd_type('A', sc), 4);
    assert_memory_equal(sc, ((uint8_t[]){ 0x2A, 0x1E, 0x9E, 0xAA }), 4);
}

/* --- Brazilian ABNT2 ---------------------------------------------------- */

static struct kbd_state abnt2(void)
{
    return (struct kbd_state){ .layout = KBD_LAYOUT_BR_ABNT2 };
}

#define LSH 0x2A
#define LSH_UP 0xAA
#define ALTGR 0xE0, 0x38
#define ALTGR_UP 0xE0, 0xB8

/* Every key whose character differs from US, plain and shifted. */
static void test_abnt2_keys(void **state)
{
    (void)state;
    struct kbd_state st = abnt2();
    /* 0x29 ' "   0x1B [ {   0x2B ] }   0x35 ; :   0x56 \ |   0x73 / ?   0x7E . */
    assert_string_equal(FEED(&st, 0x29, 0x1B, 0x2B, 0x35, 0x56, 0x73, 0x7E), "'[];\\/.");
    assert_string_equal(FEED(&st, LSH, 0x29, 0x1B, 0x2B, 0x35, 0x56, 0x73, 0x7E, LSH_UP),
                        "\"{}:|?.");
    /* right shift too, and the break codes of the new keys give nothing */
    assert_string_equal(FEED(&st, 0x36, 0x73, 0xF3, 0x56, 0xD6, 0xB6, 0x73), "?|/");
    /* c-cedilla */
    assert_string_equal(FEED(&st, 0x27, 0xA7, LSH, 0x27, LSH_UP), "\xE7\xC7");
    /* what ABNT2 shares with US stays */
    assert_string_equal(FEED(&st, 0x02, 0x0C, 0x0D, 0x33, 0x34, 0x10, 0x2C, 0x39),
                        "1-=,.qz ");
    assert_string_equal(FEED(&st, LSH, 0x03, 0x08, 0x09, 0x0D, 0x33, 0x34, LSH_UP),
                        "@&*+<>");
    /* keypad: '*' as on US, the keypad block without E0 as on US (nothing) */
    assert_string_equal(FEED(&st, 0x37, 0x53, 0x4A, 0x4E), "*");
    assert_string_equal(FEED(&st, 0xE0, 0x35, 0xE0, 0x1C), "/\r");
}

static void test_abnt2_caps(void **state)
{
    (void)state;
    struct kbd_state st = abnt2();
    /* caps: letters including c-cedilla; shift inverts it; digits and ; stay */
    assert_string_equal(FEED(&st, 0x3A, 0xBA, 0x27, 0x1E, 0x02, 0x35), "\xC7" "A1;");
    assert_string_equal(FEED(&st, LSH, 0x27, 0x1E, LSH_UP), "\xE7" "a");
    /* caps and a dead key: the combined letter is a capital */
    assert_string_equal(FEED(&st, 0x1A, 0x1E, 0x28, 0x18), "\xC1\xD5");
    assert_string_equal(FEED(&st, 0x3A, 0xBA, 0x27), "\xE7");
}

static void test_abnt2_altgr(void **state)
{
    (void)state;
    struct kbd_state st = abnt2();
    assert_string_equal(FEED(&st, ALTGR, 0x10, 0x11, 0x12, ALTGR_UP), "/?\xB0");
    assert_string_equal(FEED(&st, ALTGR, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, ALTGR_UP),
                        "\xB9\xB2\xB3\xA3\xA2\xAC");
    assert_string_equal(FEED(&st, ALTGR, 0x0D, 0x1B, 0x2B, 0x73, ALTGR_UP),
                        "\xA7\xAA\xBA\xB0");
    /* shift does not change an AltGr character */
    assert_string_equal(FEED(&st, LSH, ALTGR, 0x10, 0x0D, ALTGR_UP, LSH_UP), "/\xA7");
    /* keys without an AltGr character type as without it */
    assert_string_equal(FEED(&st, ALTGR, 0x1E, 0x08, ALTGR_UP), "a7");
    /* released: back to normal; left Alt is not AltGr */
    assert_string_equal(FEED(&st, 0x10, 0x38, 0x10, 0xB8, 0x11), "qqw");
}

/* Dead keys: each accent with every letter it combines with, alone before
 * a space, before a letter it does not combine with, before a digit. */
static void test_abnt2_dead_keys(void **state)
{
    (void)state;
    struct kbd_state st = abnt2();
    static const struct {
        uint8_t dead[3];        /* the dead key's codes, 0-padded */
        const char *letters, *combined;
        char alone;
    } cases[] = {
        { { 0x1A }, "aeiouyAEIOUY", "\xE1\xE9\xED\xF3\xFA\xFD\xC1\xC9\xCD\xD3\xDA\xDD", '\'' },
        { { LSH, 0x1A, LSH_UP }, "aeiouAEIOU", "\xE0\xE8\xEC\xF2\xF9\xC0\xC8\xCC\xD2\xD9", '`' },
        { { 0x28 }, "aonAON", "\xE3\xF5\xF1\xC3\xD5\xD1", '~' },
        { { LSH, 0x28, LSH_UP }, "aeiouAEIOU", "\xE2\xEA\xEE\xF4\xFB\xC2\xCA\xCE\xD4\xDB", '^' },
        { { LSH, 0x07, LSH_UP }, "aeiouyAEIOU", "\xE4\xEB\xEF\xF6\xFC\xFF\xC4\xCB\xCF\xD6\xDC",
          (char)0xA8 },
    };
    /* scan codes of the letters (US positions, same on ABNT2) */
    static const uint8_t letter_sc[26] = {
        0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32,
        0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C,
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t nd = cases[i].dead[0] == LSH ? 3 : 1;
        for (size_t k = 0; cases[i].letters[k]; k++) {
            char l = cases[i].letters[k];
            bool upper = l >= 'A' && l <= 'Z';
            uint8_t sc = letter_sc[(upper ? l - 'A' : l - 'a')];
            assert_string_equal(feed(&st, cases[i].dead, nd), "");
            const char *got = upper ? FEED(&st, LSH, sc, LSH_UP) : FEED(&st, sc);
            assert_int_equal(strlen(got), 1);
            assert_int_equal((uint8_t)got[0], (uint8_t)cases[i].combined[k]);
        }
        char want[3] = { cases[i].alone, 0, 0 };
        /* space: the accent itself */
        assert_string_equal(feed(&st, cases[i].dead, nd), "");
        assert_string_equal(FEED(&st, 0x39), want);
        /* a letter it does not combine with, a digit, c-cedilla, Enter: accent, then it */
        want[1] = 'x';
        assert_string_equal(feed(&st, cases[i].dead, nd), "");
        assert_string_equal(FEED(&st, 0x2D), want);
        want[1] = '5';
        assert_string_equal(feed(&st, cases[i].dead, nd), "");
        assert_string_equal(FEED(&st, 0x06), want);
        want[1] = (char)0xE7;
        assert_string_equal(feed(&st, cases[i].dead, nd), "");
        assert_string_equal(FEED(&st, 0x27), want);
        want[1] = '\r';
        assert_string_equal(feed(&st, cases[i].dead, nd), "");
        assert_string_equal(FEED(&st, 0x1C), want);
        /* and it is used up: the next key is plain */
        assert_string_equal(FEED(&st, 0x1E), "a");
    }
}

static void test_abnt2_dead_key_details(void **state)
{
    (void)state;
    struct kbd_state st = abnt2();
    /* two dead keys: both accents, nothing left pending */
    assert_string_equal(FEED(&st, 0x1A, 0x28, 0x1E), "'~a");
    assert_string_equal(FEED(&st, 0x28, 0x28, 0x1E), "~~a");
    /* shift pressed and released between the dead key and the letter */
    assert_string_equal(FEED(&st, 0x28, LSH, 0xAA, 0x18), "\xF5");
    /* the dead key's own release does not use it up */
    assert_string_equal(FEED(&st, 0x1A, 0x9A, 0x12, 0x92), "\xE9");
    /* cursor keys, F-keys and modifiers leave it pending */
    assert_string_equal(FEED(&st, 0x1A, 0xE0, 0x4B, 0x3B, 0x1D, 0x9D, 0x12), "\x1b[D\xE9");
    /* AltGr characters and keypad keys use it up like any character */
    assert_string_equal(FEED(&st, 0x28, ALTGR, 0x10, ALTGR_UP), "~/");
    assert_string_equal(FEED(&st, 0x28, 0xE0, 0x35), "~/");
    assert_string_equal(FEED(&st, 0x1A, 0x37), "'*");
    /* ctrl+letter after a dead key: the accent, then the control byte */
    assert_string_equal(FEED(&st, 0x1A, 0x1D, 0x2E, 0x9D), "'\x03");
    /* a garbage pending value in a caller's state is dropped, not used */
    st.dead = 0x41;
    assert_string_equal(FEED(&st, 0x1E), "a");
}

static void test_abnt2_ctrl_cursor(void **state)
{
    (void)state;
    struct kbd_state st = abnt2();
    assert_string_equal(FEED(&st, 0x1D, 0x2E, 0x9D, 0x2E), "\x03" "c");
    assert_string_equal(FEED(&st, 0xE0, 0x1D, 0x16, 0xE0, 0x9D, 0x16), "\x15" "u");
    assert_string_equal(FEED(&st, 0xE0, 0x48, 0xE0, 0x50, 0xE0, 0x4D, 0xE0, 0x4B),
                        "\x1b[A\x1b[B\x1b[C\x1b[D");
    assert_string_equal(FEED(&st, 0xE0, 0x53, 0xE0, 0x47, 0xE0, 0x4F), "\x1b[3~\x1b[H\x1b[F");
    assert_string_equal(FEED(&st, 0x1C, 0x0E, 0x0F, 0x01), "\r\b\t\x1b");
    assert_string_equal(FEED(&st, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x30), "b");
}

/* US is unchanged: its keys where ABNT2 differs, and ABNT2's extra keys,
 * dead keys and AltGr do nothing special. */
static void test_us_unchanged(void **state)
{
    (void)state;
    struct kbd_state st = { .layout = KBD_LAYOUT_US };
    assert_string_equal(FEED(&st, 0x29, 0x1A, 0x1B, 0x27, 0x28, 0x2B, 0x35), "`[];'\\/");
    assert_string_equal(FEED(&st, LSH, 0x29, 0x1A, 0x1B, 0x27, 0x28, 0x2B, 0x35, 0x07, LSH_UP),
                        "~{}:\"|?^");
    assert_string_equal(FEED(&st, 0x56, 0x73, 0x7E), "");
    assert_string_equal(FEED(&st, ALTGR, 0x10, 0x02, 0x0D, ALTGR_UP), "q1=");
    assert_string_equal(FEED(&st, 0x28, 0x1E), "'a");
    /* an unknown layout number reads as US */
    st.layout = 200;
    assert_string_equal(FEED(&st, 0x27, 0x1A, 0x73), ";[");
}

/* The layout is read per key: switching between keys works, with
 * modifiers held across the switch. */
static void test_layout_switch(void **state)
{
    (void)state;
    struct kbd_state st = { 0 };
    assert_string_equal(FEED(&st, 0x27), ";");
    st.layout = KBD_LAYOUT_BR_ABNT2;
    assert_string_equal(FEED(&st, 0x27, LSH), "\xE7");
    st.layout = KBD_LAYOUT_US;
    assert_string_equal(FEED(&st, 0x27, LSH_UP, 0x27), ":;");
    st.layout = KBD_LAYOUT_BR_ABNT2;
    assert_string_equal(FEED(&st, 0x35, 0x73), ";/");
    /* kbd_type stays US whatever the layout */
    uint8_t sc[4];
    assert_int_equal(kbd_type(';', sc), 2);
    assert_int_equal(sc[0], 0x27);
    assert_int_equal(kbd_type((char)0xE7, sc), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letters_and_shift),
        cmocka_unit_test(test_caps_lock),
        cmocka_unit_test(test_ctrl),
        cmocka_unit_test(test_arrows_and_specials),
        cmocka_unit_test(test_type_roundtrip),
        cmocka_unit_test(test_abnt2_keys),
        cmocka_unit_test(test_abnt2_caps),
        cmocka_unit_test(test_abnt2_altgr),
        cmocka_unit_test(test_abnt2_dead_keys),
        cmocka_unit_test(test_abnt2_dead_key_details),
        cmocka_unit_test(test_abnt2_ctrl_cursor),
        cmocka_unit_test(test_us_unchanged),
        cmocka_unit_test(test_layout_switch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
