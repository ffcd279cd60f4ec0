/* Filling, framing, blitting and glyphs, all clipped to the canvas. */
#include "gui/gfx.h"
#include "lib/string.h"

static struct rect bounds(const struct canvas *c)
{
    return rect_make(0, 0, c->w, c->h);
}

struct canvas canvas_sub(const struct canvas *c, struct rect r)
{
    r = rect_intersect(r, bounds(c));
    if (rect_empty(r))
        return (struct canvas){ c->px, 0, 0, c->stride };
    return (struct canvas){ c->px + (long)r.y * c->stride + r.x, r.w, r.h, c->stride };
}

void gfx_fill(const struct canvas *c, struct rect r, uint32_t color)
{
    r = rect_intersect(r, bounds(c));
    for (int y = r.y; y < r.y + r.h; y++) {
        uint32_t *p = c->px + (long)y * c->stride + r.x;
        for (int x = 0; x < r.w; x++)
            p[x] = color;
    }
}

void gfx_frame(const struct canvas *c, struct rect r, int t, uint32_t color)
{
    gfx_fill(c, rect_make(r.x, r.y, r.w, t), color);
    gfx_fill(c, rect_make(r.x, r.y + r.h - t, r.w, t), color);
    gfx_fill(c, rect_make(r.x, r.y + t, t, r.h - 2 * t), color);
    gfx_fill(c, rect_make(r.x + r.w - t, r.y + t, t, r.h - 2 * t), color);
}

void gfx_blit(const struct canvas *dst, int x, int y, const struct canvas *src)
{
    struct rect r = rect_intersect(rect_make(x, y, src->w, src->h), bounds(dst));
    for (int row = r.y; row < r.y + r.h; row++)
        memcpy(dst->px + (long)row * dst->stride + r.x,
               src->px + (long)(row - y) * src->stride + (r.x - x),
               (size_t)r.w * sizeof(uint32_t));
}

int face_width(const struct face *f, const char *s)
{
    return (int)strlen(s) * (int)f->font->width * f->scale;
}

int face_height(const struct face *f)
{
    return (int)f->font->height * f->scale;
}

static const uint8_t *glyph(const struct font *fn, unsigned char ch)
{
    return fn->glyphs + (size_t)fn->map[ch] * fn->height * fn->row_bytes;
}

static void draw_glyph(const struct canvas *c, const struct face *f, int x0, int y0,
                       unsigned char ch, uint32_t color)
{
    const struct font *fn = f->font;
    int s = f->scale, gw = (int)fn->width, gh = (int)fn->height;
    struct rect box = rect_intersect(rect_make(x0, y0, gw * s, gh * s), bounds(c));
    if (rect_empty(box))
        return;
    const uint8_t *g = glyph(fn, ch);
    for (int y = box.y; y < box.y + box.h; y++) {
        const uint8_t *bits = g + (size_t)((y - y0) / s) * fn->row_bytes;
        uint32_t *p = c->px + (long)y * c->stride;
        for (int x = box.x; x < box.x + box.w; x++) {
            int gx = (x - x0) / s;
            if (bits[gx / 8] & (0x80 >> (gx % 8)))
                p[x] = color;
        }
    }
}

void gfx_text_n(const struct canvas *c, const struct face *f, int x, int y,
                const char *s, int n, uint32_t color)
{
    int adv = (int)f->font->width * f->scale;
    for (int i = 0; i < n && s[i]; i++, x += adv)
        if (x < c->w && x + adv > 0)
            draw_glyph(c, f, x, y, (unsigned char)s[i], color);
}

void gfx_text(const struct canvas *c, const struct face *f, int x, int y,
              const char *s, uint32_t color)
{
    gfx_text_n(c, f, x, y, s, (int)strlen(s), color);
}
