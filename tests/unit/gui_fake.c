/* Test doubles for the GUI: a font, a screen and a log sink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gui_fake.h"
#include "gui/uilog.h"

static uint8_t glyphs[256 * 16];
struct font fake_font;
struct face fake_face, fake_big;
char fake_log[8192];
struct canvas fake_screen;
int fake_flushes;
long fake_flushed_px;

static void sink(const char *line)
{
    size_t n = strlen(fake_log);
    if (n + strlen(line) < sizeof(fake_log))
        strcat(fake_log, line);
}

void fake_reset(void)
{
    fake_log[0] = 0;
    fake_flushes = 0;
    fake_flushed_px = 0;
    uilog_set_sink(sink);
}

static void flush(void *ctx, const struct canvas *back, struct rect r)
{
    (void)ctx;
    fake_flushes++;
    fake_flushed_px += (long)r.w * r.h;
    for (int y = r.y; y < r.y + r.h; y++)
        memcpy(fake_screen.px + (long)y * fake_screen.stride + r.x,
               back->px + (long)y * back->stride + r.x, (size_t)r.w * 4);
}

struct wm *fake_wm(int w, int h)
{
    memset(glyphs, 0xFF, sizeof(glyphs));
    memset(glyphs + ' ' * 16, 0, 16);
    fake_font = (struct font){ .width = 8, .height = 16, .row_bytes = 1, .glyphs = glyphs };
    for (int i = 0; i < 256; i++)
        fake_font.map[i] = (uint16_t)i;
    fake_face = (struct face){ &fake_font, 1 };
    fake_big = (struct face){ &fake_font, 2 };
    fake_screen = (struct canvas){ calloc((size_t)w * h, 4), w, h, w };
    fake_reset();
    return wm_create(w, h, &fake_face, &fake_big, "hv test", (struct wm_output){ flush, 0 });
}

void fake_wm_free(struct wm *wm)
{
    wm_destroy(wm);
    free(fake_screen.px);
    fake_screen.px = 0;
}

uint32_t fake_px(int x, int y)
{
    return fake_screen.px[(long)y * fake_screen.stride + x];
}

int fake_log_has(const char *line)
{
    char want[256];
    snprintf(want, sizeof(want), "%s\n", line);
    for (const char *p = fake_log; (p = strstr(p, want)); p++)
        if (p == fake_log || p[-1] == '\n')
            return 1;
    return 0;
}
