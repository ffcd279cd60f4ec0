/* How each widget looks and edits.  Every paint fills the widget's whole
 * rectangle first, so a widget can be repainted alone. */
#include "gui/widget.h"
#include "gui/keys.h"
#include "gui/theme.h"
#include "lib/string.h"

#define PAD 6

const char *widget_kind_name(enum widget_kind k)
{
    static const char *const names[] = { "label", "button", "text", "list", "check", "progress",
                                          "view", "radio" };
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "widget";
}

bool widget_printable(int key)
{
    return (key >= 0x20 && key < 0x7F) || (key >= 0xA0 && key <= 0xFF);
}

bool widget_focusable(const struct widget *w)
{
    return w->kind == WK_BUTTON || w->kind == WK_TEXT || w->kind == WK_LIST ||
           w->kind == WK_CHECK || w->kind == WK_VIEW || w->kind == WK_RADIO;
}

void widget_set_text(struct widget *w, const char *s)
{
    strlcpy(w->text, s, sizeof(w->text));
    w->cursor = (int)strlen(w->text);
    w->dirty = true;
}

static int row_height(const struct face *f)
{
    return face_height(f) + 4;
}

static void paint_label(const struct widget *w, const struct canvas *c, const struct face *f)
{
    int y = 0, lh = face_height(f) + 2;
    const char *s = w->text;
    uint32_t color = w->color ? w->color : TH_TEXT;
    while (*s) {
        int n = 0;
        while (s[n] && s[n] != '\n')
            n++;
        gfx_text_n(c, f, 0, y, s, n, color);
        s += n + (s[n] == '\n');
        y += lh;
    }
}

static void paint_button(const struct widget *w, const struct canvas *c, const struct face *f,
                         bool focused)
{
    struct rect all = rect_make(0, 0, c->w, c->h);
    gfx_fill(c, all, w->checked ? TH_SELECT : TH_BUTTON);
    gfx_frame(c, all, 1, TH_BORDER);
    if (focused)
        gfx_frame(c, rect_make(2, 2, c->w - 4, c->h - 4), 2, TH_FOCUS);
    int tw = face_width(f, w->text);
    gfx_text(c, f, (c->w - tw) / 2, (c->h - face_height(f)) / 2, w->text,
             w->checked ? TH_SELECT_TEXT : TH_TEXT);
}

static void paint_text(const struct widget *w, const struct canvas *c, const struct face *f,
                       bool focused)
{
    struct rect all = rect_make(0, 0, c->w, c->h);
    gfx_fill(c, all, TH_FIELD);
    gfx_frame(c, all, focused ? 2 : 1, focused ? TH_FOCUS : TH_BORDER);
    int cw = (int)f->font->width * f->scale;
    int len = (int)strlen(w->text);
    int fits = (c->w - 2 * PAD) / cw;
    int start = w->cursor - fits + 1 > 0 ? w->cursor - fits + 1 : 0;
    int ty = (c->h - face_height(f)) / 2;
    char shown[WIDGET_INPUT_MAX];
    int n = 0;
    for (int i = start; i < len && n < fits && n < WIDGET_INPUT_MAX - 1; i++)
        shown[n++] = w->password ? '*' : w->text[i];
    shown[n] = 0;
    gfx_text(c, f, PAD, ty, shown, TH_TEXT);
    if (focused)
        gfx_fill(c, rect_make(PAD + (w->cursor - start) * cw, ty, 2, face_height(f)), TH_TEXT);
}

static void paint_list(const struct widget *w, const struct canvas *c, const struct face *f,
                       bool focused)
{
    struct rect all = rect_make(0, 0, c->w, c->h);
    gfx_fill(c, all, TH_FIELD);
    int rh = row_height(f);
    for (int i = w->top, y = 2; i < w->count && y + rh <= c->h; i++, y += rh) {
        bool sel = i == w->value;
        if (sel)
            gfx_fill(c, rect_make(2, y, c->w - 4, rh), TH_SELECT);
        gfx_text(c, f, PAD, y + 2, w->items[i], sel ? TH_SELECT_TEXT : TH_TEXT);
    }
    gfx_frame(c, all, focused ? 2 : 1, focused ? TH_FOCUS : TH_BORDER);
}

static void paint_check(const struct widget *w, const struct canvas *c, const struct face *f,
                        bool focused)
{
    int box = 16, by = (c->h - box) / 2;
    gfx_fill(c, rect_make(2, by, box, box), TH_FIELD);
    gfx_frame(c, rect_make(2, by, box, box), focused ? 2 : 1, focused ? TH_FOCUS : TH_BORDER);
    if (w->checked)
        gfx_fill(c, rect_make(6, by + 4, box - 8, box - 8), TH_TEXT);
    gfx_text(c, f, box + 10, (c->h - face_height(f)) / 2, w->text, TH_TEXT);
}

/* A round mark, drawn as rows of a disc (integer only). */
static void disc(const struct canvas *c, int cx, int cy, int r, uint32_t color)
{
    for (int dy = -r; dy <= r; dy++) {
        int dx = 0;
        while ((dx + 1) * (dx + 1) + dy * dy <= r * r)
            dx++;
        gfx_fill(c, rect_make(cx - dx, cy + dy, 2 * dx + 1, 1), color);
    }
}

static void paint_radio(const struct widget *w, const struct canvas *c, const struct face *f,
                        bool focused)
{
    int cx = 10, cy = c->h / 2;
    disc(c, cx, cy, 8, focused ? TH_FOCUS : TH_BORDER);
    disc(c, cx, cy, focused ? 6 : 7, TH_FIELD);
    if (w->checked)
        disc(c, cx, cy, 4, TH_TEXT);
    gfx_text(c, f, 26, (c->h - face_height(f)) / 2, w->text, TH_TEXT);
}

static void paint_progress(const struct widget *w, const struct canvas *c, const struct face *f)
{
    struct rect all = rect_make(0, 0, c->w, c->h);
    int v = w->value < 0 ? 0 : w->value > 100 ? 100 : w->value;
    gfx_fill(c, all, TH_FIELD);
    gfx_fill(c, rect_make(1, 1, (c->w - 2) * v / 100, c->h - 2), TH_PROGRESS);
    gfx_frame(c, all, 1, TH_BORDER);
    char pct[8];
    int n = 0;
    if (v >= 100)
        pct[n++] = '1';
    if (v >= 10)
        pct[n++] = (char)('0' + v / 10 % 10);
    pct[n++] = (char)('0' + v % 10);
    pct[n++] = ' ';
    pct[n++] = '%';
    pct[n] = 0;
    gfx_text(c, f, (c->w - face_width(f, pct)) / 2, (c->h - face_height(f)) / 2, pct, TH_TEXT);
}

/* Counts the screen rows of the view's text (long lines wrapped at cols,
 * a final '\n' opens an empty last row) and, when c is given, draws those
 * from row skip on. */
static int view_rows(const struct widget *w, int cols, int skip, const struct canvas *c,
                     const struct face *f)
{
    const char *s = w->view ? w->view : "", *end = s + (w->view ? w->view_len : 0);
    int row = 0, lh = face_height(f);
    for (;;) {
        const char *e = s;
        while (e < end && *e != '\n')
            e++;
        int len = (int)(e - s);
        for (int at = 0; at < len || (at == 0 && len == 0); at += cols) {
            if (c && row >= skip) {
                int n = len - at < cols ? len - at : cols;
                gfx_text_n(c, f, PAD, PAD / 2 + (row - skip) * lh, s + at, n, TH_TEXT);
            }
            row++;
        }
        if (e >= end)
            return row;
        s = e + 1;
    }
}

/* The view's size in character cells; false when not even one fits. */
static bool view_cells(const struct widget *w, const struct face *f, int *cols, int *rows)
{
    *cols = (w->r.w - 2 * PAD) / ((int)f->font->width * f->scale);
    *rows = (w->r.h - PAD) / face_height(f);
    return *cols > 0 && *rows > 0;
}

/* How far back the view can scroll: the rows above the last screenful. */
static int view_max_back(const struct widget *w, const struct face *f)
{
    int cols, rows;
    if (!view_cells(w, f, &cols, &rows))
        return 0;
    int total = view_rows(w, cols, 0, 0, f);
    return total > rows ? total - rows : 0;
}

static void paint_view(const struct widget *w, const struct canvas *c, const struct face *f,
                       bool focused)
{
    struct rect all = rect_make(0, 0, c->w, c->h);
    gfx_fill(c, all, TH_FIELD);
    int cols, rows;
    if (view_cells(w, f, &cols, &rows)) {
        int total = view_rows(w, cols, 0, 0, f), back = w->top > 0 ? w->top : 0;
        int skip = total - rows - back;
        view_rows(w, cols, skip > 0 ? skip : 0, c, f);
    }
    gfx_frame(c, all, focused ? 2 : 1, focused ? TH_FOCUS : TH_BORDER);
}

static bool view_key(struct widget *w, int key, const struct face *f)
{
    int cols, rows, back = w->top;
    if (!view_cells(w, f, &cols, &rows))
        return false;
    int page = rows > 1 ? rows - 1 : 1;
    switch (key) {
    case KEY_UP:   back++; break;
    case KEY_DOWN: back--; break;
    case KEY_PGUP: back += page; break;
    case KEY_PGDN: back -= page; break;
    case KEY_HOME: back = view_max_back(w, f); break;
    case KEY_END:  back = 0; break;
    default: return false;
    }
    int max = view_max_back(w, f);
    w->top = back < 0 ? 0 : back > max ? max : back;
    w->dirty = true;
    return true;
}

void widget_paint(const struct widget *w, const struct canvas *content,
                  const struct face *face, const struct face *big, bool focused)
{
    struct canvas c = canvas_sub(content, w->r);
    gfx_fill(&c, rect_make(0, 0, c.w, c.h), TH_WINDOW);
    switch (w->kind) {
    case WK_LABEL:    paint_label(w, &c, w->big ? big : face); break;
    case WK_BUTTON:   paint_button(w, &c, face, focused); break;
    case WK_TEXT:     paint_text(w, &c, face, focused); break;
    case WK_LIST:     paint_list(w, &c, face, focused); break;
    case WK_CHECK:    paint_check(w, &c, face, focused); break;
    case WK_RADIO:    paint_radio(w, &c, face, focused); break;
    case WK_PROGRESS: paint_progress(w, &c, face); break;
    case WK_VIEW:     paint_view(w, &c, face, focused); break;
    }
}

static bool text_key(struct widget *w, int key)
{
    int len = (int)strlen(w->text);
    if (w->cursor > len)
        w->cursor = len;
    switch (key) {
    case KEY_LEFT:  if (w->cursor > 0) w->cursor--; break;
    case KEY_RIGHT: if (w->cursor < len) w->cursor++; break;
    case KEY_HOME:  w->cursor = 0; break;
    case KEY_END:   w->cursor = len; break;
    case KEY_BACKSPACE:
        if (w->cursor == 0)
            return true;
        w->cursor--;
        /* fall through */
    case KEY_DELETE:
        if (w->cursor < len)
            memmove(w->text + w->cursor, w->text + w->cursor + 1, (size_t)(len - w->cursor));
        break;
    default:
        if (!widget_printable(key))
            return false;
        if (len + 1 >= WIDGET_INPUT_MAX)
            return true;             /* full: the key is eaten, the text kept */
        memmove(w->text + w->cursor + 1, w->text + w->cursor, (size_t)(len - w->cursor + 1));
        w->text[w->cursor++] = (char)key;
        break;
    }
    w->dirty = true;
    return true;
}

static bool list_key(struct widget *w, int key, const struct face *f)
{
    int v = w->value;
    switch (key) {
    case KEY_UP:   v--; break;
    case KEY_DOWN: v++; break;
    case KEY_HOME: v = 0; break;
    case KEY_END:  v = w->count - 1; break;
    default: return false;
    }
    if (v >= w->count)
        v = w->count - 1;
    if (v < 0)
        v = w->count > 0 ? 0 : -1;
    w->value = v;
    int shown = (w->r.h - 4) / row_height(f);
    if (shown < 1)
        shown = 1;
    if (v >= 0 && v < w->top)
        w->top = v;
    if (v >= w->top + shown)
        w->top = v - shown + 1;
    w->dirty = true;
    return true;
}

bool widget_key(struct widget *w, int key, const struct face *face)
{
    if (w->kind == WK_TEXT)
        return text_key(w, key);
    if (w->kind == WK_LIST)
        return list_key(w, key, face);
    if (w->kind == WK_VIEW)
        return view_key(w, key, face);
    return false;
}

int widget_list_row(const struct widget *w, int y, const struct face *face)
{
    int i = w->top + (y - 2) / row_height(face);
    return y >= 2 && i < w->count ? i : -1;
}
