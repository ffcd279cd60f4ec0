/* A JSON writer into a fixed buffer: objects, arrays, strings (escaped),
 * integers, booleans, null. Commas are placed by the writer, so callers
 * just say what comes next. Integers only: the kernel is built without SSE,
 * so floating point (and with it cJSON, whose numbers are doubles) is out
 * (docs/api.md). Pure C: the unit tests build it on the host.
 *
 *     struct json_out j;
 *     json_init(&j, buf, sizeof(buf));
 *     json_obj_begin(&j);
 *     json_key(&j, "name"); json_str(&j, "hello");
 *     json_obj_end(&j);
 *     if (j.overflow) ...     (buf is too small: nothing valid was written)
 */
#ifndef HV_MGMT_JSON_H
#define HV_MGMT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX 16

struct json_out {
    char *buf;
    size_t cap, len;                       /* buf[len] is always NUL when cap > 0 */
    bool overflow;                         /* something did not fit (or nesting too deep) */
    unsigned depth;
    bool has_items[JSON_DEPTH_MAX];        /* the open container at depth d has an item */
    bool after_key;                        /* a key was written: its value needs no comma */
};

void json_init(struct json_out *j, char *buf, size_t cap);
void json_obj_begin(struct json_out *j);
void json_obj_end(struct json_out *j);
void json_arr_begin(struct json_out *j);
void json_arr_end(struct json_out *j);
void json_key(struct json_out *j, const char *key);
void json_str(struct json_out *j, const char *s);      /* NULL writes null */
void json_strn(struct json_out *j, const char *s, size_t n);
void json_u64(struct json_out *j, uint64_t v);
void json_i64(struct json_out *j, int64_t v);
void json_bool(struct json_out *j, bool v);
void json_null(struct json_out *j);
/* Bytes as they are, no comma and no escaping: for bodies that are not
 * JSON (GET /metrics is text) built with the same overflow tracking. */
void json_raw(struct json_out *j, const char *s, size_t n);

/* Decimal digits of v into buf (at least 21 bytes); returns the length. */
size_t json_fmt_u64(char *buf, uint64_t v);

#endif
