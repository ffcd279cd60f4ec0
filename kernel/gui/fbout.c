/*
 * Writing the composed screen to the framebuffer.  Rows are copied as they
 * are in the common 32-bit x8r8g8b8 mode; other RGB modes (24 bpp, other
 * channel positions) are converted pixel by pixel.
 */
#include "gui/fbout.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/vm.h"

struct fb_out {
    uint8_t *mem;               /* the mapped framebuffer */
    unsigned pitch, bypp;
    bool native;                /* 32 bpp x8r8g8b8: rows are copied as they are */
    struct hv_framebuffer desc;
};

static struct fb_out fbo;

static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size)
{
    if (size == 0 || size > 8)
        size = 8;
    return (v8 >> (8 - size)) << pos;
}

static uint32_t convert(uint32_t rgb, const struct hv_framebuffer *d)
{
    return channel(rgb >> 16 & 0xFF, d->red_pos, d->red_size) |
           channel(rgb >> 8 & 0xFF, d->green_pos, d->green_size) |
           channel(rgb & 0xFF, d->blue_pos, d->blue_size);
}

static void fb_flush(void *ctx, const struct canvas *back, struct rect r)
{
    struct fb_out *o = ctx;
    for (int y = r.y; y < r.y + r.h; y++) {
        const uint32_t *src = back->px + (long)y * back->stride + r.x;
        uint8_t *dst = o->mem + (size_t)y * o->pitch + (size_t)r.x * o->bypp;
        if (o->native) {
            memcpy(dst, src, (size_t)r.w * 4);
            continue;
        }
        for (int x = 0; x < r.w; x++, dst += o->bypp) {
            uint32_t v = convert(src[x], &o->desc);
            if (o->bypp == 4) {
                *(uint32_t *)dst = v;
            } else {
                dst[0] = (uint8_t)v;
                dst[1] = (uint8_t)(v >> 8);
                dst[2] = (uint8_t)(v >> 16);
            }
        }
    }
}

int fbout_open(const struct hv_framebuffer *fb, struct wm_output *out)
{
    if (fb->type != HV_FB_RGB || (fb->bpp != 32 && fb->bpp != 24) || fb->addr == 0 ||
        fb->width < 640 || fb->height < 480 || fb->width > 8192 || fb->height > 8192 ||
        fb->pitch < fb->width * (fb->bpp / 8u))
        return -E_INVAL;
    uint64_t bytes = (uint64_t)fb->pitch * fb->height;
    fbo.mem = fb->addr + bytes <= (4ull << 30) ? phys_to_virt(fb->addr)
                                                : vm_map_mmio(fb->addr, bytes);
    if (!fbo.mem)
        return -E_NOMEM;
    fbo.pitch = fb->pitch;
    fbo.bypp = fb->bpp / 8u;
    fbo.desc = *fb;
    fbo.native = fb->bpp == 32 && fb->red_pos == 16 && fb->green_pos == 8 && fb->blue_pos == 0 &&
                 (fb->red_size | fb->green_size | fb->blue_size) <= 8;
    *out = (struct wm_output){ fb_flush, &fbo };
    return 0;
}
