/*
 * PSF1 and PSF2 console fonts.  Glyph order in these files is not ASCII
 * (Uni2-Terminus16 starts with box drawing), so we read the Unicode table
 * at the end of the file and keep a Latin-1 -> glyph map.
 */
#include "dev/font.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PSF1_MAGIC 0x0436
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_SEPARATOR 0xFFFF
#define PSF1_STARTSEQ 0xFFFE
#define PSF2_MAGIC 0x864AB572u
#define PSF2_HAS_UNICODE_TABLE 0x01
#define MAP_UNSET 0xFFFF

struct psf2_header {
    uint32_t magic, version, header_size, flags, length, charsize, height, width;
};

/* font_data.S; the large font may be missing (an empty section). */
extern const uint8_t font_file[], font_file_end[];
extern const uint8_t font_large_file[], font_large_file_end[];

static struct font console_font, large_font;
static int console_ok, large_ok;

static void map_identity(struct font *f, unsigned nglyphs)
{
    for (unsigned c = 0; c < 256; c++)
        f->map[c] = c < nglyphs ? (uint16_t)c : 0;
}

/* The first glyph listed for a code point wins, like the kernel's. */
static void map_set(struct font *f, uint32_t cp, unsigned glyph)
{
    if (cp < 256 && f->map[cp] == MAP_UNSET)
        f->map[cp] = (uint16_t)glyph;
}

/* Code points the table does not name draw as '?' (or glyph 0). */
static void map_finish(struct font *f)
{
    unsigned fallback = f->map['?'] != MAP_UNSET ? f->map['?'] : 0;
    for (unsigned c = 0; c < 256; c++)
        if (f->map[c] == MAP_UNSET)
            f->map[c] = (uint16_t)fallback;
}

static int parse_psf1(struct font *f, const uint8_t *p, size_t len)
{
    unsigned n = (p[2] & PSF1_MODE512) ? 512 : 256;
    unsigned h = p[3];
    if (h == 0 || h > 64 || len < 4 + (size_t)n * h)
        return -E_INVAL;
    *f = (struct font){ .width = 8, .height = h, .row_bytes = 1, .glyphs = p + 4 };
    if (!(p[2] & PSF1_MODEHASTAB)) {
        map_identity(f, n);
        return 0;
    }
    memset(f->map, 0xFF, sizeof(f->map));
    const uint8_t *t = p + 4 + (size_t)n * h, *end = p + len;
    /* Per glyph: code points, optional sequences after 0xFFFE, then 0xFFFF. */
    for (unsigned g = 0; g < n && t + 2 <= end; g++) {
        int in_seq = 0;
        for (; t + 2 <= end; t += 2) {
            uint16_t v = (uint16_t)(t[0] | t[1] << 8);
            if (v == PSF1_SEPARATOR) {
                t += 2;
                break;
            }
            if (v == PSF1_STARTSEQ)
                in_seq = 1;
            else if (!in_seq)
                map_set(f, v, g);
        }
    }
    map_finish(f);
    return 0;
}

/* One UTF-8 code point from [*t, end); 0xFFFFFFFF for a broken one. */
static uint32_t utf8_next(const uint8_t **t, const uint8_t *end)
{
    const uint8_t *s = *t;
    uint32_t cp;
    int more;
    if (s[0] < 0x80) { cp = s[0]; more = 0; }
    else if ((s[0] & 0xE0) == 0xC0) { cp = s[0] & 0x1F; more = 1; }
    else if ((s[0] & 0xF0) == 0xE0) { cp = s[0] & 0x0F; more = 2; }
    else if ((s[0] & 0xF8) == 0xF0) { cp = s[0] & 0x07; more = 3; }
    else { *t = s + 1; return 0xFFFFFFFFu; }
    if (end - s < more + 1) {
        *t = end;
        return 0xFFFFFFFFu;
    }
    for (int i = 1; i <= more; i++)
        cp = cp << 6 | (s[i] & 0x3F);
    *t = s + more + 1;
    return cp;
}

static int parse_psf2(struct font *f, const uint8_t *p, size_t len)
{
    struct psf2_header h;
    if (len < sizeof(h))
        return -E_INVAL;
    memcpy(&h, p, sizeof(h));
    unsigned row_bytes = (h.width + 7) / 8;
    if (h.width == 0 || h.width > 32 || h.height == 0 || h.height > 64 ||
        h.charsize != row_bytes * h.height || h.header_size < sizeof(h) ||
        h.header_size > len || (len - h.header_size) / h.charsize < h.length ||
        h.length == 0)
        return -E_INVAL;
    *f = (struct font){ .width = h.width, .height = h.height, .row_bytes = row_bytes,
                        .glyphs = p + h.header_size };
    if (!(h.flags & PSF2_HAS_UNICODE_TABLE)) {
        map_identity(f, h.length);
        return 0;
    }
    memset(f->map, 0xFF, sizeof(f->map));
    const uint8_t *t = p + h.header_size + (size_t)h.length * h.charsize, *end = p + len;
    for (unsigned g = 0; g < h.length && t < end; g++) {
        int in_seq = 0;
        while (t < end) {
            if (*t == 0xFF) {     /* end of this glyph's entry */
                t++;
                break;
            }
            if (*t == 0xFE) {     /* sequences follow */
                in_seq = 1;
                t++;
                continue;
            }
            uint32_t cp = utf8_next(&t, end);
            if (!in_seq)
                map_set(f, cp, g);
        }
    }
    map_finish(f);
    return 0;
}

int font_parse(struct font *f, const uint8_t *p, size_t len)
{
    uint32_t magic2 = 0;
    struct font tmp;
    int r = -E_INVAL;
    if (!p || len < 4)
        return -E_INVAL;
    memcpy(&magic2, p, 4);
    if ((p[0] | p[1] << 8) == PSF1_MAGIC)
        r = parse_psf1(&tmp, p, len);
    else if (magic2 == PSF2_MAGIC)
        r = parse_psf2(&tmp, p, len);
    if (r == 0)
        *f = tmp;
    return r;
}

int font_init(void)
{
    int r = font_parse(&console_font, font_file, (size_t)(font_file_end - font_file));
    console_ok = r == 0;
    /* Only a 16x32 face replaces the console font drawn at scale 2. */
    large_ok = font_parse(&large_font, font_large_file,
                          (size_t)(font_large_file_end - font_large_file)) == 0 &&
               large_font.width == 16 && large_font.height == 32;
    return r;
}

const struct font *font_get(void)
{
    return console_ok ? &console_font : NULL;
}

const struct font *font_get_large(void)
{
    return large_ok ? &large_font : NULL;
}

const uint8_t *font_glyph(unsigned char c)
{
    return console_font.glyphs +
           (size_t)console_font.map[c] * console_font.height * console_font.row_bytes;
}
