/* Console fonts: PSF1 or PSF2 files linked into the kernel (build.mk embeds
 * Terminus 8x16 for the console and Terminus Bold 16x32 for the desktop's
 * headings), parsed at boot. Owner: kernel core. */
#ifndef HV_DEV_FONT_H
#define HV_DEV_FONT_H

#include <stddef.h>
#include <stdint.h>

struct font {
    unsigned width, height;       /* pixels */
    unsigned row_bytes;           /* bytes per glyph scan line */
    const uint8_t *glyphs;        /* glyph i at glyphs + i * height * row_bytes */
    uint16_t map[256];            /* Latin-1 code point -> glyph index */
};

/* Fill *f from a PSF1/PSF2 file of len bytes (glyphs points into it, so it
 * must stay); negative error code, *f untouched, when it is not a font we
 * can use (bad magic, truncated glyphs, sizes over 32x64). Pure. */
int font_parse(struct font *f, const uint8_t *p, size_t len);

/* Parse the embedded fonts; negative error code when the console font is
 * unusable (the large one is optional: font_get_large says). */
int font_init(void);
const struct font *font_get(void);        /* NULL when font_init failed */
const struct font *font_get_large(void);  /* 16x32; NULL when unusable */
const uint8_t *font_glyph(unsigned char c);   /* in the console font */

#endif
