/*
 * Terminal output turned into lines for a text view.  Only what a line
 * view can show is kept: a lone CR starts the line again (the next bytes
 * replace it, as progress lines do), CR LF is one line break, backspace
 * takes back a character, a tab pads to the next multiple of 8.  Escape
 * sequences (colours, cursor moves) are skipped whole, even when split
 * across calls.  Latin-1 letters stay; other control bytes go.
 */
#include "gui/desk_text.h"
#include "lib/string.h"

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_OSC, ESC_OSC_ESC, ESC_ONE };

void textbuf_init(struct textbuf *t, char *buf, int cap)
{
    memset(t, 0, sizeof(*t));
    t->buf = buf;
    t->cap = cap;
}

/* Room for one byte: the oldest quarter goes, up to a line break. */
static void make_room(struct textbuf *t)
{
    if (t->len < t->cap)
        return;
    int cut = t->cap / 4;
    while (cut < t->len && t->buf[cut - 1] != '\n')
        cut++;
    memmove(t->buf, t->buf + cut, (size_t)(t->len - cut));
    t->len -= cut;
}

static void put(struct textbuf *t, char c)
{
    make_room(t);
    t->buf[t->len++] = c;
}

static int line_start(const struct textbuf *t)
{
    int i = t->len;
    while (i > 0 && t->buf[i - 1] != '\n')
        i--;
    return i;
}

/* Inside an escape sequence: true while it goes on. */
static bool escape(struct textbuf *t, unsigned char c)
{
    switch (t->esc) {
    case ESC_START:
        t->esc = c == '[' ? ESC_CSI : c == ']' ? ESC_OSC :
                 (c >= 0x20 && c <= 0x2F) ? ESC_ONE : ESC_NONE;
        return true;
    case ESC_ONE:                       /* ESC ( B and the like: one more byte */
        t->esc = ESC_NONE;
        return true;
    case ESC_CSI:                       /* parameters, then a final 0x40-0x7E */
        if (c >= 0x40 && c <= 0x7E)
            t->esc = ESC_NONE;
        return true;
    case ESC_OSC:                       /* up to BEL or ESC \ */
        if (c == 0x07)
            t->esc = ESC_NONE;
        else if (c == 0x1B)
            t->esc = ESC_OSC_ESC;
        return true;
    case ESC_OSC_ESC:
        t->esc = c == '\\' ? ESC_NONE : ESC_OSC;
        return true;
    default:
        return false;
    }
}

bool textbuf_feed(struct textbuf *t, const char *s, size_t n)
{
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (t->esc != ESC_NONE && escape(t, c))
            continue;
        if (c == 0x1B) {
            t->esc = ESC_START;
            continue;
        }
        if (t->cr && c != '\n' && c != '\r') {
            t->len = line_start(t);     /* the line is written again */
            changed = true;
        }
        t->cr = false;
        if (c == '\r') {
            t->cr = true;
        } else if (c == '\n') {
            put(t, '\n');
            changed = true;
        } else if (c == '\b') {
            if (t->len > 0 && t->buf[t->len - 1] != '\n') {
                t->len--;
                changed = true;
            }
        } else if (c == '\t') {
            int col = t->len - line_start(t);
            do
                put(t, ' ');
            while (++col % 8);
            changed = true;
        } else if ((c >= 0x20 && c < 0x7F) || c >= 0xA0) {
            put(t, (char)c);
            changed = true;
        }
    }
    return changed;
}
