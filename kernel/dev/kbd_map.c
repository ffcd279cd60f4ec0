/* US layout, scan code set 1 (what the 8042 delivers with translation on). */
#include "dev/kbd_map.h"

#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CTRL   0x1D
#define SC_CAPS   0x3A
#define SC_BREAK  0x80

static const char plain[0x3A] = {
    0, 0x1B, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};

static const char shifted[0x3A] = {
    0, 0x1B, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static int esc_seq(char out[4], char final)
{
    out[0] = 0x1B;
    out[1] = '[';
    out[2] = final;
    return 3;
}

/* Keys after 0xE0: the cursor block, right ctrl, keypad enter and slash. */
static int extended(struct kbd_state *st, uint8_t code, bool up, char out[4])
{
    if (code == SC_CTRL) {
        st->ctrl = !up;
        return 0;
    }
    if (up)
        return 0;
    switch (code) {
    case 0x48: return esc_seq(out, 'A');
    case 0x50: return esc_seq(out, 'B');
    case 0x4D: return esc_seq(out, 'C');
    case 0x4B: return esc_seq(out, 'D');
    case 0x47: return esc_seq(out, 'H');
    case 0x4F: return esc_seq(out, 'F');
    case 0x53: out[0] = 0x1B; out[1] = '['; out[2] = '3'; out[3] = '~'; return 4;
    case 0x1C: out[0] = '\r'; return 1;
    case 0x35: out[0] = '/'; return 1;
    default: return 0;          /* includes the fake shifts 0x2A/0x36 of Print Screen */
    }
}

int kbd_translate(struct kbd_state *st, uint8_t sc, char out[4])
{
    if (st->skip) {
        st->skip--;
        return 0;
    }
    if (sc == 0xE1) {           /* Pause: E1 1D 45 E1 9D C5, no key to report */
        st->skip = 5;
        return 0;
    }
    if (sc == 0xE0) {
        st->e0 = true;
        return 0;
    }
    bool up = sc & SC_BREAK;
    uint8_t code = sc & (uint8_t)~SC_BREAK;
    if (st->e0) {
        st->e0 = false;
        return extended(st, code, up, out);
    }
    switch (code) {
    case SC_LSHIFT: st->lshift = !up; return 0;
    case SC_RSHIFT: st->rshift = !up; return 0;
    case SC_CTRL:   st->ctrl = !up; return 0;
    case SC_CAPS:   if (!up) st->caps = !st->caps; return 0;
    default: break;
    }
    if (up || code >= sizeof(plain))
        return 0;
    bool shift = st->lshift || st->rshift;
    char c = plain[code];
    if (c >= 'a' && c <= 'z' && st->caps)
        shift = !shift;
    if (shift)
        c = shifted[code];
    if (c == 0)
        return 0;
    if (st->ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c = (char)(c & 0x1F);
    out[0] = c;
    return 1;
}

int kbd_type(char c, uint8_t out[4])
{
    if (c == '\n')
        c = '\r';
    for (int shift = 0; shift < 2; shift++) {
        const char *map = shift ? shifted : plain;
        for (uint8_t sc = 1; sc < sizeof(plain); sc++) {
            if (map[sc] != c || c == 0)
                continue;
            int n = 0;
            if (shift)
                out[n++] = SC_LSHIFT;
            out[n++] = sc;
            out[n++] = (uint8_t)(sc | SC_BREAK);
            if (shift)
                out[n++] = SC_LSHIFT | SC_BREAK;
            return n;
        }
    }
    return 0;
}
