/* PSF font parsing (kernel/dev/font.c) on the two real fonts the kernel
 * embeds (linked in through kernel/dev/font_data.S, as in the kernel), and
 * on truncated and garbage input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dev/font.h"
#include "lib/errno.h"

extern const uint8_t font_file[], font_file_end[];
extern const uint8_t font_large_file[], font_large_file_end[];

static const uint8_t *glyph_of(const struct font *f, unsigned char c)
{
    return f->glyphs + (size_t)f->map[c] * f->height * f->row_bytes;
}

static uint32_t row_bits(const struct font *f, unsigned char c, unsigned y)
{
    const uint8_t *r = glyph_of(f, c) + (size_t)y * f->row_bytes;
    uint32_t v = 0;
    for (unsigned i = 0; i < f->row_bytes; i++)
        v = v << 8 | r[i];
    return v;
}

static int ink(const struct font *f, unsigned char c)
{
    int n = 0;
    for (unsigned y = 0; y < f->height; y++)
        n += __builtin_popcount(row_bits(f, c, y));
    return n;
}

/* Every printable Latin-1 character has its own glyph (not the '?'
 * fallback), space is blank, 'A' has ink and a full crossbar, and the
 * cedilla of 0xE7 hangs under a 'c' that is otherwise the same. */
static void check_latin1(const struct font *f)
{
    for (unsigned c = 0x20; c < 0x100; c++) {
        if (c == '?' || (c >= 0x7F && c < 0xA0))
            continue;
        assert_int_not_equal(f->map[c], f->map['?']);
    }
    assert_int_equal(ink(f, ' '), 0);
    assert_true(ink(f, 'A') > 0);
    assert_int_not_equal(f->map['A'], f->map['B']);
    uint32_t widest = 0;
    for (unsigned y = 0; y < f->height; y++)
        if (__builtin_popcount(row_bits(f, 'A', y)) > __builtin_popcount(widest))
            widest = row_bits(f, 'A', y);
    assert_true(__builtin_popcount(widest) >= (int)f->width / 2);

    assert_int_not_equal(f->map[0xE7], f->map['c']);
    unsigned last_c = 0;
    for (unsigned y = 0; y < f->height; y++)
        if (row_bits(f, 'c', y))
            last_c = y;
    for (unsigned y = 0; y <= last_c; y++)
        assert_int_equal(row_bits(f, 0xE7, y), row_bits(f, 'c', y));
    int below = 0;
    for (unsigned y = last_c + 1; y < f->height; y++)
        below += row_bits(f, 0xE7, y) != 0;
    assert_true(below > 0);
}

static void test_console_font(void **state)
{
    (void)state;
    assert_int_equal(font_init(), 0);
    const struct font *f = font_get();
    assert_non_null(f);
    assert_int_equal(f->width, 8);
    assert_int_equal(f->height, 16);
    assert_int_equal(f->row_bytes, 1);
    check_latin1(f);
    assert_ptr_equal(font_glyph('A'), glyph_of(f, 'A'));
}

static void test_large_font(void **state)
{
    (void)state;
    assert_int_equal(font_init(), 0);
    const struct font *f = font_get_large();
    assert_non_null(f);
    assert_int_equal(f->width, 16);
    assert_int_equal(f->height, 32);
    assert_int_equal(f->row_bytes, 2);
    check_latin1(f);
    /* a separate font, not the console one at another size */
    assert_ptr_not_equal(f->glyphs, font_get()->glyphs);
}

/* The parse of a copy in a buffer of exactly n bytes (so ASan sees any
 * read past it) either fails leaving *f alone or gives glyphs inside it. */
static int parse_copy(const uint8_t *src, size_t n, struct font *f, const uint8_t **buf)
{
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    memcpy(b, src, n);
    memset(f, 0xA5, sizeof(*f));
    struct font before = *f;
    int r = font_parse(f, b, n);
    if (r < 0) {
        assert_int_equal(r, -E_INVAL);
        assert_memory_equal(f, &before, sizeof(*f));
    } else {
        unsigned top = 0;
        for (unsigned c = 0; c < 256; c++)
            top = f->map[c] > top ? f->map[c] : top;
        assert_true(f->glyphs >= b);
        assert_true(f->glyphs + (size_t)(top + 1) * f->height * f->row_bytes <= b + n);
    }
    *buf = b;
    return r;
}

/* Every prefix of a real file: nothing short of all the glyphs parses;
 * a cut Unicode table only loses code points to the fallback. */
static void check_truncations(const uint8_t *p, size_t len, size_t glyphs_end)
{
    struct font f;
    const uint8_t *b;
    for (size_t n = 0; n <= len; n++) {
        int r = parse_copy(p, n, &f, &b);
        if (n < glyphs_end)
            assert_int_equal(r, -E_INVAL);
        else
            assert_int_equal(r, 0);
        free((void *)b);
    }
    assert_int_equal(parse_copy(p, glyphs_end, &f, &b), 0);
    assert_int_equal(f.map['A'], f.map['?']);      /* no table: all fallback */
    free((void *)b);
    assert_int_equal(parse_copy(p, len, &f, &b), 0);
    assert_int_not_equal(f.map['A'], f.map['?']);
    free((void *)b);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t small = (size_t)(font_file_end - font_file);
    size_t large = (size_t)(font_large_file_end - font_large_file);
    check_truncations(font_file, small, 4 + 512 * 16);             /* PSF1 */
    check_truncations(font_large_file, large, 32 + 512 * 64);      /* PSF2 */
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* A PSF2 header of the large font with one field changed. */
static int psf2_with(unsigned field, uint32_t value)
{
    size_t len = (size_t)(font_large_file_end - font_large_file);
    uint8_t *b = malloc(len);
    assert_non_null(b);
    memcpy(b, font_large_file, len);
    put32(b + 4 * field, value);
    struct font f;
    const uint8_t *copy;
    int r = parse_copy(b, len, &f, &copy);
    free((void *)copy);
    free(b);
    return r;
}

static void test_garbage(void **state)
{
    (void)state;
    struct font f;
    const uint8_t *b;
    assert_int_equal(font_parse(&f, NULL, 100), -E_INVAL);

    /* random bytes, and random bytes behind each magic */
    uint8_t junk[4096];
    uint32_t x = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof(junk); i++) {
            x = x * 1103515245u + 12345u;
            junk[i] = (uint8_t)(x >> 16);
        }
        if (round % 3 == 1) {
            junk[0] = 0x36;
            junk[1] = 0x04;
        } else if (round % 3 == 2) {
            put32(junk, 0x864AB572u);
        }
        int r = parse_copy(junk, sizeof(junk), &f, &b);
        free((void *)b);
        if (round % 3 == 0)
            assert_int_equal(r, -E_INVAL);
    }

    /* PSF2 fields: 2 header_size, 4 length, 5 charsize, 6 height, 7 width */
    assert_int_equal(psf2_with(0, 0x12345678u), -E_INVAL);  /* magic */
    assert_int_equal(psf2_with(2, 16), -E_INVAL);           /* inside the header */
    assert_int_equal(psf2_with(2, 0x7FFFFFFFu), -E_INVAL);  /* past the end */
    assert_int_equal(psf2_with(4, 0), -E_INVAL);
    assert_int_equal(psf2_with(4, 0xFFFFFFFFu), -E_INVAL);  /* more glyphs than bytes */
    assert_int_equal(psf2_with(5, 63), -E_INVAL);
    assert_int_equal(psf2_with(6, 0), -E_INVAL);
    assert_int_equal(psf2_with(7, 0), -E_INVAL);
    assert_int_equal(psf2_with(7, 33), -E_INVAL);
    assert_int_equal(psf2_with(6, 65), -E_INVAL);

    /* PSF1: zero height; a table-less 256-glyph font maps code = glyph */
    uint8_t p1[4 + 256 * 8] = { 0x36, 0x04, 0x00, 0 };
    assert_int_equal(parse_copy(p1, sizeof(p1), &f, &b), -E_INVAL);
    free((void *)b);
    p1[3] = 8;
    assert_int_equal(parse_copy(p1, sizeof(p1), &f, &b), 0);
    assert_int_equal(f.width, 8);
    assert_int_equal(f.height, 8);
    assert_int_equal(f.map['A'], 'A');
    assert_int_equal(f.map[0xE7], 0xE7);
    free((void *)b);
    p1[2] = 0x01;                               /* says 512 glyphs: short */
    assert_int_equal(parse_copy(p1, sizeof(p1), &f, &b), -E_INVAL);
    free((void *)b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_font),
        cmocka_unit_test(test_large_font),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
