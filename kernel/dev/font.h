/* The console font: a PSF1 or PSF2 file linked into the kernel (build.mk
 * embeds Terminus 8x16), parsed at boot. Owner: kernel core. */
#ifndef HV_DEV_FONT_H
#define HV_DEV_FONT_H

#include <stdint.h>

struct font {
    unsigned width, height;       /* pixels */
    unsigned row_bytes;           /* bytes per glyph scan line */
    const uint8_t *glyphs;        /* glyph i at glyphs + i * height * row_bytes */
    uint16_t map[256];            /* Latin-1 code point -> glyph index */
};

/* Parse the embedded font; negative error code when it is not a PSF font
 * we can use. */
int font_init(void);
const struct font *font_get(void);   /* NULL when font_init failed */
const uint8_t *font_glyph(unsigned char c);

#endif
