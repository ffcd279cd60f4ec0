/* Keys as the GUI sees them, from the console's input bytes (the PS/2
 * keyboard and COM1 both arrive there; arrows as ESC [ A..D, Page Up/Down as
 * ESC [ 5 ~ and ESC [ 6 ~). Pure code.
 * Owner: gui. */
#ifndef HV_GUI_KEYS_H
#define HV_GUI_KEYS_H

/* Below 0x100: the Latin-1 character typed. */
enum gui_key {
    KEY_NONE = 0,
    KEY_TAB = 0x100, KEY_ENTER, KEY_ESC, KEY_BACKSPACE, KEY_DELETE,
    KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_PGUP, KEY_PGDN,
};

struct keyparse {
    int state;                  /* 0 text, 1 after ESC, 2 in ESC [ */
    int param;                  /* the number in ESC [ n ~ */
};

/* Feed one byte; writes up to 2 keys to out and returns how many. */
int keyparse_feed(struct keyparse *kp, int byte, int out[2]);
/* No byte followed: an ESC on its own is the Esc key (KEY_NONE otherwise). */
int keyparse_idle(struct keyparse *kp);
const char *key_name(int key);    /* "tab", "enter", ... or NULL for characters */

#endif
