/* Drawing into a pixel buffer in memory (0x00RRGGBB): the one graphics
 * layer every window, widget and the compositor use. Everything clips to
 * the canvas. Pure code (host unit tests). Owner: gui. */
#ifndef HV_GUI_GFX_H
#define HV_GUI_GFX_H

#include <stdint.h>
#include "dev/font.h"
#include "gui/rect.h"

#define RGB(r, g, b) ((uint32_t)(r) << 16 | (uint32_t)(g) << 8 | (uint32_t)(b))

struct canvas {
    uint32_t *px;               /* pixel (x, y) at px[y * stride + x] */
    int w, h, stride;
};

/* A text face: a console font drawn at an integer scale. */
struct face {
    const struct font *font;
    int scale;                  /* 1 = the font's own size */
};

/* The part r of c as a canvas of its own (clipped; may be empty). */
struct canvas canvas_sub(const struct canvas *c, struct rect r);

void gfx_fill(const struct canvas *c, struct rect r, uint32_t color);
void gfx_frame(const struct canvas *c, struct rect r, int thickness, uint32_t color);
/* Copies src (whole) so that its top left lands at (x, y) in dst. */
void gfx_blit(const struct canvas *dst, int x, int y, const struct canvas *src);

int face_width(const struct face *f, const char *s);    /* pixels */
int face_height(const struct face *f);
/* Draws s with its top left at (x, y); background pixels stay. Latin-1. */
void gfx_text(const struct canvas *c, const struct face *f, int x, int y,
              const char *s, uint32_t color);
/* Draws at most n bytes of s. */
void gfx_text_n(const struct canvas *c, const struct face *f, int x, int y,
                const char *s, int n, uint32_t color);

#endif
