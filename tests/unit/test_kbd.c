/* Scan code set 1 translation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letters_and_shift),
        cmocka_unit_test(test_caps_lock),
        cmocka_unit_test(test_ctrl),
        cmocka_unit_test(test_arrows_and_specials),
        cmocka_unit_test(test_type_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
