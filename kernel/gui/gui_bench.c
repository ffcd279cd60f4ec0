/*
 * The compositor's speed on the real framebuffer: the same layers the
 * desktop uses (wm over fbout), a few windows, no input devices.  The
 * console lets go of the screen for the run and repaints it afterwards,
 * as it does when the desktop closes.
 */
#include "gui/gui_bench.h"
#include "dev/console.h"
#include "dev/font.h"
#include "dev/mouse_packet.h"
#include "dev/timer.h"
#include "gui/fbout.h"
#include "gui/gui.h"
#include "gui/theme.h"
#include "gui/wm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

#define DRAG_STEP 4             /* pixels per mouse event, about a slow hand */
#define DRAG_LEG 32             /* events before the drag turns back */

struct rate {
    unsigned long ms;
    unsigned long fps10;        /* frames per second, in tenths */
};

static struct rate rate_of(unsigned frames, uint64_t ns)
{
    if (ns == 0)
        ns = 1;
    return (struct rate){ (unsigned long)(ns / 1000000),
                          (unsigned long)(((uint64_t)frames * 10000000000ull + ns / 2) / ns) };
}

/* A window like the desktop's: a heading, text, a list and buttons. */
static struct window *open_window(struct wm *wm, struct rect r, const char *title)
{
    struct window *win = wm_open(wm, r, title);
    if (!win)
        return 0;
    struct rect c = win_content(win);
    struct widget *h = win_add(win, WK_LABEL, 1, rect_make(16, 12, c.w - 32, 40), title);
    if (h)
        h->big = true;
    win_add(win, WK_LABEL, 2, rect_make(16, 60, c.w - 32, 60),
            "The quick brown fox jumps over the lazy dog.\n0123456789 ABCDEFGHIJKLM");
    struct widget *l = win_add(win, WK_LIST, 3, rect_make(16, 124, c.w - 32, c.h - 180), "items");
    if (l)
        l->value = -1;
    win_add(win, WK_BUTTON, 4, rect_make(c.w - 112, c.h - 44, 96, 28), "OK");
    return win;
}

static uint64_t time_full(struct wm *wm, unsigned frames)
{
    struct rect all = rect_make(0, 0, wm->back.w, wm->back.h);
    uint64_t t0 = timer_now_ns();
    for (unsigned i = 0; i < frames; i++) {
        wm_damage(wm, all);
        wm_compose(wm);
    }
    return timer_now_ns() - t0;
}

/* Press on the title bar of win, then move back and forth with the button
 * held, composing after each event as the desktop's loop does.  *moved
 * says whether the window followed (a drag that moves nothing measures
 * only the cursor). */
static uint64_t time_drag(struct wm *wm, struct window *win, unsigned frames, bool *moved)
{
    int tx = win->r.x + win->r.w / 2, ty = win->r.y + TH_TITLE_H / 2;
    wm_mouse(wm, tx - wm->mx, ty - wm->my, 0);
    wm_mouse(wm, 0, 0, MOUSE_LEFT);
    wm_compose(wm);
    int x0 = win->r.x;
    *moved = false;
    uint64_t t0 = timer_now_ns();
    for (unsigned i = 0; i < frames; i++) {
        int d = (i / DRAG_LEG) % 2 ? -DRAG_STEP : DRAG_STEP;
        wm_mouse(wm, d, d / 2, MOUSE_LEFT);
        wm_compose(wm);
        *moved |= win->r.x != x0;
    }
    uint64_t ns = timer_now_ns() - t0;
    wm_mouse(wm, 0, 0, 0);
    return ns;
}

int gui_bench(unsigned frames, char *out, size_t len)
{
    const struct hv_framebuffer *fb = gui_framebuffer();
    const struct font *font = font_get(), *large = font_get_large();
    struct wm_output o;
    if (frames == 0 || frames > GUI_BENCH_MAX_FRAMES) {
        ksnprintf(out, len, "guibench: frames must be 1 to %u", GUI_BENCH_MAX_FRAMES);
        return -E_INVAL;
    }
    if (!font || fbout_open(fb, &o) < 0) {
        ksnprintf(out, len, "guibench: no usable framebuffer (the desktop needs a 24- or "
                  "32-bit RGB mode of at least 640x480)");
        return -E_INVAL;
    }
    struct face face = { font, 1 };
    struct face big = large ? (struct face){ large, 1 } : (struct face){ font, 2 };
    int w = (int)fb->width, h = (int)fb->height;
    struct wm *wm = wm_create(w, h, &face, &big, "hv guibench", o);
    if (!wm) {
        ksnprintf(out, len, "guibench: not enough memory for a %dx%d back buffer", w, h);
        return -E_NOMEM;
    }
    struct window *back = open_window(wm, rect_make(w / 10, h / 8, w / 2, h / 2), "Back window");
    struct window *top = open_window(wm, rect_make(w / 3, h / 3, w / 2, h / 2), "Dragged window");
    if (!back || !top) {
        wm_destroy(wm);
        ksnprintf(out, len, "guibench: not enough memory for the windows");
        return -E_NOMEM;
    }
    console_screen_release();
    wm_compose(wm);                 /* windows painted once, not timed */
    struct rate full = rate_of(frames, time_full(wm, frames));
    bool moved;
    struct rate drag = rate_of(frames, time_drag(wm, top, frames, &moved));
    wm_destroy(wm);
    console_screen_take();          /* the console repaints all it shows */
    if (!moved) {
        ksnprintf(out, len, "guibench: the dragged window did not move; no figures");
        return -E_INVAL;
    }
    ksnprintf(out, len,
              "guibench: full-screen %dx%dx%u: %u frames in %lu ms = %lu.%lu fps; "
              "drag: %u frames in %lu ms = %lu.%lu fps",
              w, h, (unsigned)fb->bpp, frames, full.ms, full.fps10 / 10, full.fps10 % 10,
              frames, drag.ms, drag.fps10 / 10, drag.fps10 % 10);
    return 0;
}
