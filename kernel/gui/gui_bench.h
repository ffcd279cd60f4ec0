/* Frame rates of the desktop's compositor on the real framebuffer, for
 * bench/gui.py (the shell's `guibench`). Kernel only. Owner: gui. */
#ifndef HV_GUI_GUI_BENCH_H
#define HV_GUI_GUI_BENCH_H

#include <stddef.h>

#define GUI_BENCH_MAX_FRAMES 1000

/* Times `frames` full-screen composes and `frames` steps of a window
 * dragged by its title bar, then gives the screen back to the console.
 * out gets one line (no newline): the figures, or why it refused (no
 * usable framebuffer or font, no memory, frames not 1..MAX); negative
 * error code then. Must not run while the desktop does. */
int gui_bench(unsigned frames, char *out, size_t len);

#endif
