/* Widget bookkeeping, keyboard focus and painting of one window. */
#include "gui/window.h"
#include "gui/keys.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "gui/wm.h"
#include "lib/kprintf.h"
#include "lib/string.h"

struct rect win_content(const struct window *win)
{
    return rect_make(TH_BORDER_W, TH_TITLE_H, win->r.w - 2 * TH_BORDER_W,
                     win->r.h - TH_TITLE_H - TH_BORDER_W);
}

struct widget *win_add(struct window *win, enum widget_kind k, int id, struct rect r,
                       const char *text)
{
    if (win->n >= WIN_MAX_WIDGETS)
        return 0;
    struct widget *w = &win->w[win->n++];
    memset(w, 0, sizeof(*w));
    w->kind = k;
    w->id = id;
    w->r = r;
    w->value = k == WK_LIST ? -1 : 0;
    w->dirty = true;
    widget_set_text(w, text ? text : "");
    strlcpy(w->name, w->text, sizeof(w->name));
    return w;
}

struct widget *win_find(struct window *win, int id)
{
    for (int i = 0; i < win->n; i++)
        if (win->w[i].id == id)
            return &win->w[i];
    return 0;
}

void win_clear(struct window *win)
{
    win->n = 0;
    win->focus = -1;
    win->default_id = win->cancel_id = -1;
    win->repaint = true;
}

void win_set_title(struct window *win, const char *title)
{
    strlcpy(win->title, title, sizeof(win->title));
    win->repaint = true;
}

struct widget *win_focused(struct window *win)
{
    return win->focus >= 0 && win->focus < win->n ? &win->w[win->focus] : 0;
}

void win_focus(struct window *win, struct widget *w)
{
    struct widget *old = win_focused(win);
    if (old == w)
        return;
    if (old)
        old->dirty = true;
    win->focus = w ? (int)(w - win->w) : -1;
    if (w) {
        w->dirty = true;
        uilog2("focus", widget_kind_name(w->kind), w->name);
    }
}

static void focus_step(struct window *win, int dir)
{
    if (win->n == 0)
        return;
    int i = win->focus < 0 ? (dir > 0 ? -1 : 0) : win->focus;
    for (int k = 0; k < win->n; k++) {
        i = (i + dir + win->n) % win->n;
        if (widget_focusable(&win->w[i])) {
            win_focus(win, &win->w[i]);
            return;
        }
    }
}

void win_activate(struct window *win, struct widget *w, const char *how)
{
    if (w->kind == WK_CHECK) {
        w->checked = !w->checked;
        w->dirty = true;
    } else if (w->kind == WK_RADIO) {
        for (int i = 0; i < win->n; i++) {
            struct widget *o = &win->w[i];
            if (o->kind == WK_RADIO && o->value == w->value && o != w && o->checked) {
                o->checked = false;
                o->dirty = true;
            }
        }
        w->checked = true;
        w->dirty = true;
    } else if (w->kind != WK_BUTTON && w->kind != WK_LIST) {
        return;
    }
    uilog2(how, widget_kind_name(w->kind), w->name);
    if (win->on_action)
        win->on_action(win, w, win->ctx);
}

static void press_id(struct window *win, int id)
{
    struct widget *b = id >= 0 ? win_find(win, id) : 0;
    if (b)
        win_activate(win, b, "press");
}

static void log_selection(struct widget *w)
{
    if (w->value >= 0 && w->value < w->count)
        uilog("select", w->items[w->value]);
}

void win_key(struct window *win, int key)
{
    if (win->on_key && win->on_key(win, key, win->ctx))
        return;
    struct widget *f = win_focused(win);
    struct face face = win->wm ? *wm_face(win->wm) : (struct face){ 0, 1 };
    int before = f ? f->value : 0;
    if (f && f->kind != WK_BUTTON && key != KEY_ENTER && key != KEY_ESC && key != KEY_TAB &&
        face.font && widget_key(f, key, &face)) {
        if (f->kind == WK_LIST && f->value != before)
            log_selection(f);
        return;
    }
    switch (key) {
    case KEY_TAB: case KEY_DOWN: case KEY_RIGHT:
        focus_step(win, 1);
        break;
    case KEY_UP: case KEY_LEFT:
        focus_step(win, -1);
        break;
    case ' ':
        if (f && (f->kind == WK_BUTTON || f->kind == WK_CHECK || f->kind == WK_RADIO))
            win_activate(win, f, "press");
        break;
    case KEY_ENTER:
        if (f && f->kind == WK_BUTTON)
            win_activate(win, f, "press");
        else
            press_id(win, win->default_id);
        break;
    case KEY_ESC:
        press_id(win, win->cancel_id);
        break;
    default:
        break;
    }
}

void win_click(struct window *win, int x, int y)
{
    struct rect c = win_content(win);
    x -= c.x;
    y -= c.y;
    for (int i = win->n - 1; i >= 0; i--) {
        struct widget *w = &win->w[i];
        if (!rect_contains(w->r, x, y) || !widget_focusable(w))
            continue;
        win_focus(win, w);
        if (w->kind == WK_LIST) {
            int row = win->wm ? widget_list_row(w, y - w->r.y, wm_face(win->wm)) : -1;
            if (row >= 0 && row != w->value) {
                w->value = row;
                w->dirty = true;
                log_selection(w);
            }
        } else if (w->kind != WK_TEXT) {
            win_activate(win, w, "click");
        }
        return;
    }
}

void win_log_buttons(struct window *win)
{
    if (!win->wm || !win->wm->log_at)
        return;
    struct rect c = win_content(win);
    for (int i = 0; i < win->n; i++) {
        const struct widget *w = &win->w[i];
        if (!widget_focusable(w))
            continue;
        char line[96];
        int x = win->r.x + c.x + w->r.x, y = win->r.y + c.y + w->r.y;
        ksnprintf(line, sizeof(line), "%s:%s %d,%d", widget_kind_name(w->kind), w->name,
                  x + w->r.w / 2, y + w->r.h / 2);
        uilog("at", line);
        if (w->kind != WK_LIST)
            continue;
        /* Each row shown, by its first word (a VM's name, a layout). */
        int rh = face_height(wm_face(win->wm)) + 4;
        for (int i = w->top; i < w->count && (i - w->top + 1) * rh + 2 <= w->r.h; i++) {
            int n = 0;
            while (w->items[i][n] && w->items[i][n] != ' ')
                n++;
            ksnprintf(line, sizeof(line), "row:%s/%.*s %d,%d", w->name, n, w->items[i],
                      x + w->r.w / 2, y + 2 + (i - w->top) * rh + rh / 2);
            uilog("at", line);
        }
    }
}

static void paint_frame(struct window *win, bool active, const struct face *face)
{
    struct canvas *b = &win->buf;
    struct rect all = rect_make(0, 0, b->w, b->h);
    gfx_fill(b, all, TH_WINDOW);
    gfx_frame(b, all, TH_BORDER_W, TH_BORDER);
    struct rect bar = rect_make(TH_BORDER_W, TH_BORDER_W, b->w - 2 * TH_BORDER_W,
                                TH_TITLE_H - TH_BORDER_W);
    gfx_fill(b, bar, active ? TH_TITLE : TH_TITLE_IDLE);
    gfx_text(b, face, bar.x + 8, bar.y + (bar.h - face_height(face)) / 2, win->title,
             TH_TITLE_TEXT);
}

void win_paint(struct window *win, bool active, const struct face *face,
               const struct face *big, struct damage *d, struct rect screen)
{
    struct canvas content = canvas_sub(&win->buf, win_content(win));
    struct rect cr = win_content(win);
    if (win->repaint)
        paint_frame(win, active, face);
    for (int i = 0; i < win->n; i++) {
        struct widget *w = &win->w[i];
        if (!win->repaint && !w->dirty)
            continue;
        widget_paint(w, &content, face, big, i == win->focus);
        w->dirty = false;
        if (!win->repaint)
            damage_add(d, rect_make(win->r.x + cr.x + w->r.x, win->r.y + cr.y + w->r.y,
                                    w->r.w, w->r.h), screen);
    }
    if (win->repaint)
        damage_add(d, win->r, screen);
    win->repaint = false;
}
