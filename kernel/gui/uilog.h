/* The UI event log: one line per thing a user did or saw, for tests and
 * for the record ("ui: screen=installer/disk", "ui: click=button:Next").
 * The kernel sends it to COM1 only (not the screen the GUI owns).
 * Owner: gui. */
#ifndef HV_GUI_UILOG_H
#define HV_GUI_UILOG_H

typedef void (*uilog_sink)(const char *line);   /* line ends in "\n" */

void uilog_set_sink(uilog_sink sink);           /* NULL: drop */
/* "ui: <key>=<value>\n"; long values are cut. */
void uilog(const char *key, const char *value);
/* "ui: <key>=<kind>:<name>\n" */
void uilog2(const char *key, const char *kind, const char *name);

#endif
