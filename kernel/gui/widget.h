/* Widgets: label, button, text field (optionally a password), list,
 * checkbox, progress bar, read-only text view (a console or log tail).  They live in a window (window.h), paint into
 * its buffer and never touch the screen. Pure code. Owner: gui. */
#ifndef HV_GUI_WIDGET_H
#define HV_GUI_WIDGET_H

#include <stdbool.h>
#include <stdint.h>
#include "gui/gfx.h"

enum widget_kind { WK_LABEL, WK_BUTTON, WK_TEXT, WK_LIST, WK_CHECK, WK_PROGRESS, WK_VIEW,
                   WK_RADIO };

#define WIDGET_TEXT_MAX 400         /* a label's text */
#define WIDGET_INPUT_MAX 96         /* what a text field takes */
#define LIST_MAX 16
#define LIST_ITEM_MAX 72

struct widget {
    enum widget_kind kind;
    int id;                         /* the owner's handle, given back in on_action */
    struct rect r;                  /* in the window's content area */
    char text[WIDGET_TEXT_MAX];     /* caption, or a text field's content */
    char name[32];                  /* what the UI log calls it: the caption by default */
    bool password;                  /* text field: shows '*' */
    bool checked;                   /* checkbox; a button drawn as selected (a tab) */
    bool big;                       /* label in the large face */
    bool dirty;                     /* needs painting */
    uint32_t color;                 /* label text colour, 0 for the default */
    int value;                      /* progress percent; list selection (-1 none);
                                     * radio: its group (one checked per group) */
    int cursor;                     /* text field: insertion point */
    int count, top;                 /* list: rows, and the first row shown;
                                     * view: rows scrolled back from the end */
    char items[LIST_MAX][LIST_ITEM_MAX];
    /* View: the owner's text (lines end in '\n'); the tail that fits is
     * shown, long lines wrapped; Up/Down, Page Up/Down, Home/End scroll.
     * The owner sets dirty when it changes. */
    const char *view;
    int view_len;
};

const char *widget_kind_name(enum widget_kind k);
/* What a text field takes: printable ASCII and Latin-1 0xA0-0xFF. */
bool widget_printable(int key);    /* "button", ... for the log */
bool widget_focusable(const struct widget *w);
/* Paints w into content (the window's content area); focused draws the ring. */
void widget_paint(const struct widget *w, const struct canvas *content,
                  const struct face *face, const struct face *big, bool focused);
/* A key for the widget itself (text editing, list moves); true when it
 * used the key, false when the window should (focus moves, Enter). */
bool widget_key(struct widget *w, int key, const struct face *face);
/* List: the row at content y (for clicks), -1 when none. */
int widget_list_row(const struct widget *w, int y, const struct face *face);
void widget_set_text(struct widget *w, const char *s);

#endif
