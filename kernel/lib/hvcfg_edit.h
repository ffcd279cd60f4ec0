/*
 * HV.CFG editing: one key changed in the text a person wrote, every other
 * byte kept (comments, blank lines, order, unknown keys, CRLF line ends).
 *
 * Pure and freestanding like lib/hvcfg.c, whose lexer decides which lines
 * set a key, so an edit means exactly what the boot loader will read.
 * No globals, no allocation: the caller gives the output buffer.
 */
#ifndef HV_LIB_HVCFG_EDIT_H
#define HV_LIB_HVCFG_EDIT_H

#include <stddef.h>

/* Errors, returned negated. */
enum {
    HVCFG_EDIT_EKEY = 1,    /* key is empty, too long or not letters, digits, '.', '_', '-' */
    HVCFG_EDIT_EVALUE,      /* value has a line break, '#' or a control byte */
    HVCFG_EDIT_ELONG,       /* `key = value` would be over HVCFG_LINE_MAX bytes */
    HVCFG_EDIT_ESPACE,      /* out is too small for the result */
};

/* Longest key accepted (hv's longest is 14: "admin.password"). */
#define HVCFG_EDIT_KEY_MAX 63

/* Writes to out the text in[0..in_len) with key set to value:
 *  - the first line the lexer reads as setting key gets the new value in
 *    place (its indentation, spacing and a trailing `# comment` kept);
 *  - later lines setting key are removed (the parser would let the last
 *    one win, which would undo the edit);
 *  - when no line sets key, `key = value` is appended, after a line break
 *    when the text does not end with one;
 *  - value NULL removes every line setting key;
 *  - line ends follow the file: CRLF when its first line ends in CRLF.
 * Lines the lexer rejects (too long, malformed) are kept as they are.
 * Returns the new length (out is not NUL-terminated), or a negated
 * HVCFG_EDIT_E*.  out must not overlap in.  The value is not checked
 * against hv's schema: see hvcfg_check. */
int hvcfg_edit(const char *in, size_t in_len, const char *key, const char *value,
               char *out, size_t out_max);

/* "invalid key name", ...: a sentence fragment for an HVCFG_EDIT_E* (or its negation). */
const char *hvcfg_edit_strerror(int err);

/* Whether `key = value` is a line hv's parser accepts without a warning:
 * 0, or -1 with why holding the reason (the parser's own message, e.g.
 * `bad value "X" for hostname (1-63 of a-z 0-9 -)` or `unknown key "foo"`,
 * or hvcfg_edit_strerror's for a value no line can hold).  why may be NULL. */
int hvcfg_check(const char *key, const char *value, char *why, size_t len);

#endif
