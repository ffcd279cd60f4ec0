/* Query parameters (route_query_u64 in kernel/mgmt/router.c): present,
 * absent, among others, malformed, at the edge of the range; and the
 * raw writer json_raw that /metrics uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/router.h"

static int q(const char *query, const char *key, uint64_t *v)
{
    static struct http_request req;
    memset(&req, 0, sizeof(req));
    req.query = (struct http_str){ query, strlen(query) };
    struct http_ctx cx = { .req = &req };
    *v = 12345;
    return route_query_u64(&cx, key, v);
}

static void test_query(void **st)
{
    (void)st;
    uint64_t v;
    assert_int_equal(q("", "offset", &v), 0);
    assert_int_equal(q("offset=42", "offset", &v), 1);
    assert_int_equal(v, 42);
    assert_int_equal(q("max=3&offset=0", "offset", &v), 1);
    assert_int_equal(v, 0);
    assert_int_equal(q("max=3&offset=7", "max", &v), 1);
    assert_int_equal(v, 3);
    assert_int_equal(q("offsetx=1&xoffset=2", "offset", &v), 0);
    assert_int_equal(q("offset", "offset", &v), 0);       /* no '=': not this parameter */
    assert_int_equal(q("offset=", "offset", &v), -1);
    assert_int_equal(q("offset=-1", "offset", &v), -1);
    assert_int_equal(q("offset=1x", "offset", &v), -1);
    assert_int_equal(q("offset=%31", "offset", &v), -1);
    assert_int_equal(q("offset=9223372036854775807", "offset", &v), 1);
    assert_true(v == 9223372036854775807ull);
    assert_int_equal(q("offset=99999999999999999999", "offset", &v), -1);
    assert_int_equal(q("a=1&&offset=5&", "offset", &v), 1);
    assert_int_equal(v, 5);
}

static void test_raw(void **st)
{
    (void)st;
    char buf[16];
    struct json_out j;
    json_init(&j, buf, sizeof(buf));
    json_raw(&j, "a 1\n", 4);
    json_raw(&j, "b 2\n", 4);
    assert_string_equal(buf, "a 1\nb 2\n");
    json_raw(&j, "0123456789", 10);
    assert_true(j.overflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
