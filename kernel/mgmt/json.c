/* The JSON writer. Strings are escaped per RFC 8259: quote, backslash and
 * control characters; other bytes pass through (callers hand in UTF-8). */
#include "mgmt/json.h"

static void put(struct json_out *j, const char *s, size_t n)
{
    if (j->overflow)
        return;
    if (j->cap == 0 || n > j->cap - 1 - j->len) {
        j->overflow = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        j->buf[j->len + i] = s[i];
    j->len += n;
    j->buf[j->len] = 0;
}

static void putc1(struct json_out *j, char c)
{
    put(j, &c, 1);
}

/* Before any value or key: the comma that separates it from the last one. */
static void item(struct json_out *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->has_items[j->depth - 1])
            putc1(j, ',');
        j->has_items[j->depth - 1] = true;
    }
}

void json_init(struct json_out *j, char *buf, size_t cap)
{
    *j = (struct json_out){ .buf = buf, .cap = cap };
    if (cap > 0)
        buf[0] = 0;
}

static void open(struct json_out *j, char c)
{
    item(j);
    if (j->depth == JSON_DEPTH_MAX) {
        j->overflow = true;
        return;
    }
    putc1(j, c);
    j->has_items[j->depth++] = false;
}

static void close(struct json_out *j, char c)
{
    if (j->depth == 0) {
        j->overflow = true;
        return;
    }
    j->depth--;
    putc1(j, c);
}

void json_obj_begin(struct json_out *j) { open(j, '{'); }
void json_obj_end(struct json_out *j) { close(j, '}'); }
void json_arr_begin(struct json_out *j) { open(j, '['); }
void json_arr_end(struct json_out *j) { close(j, ']'); }

static void quoted(struct json_out *j, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    putc1(j, '"');
    size_t run = 0;                        /* bytes that need no escape, written in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(j, s + run, i - run);
        run = i + 1;
        char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            put(j, esc, 2);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            put(j, esc, 2);
        } else {
            put(j, esc, 6);
        }
    }
    put(j, s + run, n - run);
    putc1(j, '"');
}

void json_key(struct json_out *j, const char *key)
{
    item(j);
    size_t n = 0;
    while (key[n])
        n++;
    quoted(j, key, n);
    putc1(j, ':');
    j->after_key = true;
}

void json_strn(struct json_out *j, const char *s, size_t n)
{
    item(j);
    quoted(j, s, n);
}

void json_str(struct json_out *j, const char *s)
{
    if (!s) {
        json_null(j);
        return;
    }
    size_t n = 0;
    while (s[n])
        n++;
    json_strn(j, s, n);
}

size_t json_fmt_u64(char *buf, uint64_t v)
{
    char tmp[21];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return n;
}

void json_u64(struct json_out *j, uint64_t v)
{
    char b[21];
    item(j);
    put(j, b, json_fmt_u64(b, v));
}

void json_i64(struct json_out *j, int64_t v)
{
    char b[22];
    item(j);
    if (v < 0) {
        b[0] = '-';
        put(j, b, 1 + json_fmt_u64(b + 1, (uint64_t)0 - (uint64_t)v));
        return;
    }
    put(j, b, json_fmt_u64(b, (uint64_t)v));
}

void json_bool(struct json_out *j, bool v)
{
    item(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json_out *j)
{
    item(j);
    put(j, "null", 4);
}

void json_raw(struct json_out *j, const char *s, size_t n)
{
    put(j, s, n);
}
