/* Formats event lines and hands them to the sink. */
#include "gui/uilog.h"
#include "lib/kprintf.h"

static uilog_sink sink;

/* One event, one line: inner line breaks become spaces, and a cut line
 * still ends in a newline, so the next one starts its own. */
static void emit(char *line, int len, int size)
{
    if (len >= size - 1) {
        line[size - 2] = '\n';
        line[size - 1] = 0;
        len = size - 2;
    }
    for (int i = 0; i < len - 1; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    sink(line);
}

void uilog_set_sink(uilog_sink s)
{
    sink = s;
}

void uilog(const char *key, const char *value)
{
    if (!sink)
        return;
    char line[160];
    emit(line, ksnprintf(line, sizeof(line), "ui: %s=%s\n", key, value), sizeof(line));
}

void uilog2(const char *key, const char *kind, const char *name)
{
    if (!sink)
        return;
    char line[160];
    emit(line, ksnprintf(line, sizeof(line), "ui: %s=%s:%s\n", key, kind, name), sizeof(line));
}
