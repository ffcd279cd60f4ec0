/* Console bytes to keys.  Both sources deliver an escape sequence in one
 * burst, so an ESC with nothing after it by the next poll is the Esc key. */
#include "gui/keys.h"

static int csi_final(int c, int param)
{
    switch (c) {
    case 'A': return KEY_UP;
    case 'B': return KEY_DOWN;
    case 'C': return KEY_RIGHT;
    case 'D': return KEY_LEFT;
    case 'H': return KEY_HOME;
    case 'F': return KEY_END;
    case '~': return param == 3 ? KEY_DELETE : param == 1 ? KEY_HOME :
                     param == 4 ? KEY_END : param == 5 ? KEY_PGUP :
                     param == 6 ? KEY_PGDN : KEY_NONE;
    default:  return KEY_NONE;
    }
}

static int plain(int c)
{
    switch (c) {
    case '\t': return KEY_TAB;
    case '\n': case '\r': return KEY_ENTER;
    case '\b': case 0x7F: return KEY_BACKSPACE;
    /* C0 and C1 controls mean nothing here; Latin-1 letters (a layout's
     * c-cedilla is 0xE7) are typed as they are. */
    default:   return (c >= 0x20 && c < 0x7F) || (c >= 0xA0 && c < 0x100) ? c : KEY_NONE;
    }
}

int keyparse_feed(struct keyparse *kp, int c, int out[2])
{
    int n = 0;
    if (kp->state == 1) {
        if (c == '[') {
            kp->state = 2;
            kp->param = 0;
            return 0;
        }
        kp->state = 0;
        out[n++] = KEY_ESC;          /* Esc, then whatever followed it */
    } else if (kp->state == 2) {
        if (c >= '0' && c <= '9') {
            if (kp->param < 1000)
                kp->param = kp->param * 10 + (c - '0');
            return 0;
        }
        if (c == ';')
            return 0;
        kp->state = 0;
        int k = csi_final(c, kp->param);
        if (k != KEY_NONE)
            out[n++] = k;
        return n;
    }
    if (c == 0x1B) {
        kp->state = 1;
        return n;
    }
    int k = plain(c);
    if (k != KEY_NONE)
        out[n++] = k;
    return n;
}

int keyparse_idle(struct keyparse *kp)
{
    if (kp->state != 1)
        return KEY_NONE;
    kp->state = 0;
    return KEY_ESC;
}

const char *key_name(int key)
{
    switch (key) {
    case KEY_TAB: return "tab";
    case KEY_ENTER: return "enter";
    case KEY_ESC: return "esc";
    case KEY_BACKSPACE: return "backspace";
    case KEY_DELETE: return "delete";
    case KEY_UP: return "up";
    case KEY_DOWN: return "down";
    case KEY_LEFT: return "left";
    case KEY_RIGHT: return "right";
    case KEY_HOME: return "home";
    case KEY_END: return "end";
    case KEY_PGUP: return "pgup";
    case KEY_PGDN: return "pgdn";
    default: return 0;
    }
}
