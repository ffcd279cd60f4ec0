/* Scan code set 1 (what the 8042 delivers with translation on) to console
 * bytes, for the US and the Brazilian ABNT2 layouts.  Output is Latin-1,
 * which the console font draws. */
#include "dev/kbd_map.h"

#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CTRL   0x1D
#define SC_ALT    0x38          /* with E0: right Alt, AltGr */
#define SC_CAPS   0x3A
#define SC_BREAK  0x80
#define NCODES    0x80

/* Dead keys sit in the tables as C1 control codes: no key types those. */
enum { DEAD_ACUTE = 0x81, DEAD_GRAVE, DEAD_TILDE, DEAD_CIRC, DEAD_DIAER, DEAD_END };

struct layout {
    const uint8_t *plain, *shifted;
    const uint8_t *altgr;       /* NULL: AltGr is a plain Alt; 0 entry: as without AltGr */
    uint8_t ncodes;             /* the tables' length */
};

static const uint8_t us_plain[0x3A] = {
    0, 0x1B, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};

static const uint8_t us_shifted[0x3A] = {
    0, 0x1B, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

/* ABNT2 (NBR 10346 variant 2): the US block with c-cedilla and the accent
 * dead keys where US has ; ' [ ] \ `, plus two keys US lacks: 0x56 left of
 * Z and 0x73 left of right shift; 0x7E is the keypad's second '.' key. */
static const uint8_t br_plain[NCODES] = {
    0, 0x1B, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', DEAD_ACUTE, '[', '\r', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', 0xE7, DEAD_TILDE, '\'', 0, ']', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', ';', 0, '*', 0, ' ',
    [0x56] = '\\', [0x73] = '/', [0x7E] = '.',
};

static const uint8_t br_shifted[NCODES] = {
    0, 0x1B, '!', '@', '#', '$', '%', DEAD_DIAER, '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', DEAD_GRAVE, '{', '\r', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', 0xC7, DEAD_CIRC, '"', 0, '}', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', ':', 0, '*', 0, ' ',
    [0x56] = '|', [0x73] = '?', [0x7E] = '.',
};

/* AltGr: what the keycaps show at their lower right.  Q W E repeat the
 * 0x73 key's / ? and degree for keyboards without that key. */
static const uint8_t br_altgr[NCODES] = {
    [0x02] = 0xB9, [0x03] = 0xB2, [0x04] = 0xB3,       /* superscript 1 2 3 */
    [0x05] = 0xA3, [0x06] = 0xA2, [0x07] = 0xAC,       /* pound, cent, not */
    [0x0D] = 0xA7,                                     /* section */
    [0x10] = '/', [0x11] = '?', [0x12] = 0xB0,         /* degree */
    [0x1B] = 0xAA, [0x2B] = 0xBA,                      /* ordinals a, o */
    [0x73] = 0xB0,
};

static const struct layout layouts[KBD_LAYOUT_COUNT] = {
    [KBD_LAYOUT_US] = { us_plain, us_shifted, 0, sizeof(us_plain) },
    [KBD_LAYOUT_BR_ABNT2] = { br_plain, br_shifted, br_altgr, NCODES },
};

/* Per dead key: what it types alone (before a space or a letter it does
 * not combine with; ASCII where there is one, so the shell takes it), and
 * the letters it combines with, each followed by the Latin-1 result. */
static const struct {
    uint8_t alone;
    const char *pairs;
} dead_keys[DEAD_END - DEAD_ACUTE] = {
    [DEAD_ACUTE - DEAD_ACUTE] = { '\'',
        "a\xE1" "e\xE9" "i\xED" "o\xF3" "u\xFA" "y\xFD"
        "A\xC1" "E\xC9" "I\xCD" "O\xD3" "U\xDA" "Y\xDD" },
    [DEAD_GRAVE - DEAD_ACUTE] = { '`',
        "a\xE0" "e\xE8" "i\xEC" "o\xF2" "u\xF9"
        "A\xC0" "E\xC8" "I\xCC" "O\xD2" "U\xD9" },
    [DEAD_TILDE - DEAD_ACUTE] = { '~',
        "a\xE3" "o\xF5" "n\xF1" "A\xC3" "O\xD5" "N\xD1" },
    [DEAD_CIRC - DEAD_ACUTE] = { '^',
        "a\xE2" "e\xEA" "i\xEE" "o\xF4" "u\xFB"
        "A\xC2" "E\xCA" "I\xCE" "O\xD4" "U\xDB" },
    [DEAD_DIAER - DEAD_ACUTE] = { 0xA8,
        "a\xE4" "e\xEB" "i\xEF" "o\xF6" "u\xFC" "y\xFF"
        "A\xC4" "E\xCB" "I\xCF" "O\xD6" "U\xDC" },
};

static bool is_dead(uint8_t c)
{
    return c >= DEAD_ACUTE && c < DEAD_END;
}

/* Caps Lock swaps case on letters: ASCII ones and Latin-1 ones (c-cedilla). */
static bool caps_applies(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7);
}

static uint8_t combine(uint8_t dead, uint8_t c)
{
    for (const char *p = dead_keys[dead - DEAD_ACUTE].pairs; *p; p += 2)
        if ((uint8_t)p[0] == c)
            return (uint8_t)p[1];
    return 0;
}

/* One character key's byte; a pending dead key combines with it, or is
 * typed alone before it. */
static int emit(struct kbd_state *st, uint8_t c, char out[4])
{
    uint8_t dead = st->dead;
    if (!dead) {
        out[0] = (char)c;
        return 1;
    }
    st->dead = 0;
    uint8_t alone = dead_keys[dead - DEAD_ACUTE].alone;
    uint8_t both = c == ' ' ? alone : combine(dead, c);
    if (both) {
        out[0] = (char)both;
        return 1;
    }
    out[0] = (char)alone;
    out[1] = (char)(is_dead(c) ? dead_keys[c - DEAD_ACUTE].alone : c);
    return 2;
}

/* A dead key waits for the next character; a second dead key types both
 * accents (the same as any other character that does not combine). */
static int press_dead(struct kbd_state *st, uint8_t dead, char out[4])
{
    if (st->dead)
        return emit(st, dead, out);
    st->dead = dead;
    return 0;
}

/* ESC [ n ~: Delete, Page Up, Page Down, as a VT220 sends them. */
static int tilde_seq(char out[4], char n)
{
    out[0] = 0x1B;
    out[1] = '[';
    out[2] = n;
    out[3] = '~';
    return 4;
}

static int esc_seq(char out[4], char final)
{
    out[0] = 0x1B;
    out[1] = '[';
    out[2] = final;
    return 3;
}

/* Keys after 0xE0: the cursor block, right ctrl and alt, keypad enter and
 * slash.  The cursor keys leave a pending dead key pending. */
static int extended(struct kbd_state *st, uint8_t code, bool up, char out[4])
{
    if (code == SC_CTRL) {
        st->ctrl = !up;
        return 0;
    }
    if (code == SC_ALT) {
        st->altgr = !up;
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
    case 0x53: return tilde_seq(out, '3');
    case 0x49: return tilde_seq(out, '5');      /* Page Up */
    case 0x51: return tilde_seq(out, '6');      /* Page Down */
    case 0x1C: return emit(st, '\r', out);
    case 0x35: return emit(st, '/', out);
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
    if (st->dead && !is_dead(st->dead))
        st->dead = 0;           /* it indexes dead_keys: trust no value this file did not write */
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
    const struct layout *l = &layouts[st->layout < KBD_LAYOUT_COUNT ? st->layout : KBD_LAYOUT_US];
    if (up || code >= l->ncodes)
        return 0;
    uint8_t c = st->altgr && l->altgr ? l->altgr[code] : 0;
    if (c == 0) {
        bool shift = st->lshift || st->rshift;
        c = l->plain[code];
        if (st->caps && caps_applies(c))
            shift = !shift;
        if (shift)
            c = l->shifted[code];
    }
    if (c == 0)
        return 0;
    if (is_dead(c))
        return press_dead(st, c, out);
    if (st->ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c &= 0x1F;
    return emit(st, c, out);
}

int kbd_type(char c, uint8_t out[4])
{
    if (c == '\n')
        c = '\r';
    if (c == 0)
        return 0;
    for (int shift = 0; shift < 2; shift++) {
        const uint8_t *map = shift ? us_shifted : us_plain;
        for (uint8_t sc = 1; sc < sizeof(us_plain); sc++) {
            if (map[sc] != (uint8_t)c)
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
