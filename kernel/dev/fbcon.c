/*
 * Text on a linear framebuffer.  Everything is drawn into a back buffer in
 * RAM with the framebuffer's own pixel format; flush() copies only the rows
 * that changed.  Video memory is never read, which is what makes scrolling
 * fast on real hardware (reads across PCI are very slow).
 */
#include "dev/fbcon.h"
#include "dev/font.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/vm.h"
#include <stdint.h>

#define RGB(r, g, b) ((uint32_t)(r) << 16 | (uint32_t)(g) << 8 | (b))
#define COLOR_BG        RGB(0x12, 0x16, 0x1e)
#define COLOR_FG        RGB(0xd8, 0xdc, 0xe4)
#define COLOR_HEADER_BG RGB(0x2c, 0x5a, 0x8c)
#define COLOR_HEADER_FG RGB(0xff, 0xff, 0xff)

static uint8_t *fbmem;            /* the framebuffer (mapped) */
static uint8_t *back;             /* back buffer, back_pitch bytes per line */
static char *grid;                /* the character in each cell, for redraws */
static unsigned width, height, pitch, bypp, back_pitch;
static unsigned fw, fh;           /* font cell */
static unsigned scols, srows;     /* cells on screen, header line included */
static uint32_t px_bg, px_fg, px_hbg, px_hfg;
static unsigned dirty_lo, dirty_hi;   /* screen rows [lo, hi) to copy out */
static unsigned cur_col, cur_row;     /* where the cursor is drawn */
static struct screen scr;
static struct hv_framebuffer fbdesc;   /* a copy: the caller's may go away */
static const struct hv_framebuffer *fbinfo = &fbdesc;

static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size)
{
    if (size == 0 || size > 8)
        size = 8;
    return (v8 >> (8 - size)) << pos;
}

static uint32_t pixel(uint32_t rgb)
{
    return channel(rgb >> 16 & 0xFF, fbinfo->red_pos, fbinfo->red_size) |
           channel(rgb >> 8 & 0xFF, fbinfo->green_pos, fbinfo->green_size) |
           channel(rgb & 0xFF, fbinfo->blue_pos, fbinfo->blue_size);
}

static void mark(unsigned srow)
{
    if (srow < dirty_lo)
        dirty_lo = srow;
    if (srow + 1 > dirty_hi)
        dirty_hi = srow + 1;
}

static void put_px(uint8_t *p, uint32_t v)
{
    if (bypp == 4) {
        *(uint32_t *)p = v;
    } else {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
    }
}

static void fill_rows(unsigned srow, unsigned n, uint32_t v)
{
    /* One scan line pixel by pixel, the others copied from it. */
    uint8_t *first = back + (size_t)srow * fh * back_pitch;
    for (unsigned x = 0; x < width; x++)
        put_px(first + x * bypp, v);
    for (unsigned y = 1; y < n * fh; y++)
        memcpy(first + (size_t)y * back_pitch, first, back_pitch);
    for (unsigned r = srow; r < srow + n; r++)
        mark(r);
}

static void draw_cell(unsigned col, unsigned srow, char c, uint32_t fg, uint32_t bg, int underline)
{
    const struct font *f = font_get();
    const uint8_t *g = font_glyph((unsigned char)c);
    for (unsigned y = 0; y < fh; y++) {
        uint8_t *line = back + (srow * fh + y) * back_pitch + col * fw * bypp;
        const uint8_t *bits = g + y * f->row_bytes;
        int solid = underline && y >= fh - 2;
        for (unsigned x = 0; x < fw; x++) {
            int on = solid || (bits[x / 8] & (0x80 >> (x % 8)));
            put_px(line + x * bypp, on ? fg : bg);
        }
    }
    mark(srow);
}

static void header(const char *text)
{
    fill_rows(0, 1, px_hbg);
    for (unsigned i = 0; text[i] && i + 1 < scols; i++)
        draw_cell(i + 1, 0, text[i], px_hfg, px_hbg, 0);
}

static void put(unsigned col, unsigned row, char c)
{
    grid[row * scols + col] = c;
    draw_cell(col, row + 1, c, px_fg, px_bg, 0);
}

static void clear_line(unsigned row, unsigned from)
{
    for (unsigned c = from; c < scols; c++)
        put(c, row, ' ');
}

static void scroll(void)
{
    size_t line = (size_t)fh * back_pitch;
    memmove(back + line, back + 2 * line, (srows - 2) * line);
    memmove(grid, grid + scols, (size_t)(scr.rows - 1) * scols);
    memset(grid + (size_t)(scr.rows - 1) * scols, ' ', scols);
    fill_rows(srows - 1, 1, px_bg);
    for (unsigned r = 1; r < srows; r++)
        mark(r);
}

static void cursor(unsigned col, unsigned row)
{
    if (cur_row < scr.rows && cur_col < scols)
        draw_cell(cur_col, cur_row + 1, grid[cur_row * scols + cur_col], px_fg, px_bg, 0);
    cur_col = col;
    cur_row = row;
    draw_cell(col, row + 1, grid[row * scols + col], px_fg, px_bg, 1);
}

static void flush(void)
{
    for (unsigned y = dirty_lo * fh; y < dirty_hi * fh; y++)
        memcpy(fbmem + (size_t)y * pitch, back + (size_t)y * back_pitch, back_pitch);
    dirty_lo = srows;
    dirty_hi = 0;
}

static void invalidate(void)
{
    dirty_lo = 0;
    dirty_hi = srows;
    /* The strip below the last text row is not in the back buffer. */
    for (unsigned y = srows * fh; y < height; y++)
        for (unsigned x = 0; x < width; x++)
            put_px(fbmem + (size_t)y * pitch + x * bypp, px_bg);
}

const struct screen *fbcon_init(const struct hv_framebuffer *fb)
{
    const struct font *f = font_get();
    if (!f || (fb->bpp != 32 && fb->bpp != 24) || fb->addr == 0)
        return NULL;
    fbdesc = *fb;
    width = fb->width;
    height = fb->height;
    pitch = fb->pitch;
    bypp = fb->bpp / 8;
    fw = f->width;
    fh = f->height;
    if (width < 16 * fw || height < 4 * fh || width > 16384 || height > 16384 || pitch < width * bypp)
        return NULL;
    scols = width / fw;
    srows = height / fh;
    back_pitch = width * bypp;

    uint64_t fb_bytes = (uint64_t)pitch * height;
    if (fb->addr + fb_bytes <= (4ull << 30))
        fbmem = phys_to_virt(fb->addr);   /* in the direct map; firmware MTRRs set WC/UC */
    else
        fbmem = vm_map_mmio(fb->addr, fb_bytes);
    back = kmalloc((size_t)back_pitch * srows * fh);
    grid = kmalloc((size_t)scols * (srows - 1));
    if (!fbmem || !back || !grid) {
        kfree(back);
        kfree(grid);
        return NULL;
    }
    memset(grid, ' ', (size_t)scols * (srows - 1));
    px_bg = pixel(COLOR_BG);
    px_fg = pixel(COLOR_FG);
    px_hbg = pixel(COLOR_HEADER_BG);
    px_hfg = pixel(COLOR_HEADER_FG);

    /* The strip below the last whole text row is never redrawn: clear it once. */
    for (unsigned y = srows * fh; y < height; y++)
        for (unsigned x = 0; x < width; x++)
            put_px(fbmem + (size_t)y * pitch + x * bypp, px_bg);
    fill_rows(1, srows - 1, px_bg);
    scr = (struct screen){ .cols = scols, .rows = srows - 1, .header = header, .put = put,
                           .clear_line = clear_line, .scroll = scroll, .cursor = cursor,
                           .flush = flush, .invalidate = invalidate };
    cur_col = cur_row = ~0u;
    return &scr;
}
