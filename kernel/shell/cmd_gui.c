/* The desktop's diagnostic command: guibench (bench/gui.py). */
#include "shell/shell_cmds.h"
#include "gui/gui_bench.h"
#include "lib/kprintf.h"

#define GUIBENCH_DEFAULT 60

void cmd_guibench(int argc, char **argv)
{
    unsigned frames = GUIBENCH_DEFAULT;
    if (argc > 2) {
        kprintf("usage: guibench [frames, 1-%u]\n", GUI_BENCH_MAX_FRAMES);
        return;
    }
    if (argc == 2) {
        frames = 0;
        for (const char *s = argv[1]; *s; s++) {
            if (*s < '0' || *s > '9' || frames > GUI_BENCH_MAX_FRAMES) {
                frames = 0;
                break;
            }
            frames = frames * 10 + (unsigned)(*s - '0');
        }
        if (frames == 0 || frames > GUI_BENCH_MAX_FRAMES) {
            kprintf("usage: guibench [frames, 1-%u]\n", GUI_BENCH_MAX_FRAMES);
            return;
        }
    }
    char line[160];
    gui_bench(frames, line, sizeof(line));
    kprintf("%s\n", line);
}
