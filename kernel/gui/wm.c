/*
 * Composition: every damaged rectangle is rebuilt bottom-up (desktop,
 * windows in stacking order, cursor) in the back buffer and then flushed,
 * so the screen never shows a half-drawn state and unchanged pixels are
 * never written.  Windows keep their own pixels; moving one costs a blit.
 */
#include "gui/wm.h"
#include "dev/mouse_packet.h"
#include "gui/mem.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define CURSOR_W 12
#define CURSOR_H 19

/* X outline, . fill. */
static const char *const cursor_img[CURSOR_H] = {
    "X", "XX", "X.X", "X..X", "X...X", "X....X", "X.....X", "X......X", "X.......X",
    "X........X", "X.........X", "X..........X", "X......XXXXX", "X...X..X", "X..XX..X",
    "X.X  X..X", "XX   X..X", "X     X..X", "      XXX",
};

static struct rect screen_rect(const struct wm *wm)
{
    return rect_make(0, 0, wm->back.w, wm->back.h);
}

static struct rect cursor_rect(const struct wm *wm)
{
    return rect_make(wm->mx, wm->my, CURSOR_W, CURSOR_H);
}

void wm_damage(struct wm *wm, struct rect r)
{
    damage_add(&wm->dmg, r, screen_rect(wm));
}

struct wm *wm_create(int w, int h, const struct face *face, const struct face *big,
                     const char *banner, struct wm_output out)
{
    struct wm *wm = gui_zalloc(sizeof(*wm));
    uint32_t *px = gui_zalloc((size_t)w * h * sizeof(uint32_t));
    if (!wm || !px) {
        gui_free(wm);
        gui_free(px);
        return 0;
    }
    wm->back = (struct canvas){ px, w, h, w };
    wm->face = *face;
    wm->big = *big;
    strlcpy(wm->banner, banner, sizeof(wm->banner));
    wm->out = out;
    wm->mx = w / 2;
    wm->my = h / 2;
    wm_damage(wm, screen_rect(wm));
    return wm;
}

static void free_window(struct window *win)
{
    gui_free(win->buf.px);
    gui_free(win);
}

void wm_destroy(struct wm *wm)
{
    if (!wm)
        return;
    for (int i = 0; i < wm->nz; i++)
        free_window(wm->z[i]);
    for (int i = 0; i < wm->nclosed; i++)
        free_window(wm->closed[i]);
    gui_free(wm->back.px);
    gui_free(wm);
}

const struct face *wm_face(const struct wm *wm)
{
    return &wm->face;
}

struct window *wm_top(const struct wm *wm)
{
    return wm->nz ? wm->z[wm->nz - 1] : 0;
}

struct window *wm_window_at(const struct wm *wm, int x, int y)
{
    for (int i = wm->nz - 1; i >= 0; i--)
        if (rect_contains(wm->z[i]->r, x, y))
            return wm->z[i];
    return 0;
}

struct window *wm_open(struct wm *wm, struct rect r, const char *title)
{
    if (wm->nz >= WM_MAX_WINDOWS || r.w < 4 * TH_BORDER_W || r.h < TH_TITLE_H + TH_BORDER_W)
        return 0;
    struct window *win = gui_zalloc(sizeof(*win));
    uint32_t *px = gui_zalloc((size_t)r.w * r.h * sizeof(uint32_t));
    if (!win || !px) {
        gui_free(win);
        gui_free(px);
        return 0;
    }
    win->wm = wm;
    win->r = r;
    win->buf = (struct canvas){ px, r.w, r.h, r.w };
    win_clear(win);
    win_set_title(win, title);
    struct window *old = wm_top(wm);
    if (old)
        old->repaint = true;            /* its title bar goes idle */
    wm->z[wm->nz++] = win;
    uilog("window", title);
    return win;
}

struct window *wm_open_centered(struct wm *wm, int w, int h, const char *title)
{
    int y = TH_BAR_H + (wm->back.h - TH_BAR_H - h) / 2;
    return wm_open(wm, rect_make((wm->back.w - w) / 2, y < 0 ? 0 : y, w, h), title);
}

static int index_of(const struct wm *wm, const struct window *win)
{
    for (int i = 0; i < wm->nz; i++)
        if (wm->z[i] == win)
            return i;
    return -1;
}

void wm_close(struct wm *wm, struct window *win)
{
    int i = index_of(wm, win);
    if (i < 0 || wm->nclosed >= WM_MAX_WINDOWS)
        return;
    memmove(&wm->z[i], &wm->z[i + 1], (size_t)(wm->nz - i - 1) * sizeof(wm->z[0]));
    wm->nz--;
    win->closing = true;
    wm->closed[wm->nclosed++] = win;
    if (wm->modal == win)
        wm->modal = 0;
    if (wm->drag == win)
        wm->drag = 0;
    if (wm_top(wm))
        wm_top(wm)->repaint = true;     /* it is focused now */
    wm_damage(wm, win->r);
}

void wm_raise(struct wm *wm, struct window *win)
{
    int i = index_of(wm, win);
    if (i < 0 || i == wm->nz - 1)
        return;
    wm_top(wm)->repaint = true;
    memmove(&wm->z[i], &wm->z[i + 1], (size_t)(wm->nz - i - 1) * sizeof(wm->z[0]));
    wm->z[wm->nz - 1] = win;
    win->repaint = true;
    uilog("raise", win->title);
}

void wm_move(struct wm *wm, struct window *win, int x, int y)
{
    wm_damage(wm, win->r);
    win->r.x = x;
    win->r.y = y;
    wm_damage(wm, win->r);
}

void wm_set_modal(struct wm *wm, struct window *win)
{
    wm->modal = win;
    if (win)
        wm_raise(wm, win);
}

void wm_key(struct wm *wm, int key)
{
    struct window *win = wm->modal ? wm->modal : wm_top(wm);
    if (win)
        win_key(win, key);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void press(struct wm *wm)
{
    struct window *win = wm_window_at(wm, wm->mx, wm->my);
    if (!win || (wm->modal && win != wm->modal))
        return;
    wm_raise(wm, win);
    int x = wm->mx - win->r.x, y = wm->my - win->r.y;
    if (y < TH_TITLE_H) {
        wm->drag = win;
        wm->drag_dx = x;
        wm->drag_dy = y;
        return;
    }
    win_click(win, x, y);
}

void wm_mouse(struct wm *wm, int dx, int dy, uint8_t buttons)
{
    int nx = clamp(wm->mx + dx, 0, wm->back.w - 1), ny = clamp(wm->my + dy, 0, wm->back.h - 1);
    if (nx != wm->mx || ny != wm->my) {
        wm_damage(wm, cursor_rect(wm));
        wm->mx = nx;
        wm->my = ny;
        wm_damage(wm, cursor_rect(wm));
        if (wm->drag)
            wm_move(wm, wm->drag, nx - wm->drag_dx,
                    clamp(ny - wm->drag_dy, 0, wm->back.h - TH_TITLE_H));
    }
    bool was = wm->buttons & MOUSE_LEFT, now = buttons & MOUSE_LEFT;
    wm->buttons = buttons;
    if (now && !was)
        press(wm);
    if (!now && wm->drag) {
        struct window *win = wm->drag;
        wm->drag = 0;
        char where[32];
        ksnprintf(where, sizeof(where), "%d,%d", win->r.x, win->r.y);
        uilog("moved", where);
        win_log_buttons(win);           /* its controls are elsewhere now */
    }
}

static void draw_desktop(struct wm *wm, struct rect r)
{
    gfx_fill(&wm->back, r, TH_DESKTOP);
    struct rect bar = rect_intersect(rect_make(0, 0, wm->back.w, TH_BAR_H), r);
    if (rect_empty(bar))
        return;
    gfx_fill(&wm->back, bar, TH_BAR);
    struct canvas c = canvas_sub(&wm->back, bar);     /* the text clipped to r */
    gfx_text(&c, &wm->face, 8 - bar.x, (TH_BAR_H - face_height(&wm->face)) / 2 - bar.y,
             wm->banner, TH_BAR_TEXT);
}

/* The cursor's pixels that fall inside r (the outline black, the fill white). */
static void draw_cursor(struct wm *wm, struct rect r)
{
    if (rect_empty(rect_intersect(cursor_rect(wm), r)))
        return;
    for (int y = 0; y < CURSOR_H; y++)
        for (int x = 0; cursor_img[y][x]; x++) {
            int px = wm->mx + x, py = wm->my + y;
            char c = cursor_img[y][x];
            if (c != ' ' && rect_contains(r, px, py))
                wm->back.px[(long)py * wm->back.stride + px] =
                    c == 'X' ? RGB(0, 0, 0) : RGB(0xff, 0xff, 0xff);
        }
}

static void compose_rect(struct wm *wm, struct rect r)
{
    draw_desktop(wm, r);
    for (int i = 0; i < wm->nz; i++) {
        struct window *win = wm->z[i];
        struct rect part = rect_intersect(win->r, r);
        if (rect_empty(part))
            continue;
        struct canvas src = canvas_sub(&win->buf, rect_make(part.x - win->r.x,
                                                            part.y - win->r.y, part.w, part.h));
        gfx_blit(&wm->back, part.x, part.y, &src);
    }
    draw_cursor(wm, r);
}

bool wm_compose(struct wm *wm)
{
    struct rect scr = screen_rect(wm);
    struct window *top = wm_top(wm);
    for (int i = 0; i < wm->nz; i++)
        win_paint(wm->z[i], wm->z[i] == top, &wm->face, &wm->big, &wm->dmg, scr);
    for (int i = 0; i < wm->nclosed; i++)
        free_window(wm->closed[i]);
    wm->nclosed = 0;
    if (wm->dmg.n == 0)
        return false;
    for (int i = 0; i < wm->dmg.n; i++)
        compose_rect(wm, wm->dmg.r[i]);
    for (int i = 0; i < wm->dmg.n; i++)
        if (wm->out.flush)
            wm->out.flush(wm->out.ctx, &wm->back, wm->dmg.r[i]);
    damage_clear(&wm->dmg);
    wm->frames++;
    return true;
}
