/* A JSON reader for request bodies (RFC 8259): the text is checked in one
 * pass into a flat array of tokens in document order, with no allocation,
 * so a body either parses completely within the caller's limits or is
 * refused with the byte offset and the reason. Integers only in the sense
 * that matters here: numbers are checked against the whole JSON grammar,
 * but only integral ones can be read (json_tok_int); the kernel has no
 * floating point (json.h). Strings are checked for valid UTF-8 and escapes
 * and decoded on demand. Pure C: host unit tests and a libFuzzer target
 * (tests/fuzz/) build it.
 *
 *     struct json_tok toks[64];
 *     struct json_doc d;
 *     if (json_parse(&d, body, len, toks, 64) < 0) ... d.err, d.err_pos
 *     int v = json_obj_get(&d, 0, "name");    token index or -1
 */
#ifndef HV_MGMT_JSON_PARSE_H
#define HV_MGMT_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_PARSE_DEPTH_MAX 16            /* nested arrays/objects */
#define JSON_PARSE_TEXT_MAX  (1u << 20)    /* longer texts are refused as a whole */

enum json_type {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,                           /* also every object key */
    JSON_ARRAY,
    JSON_OBJECT,
};

struct json_tok {
    uint8_t type;                          /* enum json_type */
    bool integral;                         /* NUMBER: no fraction, no exponent */
    uint32_t start, len;                   /* the token's text, quotes included for strings */
    uint32_t count;                        /* ARRAY: elements; OBJECT: members */
    uint32_t next;                         /* index of the token after this value and its children */
};

struct json_doc {
    const char *text;
    size_t len;
    struct json_tok *toks;
    unsigned ntoks, cap;
    const char *err;                       /* why json_parse failed (static), NULL if it did not */
    size_t err_pos;                        /* byte offset of the problem */
    bool err_limit;                        /* the failure is a limit (tokens, depth), not bad syntax */
};

/* Parses text[0..len) (one value, whitespace around it) into toks[0..cap).
 * 0, or -1 with err/err_pos/err_limit set. Object members are a key token
 * (STRING) followed by the value's tokens; toks[0] is the top value. */
int json_parse(struct json_doc *d, const char *text, size_t len, struct json_tok *toks, unsigned cap);

/* The index of the first value of object member `key` in object token obj,
 * or -1 (also when obj is not an object). Keys are compared decoded. */
int json_obj_get(const struct json_doc *d, unsigned obj, const char *key);

/* Iteration: the first child of an array/object token (for objects: the
 * first key), and the token after a value. */
static inline unsigned json_child(unsigned i) { return i + 1; }
static inline unsigned json_next(const struct json_doc *d, unsigned i) { return d->toks[i].next; }

/* A string token decoded into out (NUL-terminated): its length, -1 when it
 * does not fit in cap - 1 bytes, -2 when it holds a NUL (\u0000), -3 when
 * the token is not a string. */
long json_tok_str(const struct json_doc *d, unsigned i, char *out, size_t cap);

/* Whether string token i decodes to exactly the NUL-terminated s. */
bool json_tok_eq(const struct json_doc *d, unsigned i, const char *s);

/* An integral number token: 0 and *out, or -1 (not a number, not
 * integral, or outside int64_t). */
int json_tok_int(const struct json_doc *d, unsigned i, int64_t *out);

/* "string", "number", ... for messages. */
const char *json_type_name(enum json_type t);

#endif
