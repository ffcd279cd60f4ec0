/* A text screen the console draws on: a header bar on the top line and a
 * scrolling text area below it. fbcon.c and vgatext.c implement it; only
 * console.c calls it, with the console lock held. Owner: kernel core. */
#ifndef HV_DEV_SCREEN_H
#define HV_DEV_SCREEN_H

struct screen {
    unsigned cols, rows;                       /* of the text area */
    void (*header)(const char *text);          /* redraw the header bar */
    void (*put)(unsigned col, unsigned row, char c);
    void (*clear_line)(unsigned row, unsigned from_col);
    void (*scroll)(void);                      /* up one line, blank at the bottom */
    void (*cursor)(unsigned col, unsigned row);
    void (*flush)(void);                       /* after each console write */
    /* Everything is copied out again at the next flush (someone else drew
     * on the display meanwhile); NULL when the screen needs no such thing. */
    void (*invalidate)(void);
};

#endif
