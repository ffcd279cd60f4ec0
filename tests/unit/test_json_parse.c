/* The JSON reader (kernel/mgmt/json_parse.c): every RFC 8259 form it must
 * accept, the malformed texts it must refuse with the right offset, the
 * limits (depth, tokens, size) at their edges, UTF-8 and escapes, and the
 * accessors (members, strings, integers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/json_parse.h"

#define CAP 64
static struct json_tok toks[CAP];
static struct json_doc d;

static int parse(const char *s)
{
    return json_parse(&d, s, strlen(s), toks, CAP);
}

static void ok(const char *s)
{
    if (parse(s) != 0)
        fail_msg("refused %s: %s at %zu", s, d.err, d.err_pos);
}

static void bad(const char *s, size_t pos)
{
    if (parse(s) == 0)
        fail_msg("accepted %s", s);
    assert_non_null(d.err);
    if (d.err_pos != pos)
        fail_msg("%s: error at %zu (%s), expected %zu", s, d.err_pos, d.err, pos);
}

static void test_values(void **st)
{
    (void)st;
    const char *good[] = {
        "0", "-0", "12", "-12", "1.5", "1e3", "1E+3", "-2.5e-3", "true", "false", "null",
        "\"\"", "\"a\"", "[]", "{}", " [ 1 , 2 ] ", "{\"a\":1,\"b\":[true,null,{}]}",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uD83D\\uDE00\"", "\t\r\n{}\n",
        "\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ok(good[i]);
    ok("{\"a\":1,\"b\":[true,null,{}]}");
    assert_int_equal(d.ntoks, 8);
    assert_int_equal(toks[0].type, JSON_OBJECT);
    assert_int_equal(toks[0].count, 2);
    assert_int_equal(toks[0].next, 8);
    assert_int_equal(toks[4].type, JSON_ARRAY);
    assert_int_equal(toks[4].count, 3);
    assert_int_equal(toks[4].next, 8);
    ok("1.5");
    assert_false(toks[0].integral);
    ok("-7");
    assert_true(toks[0].integral);
}

static void test_malformed(void **st)
{
    (void)st;
    bad("", 0);
    bad("   ", 3);
    bad("{", 0);
    bad("[1,", 0);
    bad("[1,]", 3);
    bad("{\"a\"}", 4);
    bad("{\"a\":}", 5);
    bad("{a:1}", 1);
    bad("{\"a\":1,}", 7);
    bad("[1 2]", 3);
    bad("01", 1);
    bad("-", 0);
    bad("1.", 0);
    bad(".5", 0);
    bad("1e", 0);
    bad("+1", 0);
    bad("tru", 0);
    bad("nul", 0);
    bad("True", 0);
    bad("\"abc", 0);
    bad("\"a\nb\"", 2);
    bad("\"\\x\"", 1);
    bad("\"\\u12\"", 1);
    bad("\"\\u12g4\"", 1);
    bad("\"\\uD800\"", 1);
    bad("\"\\uDC00\"", 1);
    bad("\"\\uD800\\u0041\"", 1);
    bad("{} {}", 3);
    bad("[1]]", 3);
    bad("\"\xc3\"", 1);          /* truncated sequence */
    bad("\"\xc0\xaf\"", 1);      /* overlong '/' */
    bad("\"\xed\xa0\x80\"", 1);  /* an encoded surrogate */
    bad("\"\xf4\x90\x80\x80\"", 1); /* above U+10FFFF */
    bad("\"\xff\"", 1);
    /* a NUL in the text is not JSON */
    assert_int_equal(json_parse(&d, "[1,\0]", 5, toks, CAP), -1);
}

static void test_limits(void **st)
{
    (void)st;
    char s[200];
    size_t n = 0;
    for (int i = 0; i < JSON_PARSE_DEPTH_MAX; i++)
        s[n++] = '[';
    for (int i = 0; i < JSON_PARSE_DEPTH_MAX; i++)
        s[n++] = ']';
    s[n] = 0;
    ok(s);
    n = 0;
    for (int i = 0; i < JSON_PARSE_DEPTH_MAX + 1; i++)
        s[n++] = '[';
    for (int i = 0; i < JSON_PARSE_DEPTH_MAX + 1; i++)
        s[n++] = ']';
    s[n] = 0;
    assert_int_equal(parse(s), -1);
    assert_true(d.err_limit);
    assert_string_equal(d.err, "nested too deeply");

    /* exactly CAP tokens: an array and CAP - 1 numbers */
    n = 0;
    s[n++] = '[';
    for (int i = 0; i < CAP - 1; i++) {
        s[n++] = '1';
        s[n++] = ',';
    }
    s[n - 1] = ']';
    s[n] = 0;
    ok(s);
    assert_int_equal(d.ntoks, CAP);
    s[n - 1] = ',';
    s[n++] = '2';
    s[n++] = ']';
    s[n] = 0;
    assert_int_equal(parse(s), -1);
    assert_true(d.err_limit);

    /* a deep unterminated text is refused without reading past its end */
    char *deep = malloc(100000);
    memset(deep, '[', 100000);
    assert_int_equal(json_parse(&d, deep, 100000, toks, CAP), -1);
    assert_true(d.err_limit);
    memset(deep, ' ', 100000);
    deep[0] = '"';
    assert_int_equal(json_parse(&d, deep, 100000, toks, CAP), -1);
    assert_string_equal(d.err, "unterminated string");
    assert_int_equal(json_parse(&d, deep, JSON_PARSE_TEXT_MAX + 1, toks, CAP), -1);
    free(deep);
}

static void test_strings(void **st)
{
    (void)st;
    char out[16];
    ok("\"a\\nb\\u00e9\\uD83D\\uDE00\\/\"");
    assert_int_equal(json_tok_str(&d, 0, out, sizeof(out)), 10);
    assert_memory_equal(out, "a\nb\xc3\xa9\xf0\x9f\x98\x80/", 11);
    assert_int_equal(json_tok_str(&d, 0, out, 10), -1);   /* 10 bytes need 11 */
    assert_int_equal(json_tok_str(&d, 0, out, 11), 10);
    ok("\"x\\u0000y\"");
    assert_int_equal(json_tok_str(&d, 0, out, sizeof(out)), -2);
    ok("\"\\u20ac\"");
    assert_int_equal(json_tok_str(&d, 0, out, sizeof(out)), 3);
    assert_string_equal(out, "\xe2\x82\xac");
    ok("12");
    assert_int_equal(json_tok_str(&d, 0, out, sizeof(out)), -3);
    ok("\"na\\u006De\"");
    assert_true(json_tok_eq(&d, 0, "name"));
    assert_false(json_tok_eq(&d, 0, "nam"));
    assert_false(json_tok_eq(&d, 0, "names"));
    ok("\"\"");
    assert_true(json_tok_eq(&d, 0, ""));
    assert_int_equal(json_tok_str(&d, 0, out, 1), 0);
}

static void test_members_and_ints(void **st)
{
    (void)st;
    int64_t v;
    ok("{\"a\":[1,2,{\"b\":3}],\"b\":-9223372036854775808,\"c\":9223372036854775807,"
       "\"d\":9223372036854775808,\"e\":1.0,\"f\":\"7\"}");
    int a = json_obj_get(&d, 0, "a");
    assert_int_equal(a, 2);
    assert_int_equal(toks[a].type, JSON_ARRAY);
    /* "b" inside the array is not a member of the top object */
    int b = json_obj_get(&d, 0, "b");
    assert_int_equal(toks[b].type, JSON_NUMBER);
    assert_int_equal(json_tok_int(&d, (unsigned)b, &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(json_tok_int(&d, (unsigned)json_obj_get(&d, 0, "c"), &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(json_tok_int(&d, (unsigned)json_obj_get(&d, 0, "d"), &v), -1);
    assert_int_equal(json_tok_int(&d, (unsigned)json_obj_get(&d, 0, "e"), &v), -1);
    assert_int_equal(json_tok_int(&d, (unsigned)json_obj_get(&d, 0, "f"), &v), -1);
    assert_int_equal(json_obj_get(&d, 0, "zz"), -1);
    assert_int_equal(json_obj_get(&d, (unsigned)a, "b"), -1);   /* not an object */
    /* iteration over the array */
    unsigned e = json_child((unsigned)a);
    int64_t want[] = { 1, 2 };
    for (int k = 0; k < 2; k++, e = json_next(&d, e)) {
        assert_int_equal(json_tok_int(&d, e, &v), 0);
        assert_true(v == want[k]);
    }
    assert_int_equal(toks[e].type, JSON_OBJECT);
    assert_int_equal(json_next(&d, e), (unsigned)json_obj_get(&d, 0, "b") - 1);
    assert_string_equal(json_type_name(JSON_TRUE), "boolean");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_members_and_ints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
