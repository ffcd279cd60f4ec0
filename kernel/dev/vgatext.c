/*
 * VGA text mode: 2 bytes per cell (character, attribute) at 0xB8000.  Text
 * memory is small and cheap to read, so scrolling moves it in place.
 */
#include "dev/vgatext.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"
#include "mm/vm.h"
#include <stdint.h>

#define ATTR_TEXT   0x07          /* light grey on black */
#define ATTR_HEADER 0x1F          /* white on blue */

static volatile uint16_t *vram;
static unsigned width, height;    /* whole screen, header line included */
static struct screen scr;

static uint16_t cell(char c, uint8_t attr)
{
    return (uint16_t)((uint8_t)c | attr << 8);
}

static void header(const char *text)
{
    unsigned i = 0;
    for (; text[i] && i < width; i++)
        vram[i] = cell(text[i], ATTR_HEADER);
    for (; i < width; i++)
        vram[i] = cell(' ', ATTR_HEADER);
}

static void put(unsigned col, unsigned row, char c)
{
    vram[(row + 1) * width + col] = cell(c, ATTR_TEXT);
}

static void clear_line(unsigned row, unsigned from)
{
    for (unsigned c = from; c < width; c++)
        vram[(row + 1) * width + c] = cell(' ', ATTR_TEXT);
}

static void scroll(void)
{
    for (unsigned i = width; i < (height - 1) * width; i++)
        vram[i] = vram[i + width];
    clear_line(scr.rows - 1, 0);
}

static void cursor(unsigned col, unsigned row)
{
    uint16_t pos = (uint16_t)((row + 1) * width + col);
    outb(0x3D4, 0x0F);
    outb(0x3D5, pos & 0xFF);
    outb(0x3D4, 0x0E);
    outb(0x3D5, pos >> 8);
}

static void flush(void)
{
}

const struct screen *vgatext_init(const struct hv_framebuffer *fb)
{
    width = fb->width ? fb->width : 80;
    height = fb->height ? fb->height : 25;
    if (width > 256 || height < 2 || height > 128 || fb->addr == 0 || fb->addr >= (4ull << 30))
        return NULL;
    vram = phys_to_virt(fb->addr);
    scr = (struct screen){ .cols = width, .rows = height - 1, .header = header, .put = put,
                           .clear_line = clear_line, .scroll = scroll, .cursor = cursor,
                           .flush = flush };
    for (unsigned r = 0; r < scr.rows; r++)
        clear_line(r, 0);
    return &scr;
}
