/* The router (kernel/mgmt/router.c) with the response and JSON helpers it
 * uses: matching and {name} parameters, 404, 405 with Allow, HEAD, the
 * middleware seam, and the JSON error format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/router.h"

static char called[64];
static char param[64];

static void h_host(struct http_ctx *cx)
{
    strcpy(called, "host");
    json_obj_begin(&cx->resp->body);
    json_key(&cx->resp->body, "ok");
    json_bool(&cx->resp->body, true);
    json_obj_end(&cx->resp->body);
}

static void h_vm(struct http_ctx *cx)
{
    const struct http_str *n = route_param(cx, "name");
    strcpy(called, "vm");
    snprintf(param, sizeof(param), "%.*s", (int)n->n, n->p);
}

static void h_start(struct http_ctx *cx)
{
    const struct http_str *n = route_param(cx, "name");
    strcpy(called, "start");
    snprintf(param, sizeof(param), "%.*s", (int)n->n, n->p);
    assert_null(route_param(cx, "other"));
}

static void h_list(struct http_ctx *cx) { (void)cx; strcpy(called, "list"); }
static void h_create(struct http_ctx *cx) { (void)cx; strcpy(called, "create"); }
static void h_root(struct http_ctx *cx) { (void)cx; strcpy(called, "root"); }

static const struct route routes[] = {
    { "GET", "/", h_root },
    { "GET", "/api/v1/host", h_host },
    { "GET", "/api/v1/vms", h_list },
    { "POST", "/api/v1/vms", h_create },
    { "GET", "/api/v1/vms/{name}", h_vm },
    { "POST", "/api/v1/vms/{name}/start", h_start },
};

static struct router router = { routes, sizeof(routes) / sizeof(routes[0]), NULL };
static char body[512];
static struct http_response resp;

static void dispatch(const char *method, const char *path)
{
    static struct http_request req;
    memset(&req, 0, sizeof(req));
    snprintf(req.method, sizeof(req.method), "%s", method);
    req.path = (struct http_str){ path, strlen(path) };
    http_resp_init(&resp, body, sizeof(body));
    struct http_ctx cx = { .req = &req, .resp = &resp };
    called[0] = param[0] = 0;
    router_dispatch(&router, &cx);
}

static void matches(void **state)
{
    (void)state;
    dispatch("GET", "/");
    assert_string_equal(called, "root");
    dispatch("GET", "/api/v1/host");
    assert_string_equal(called, "host");
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.body.buf, "{\"ok\":true}");
    dispatch("GET", "/api/v1/vms");
    assert_string_equal(called, "list");
    dispatch("POST", "/api/v1/vms");
    assert_string_equal(called, "create");
    dispatch("GET", "/api/v1/vms/hello");
    assert_string_equal(called, "vm");
    assert_string_equal(param, "hello");
    dispatch("POST", "/api/v1/vms/spin-2/start");
    assert_string_equal(called, "start");
    assert_string_equal(param, "spin-2");
    dispatch("HEAD", "/api/v1/host");
    assert_string_equal(called, "host");
}

static void not_found(void **state)
{
    (void)state;
    const char *paths[] = { "/api", "/api/v1/host/", "/api/v1/hostx", "/api/v1/vms//start",
                            "/api/v1/vms/a/b", "/api/v1/vms/a/start/x", "//", "/api/v1/vms/" };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        dispatch("GET", paths[i]);
        assert_string_equal(called, "");
        if (resp.status != 404)
            fail_msg("%s: status %d", paths[i], resp.status);
    }
    dispatch("GET", "/nope");
    assert_string_equal(resp.body.buf,
                        "{\"error\":{\"code\":404,\"message\":\"no such endpoint: /nope\"}}");
    assert_string_equal(resp.content_type, "application/json");
}

static void method_not_allowed(void **state)
{
    (void)state;
    dispatch("DELETE", "/api/v1/host");
    assert_int_equal(resp.status, 405);
    assert_string_equal(resp.allow, "GET, HEAD");
    assert_string_equal(called, "");
    dispatch("PUT", "/api/v1/vms");
    assert_int_equal(resp.status, 405);
    assert_string_equal(resp.allow, "GET, HEAD, POST");
    assert_non_null(strstr(resp.body.buf, "\"code\":405"));
    assert_non_null(strstr(resp.body.buf, "method PUT not allowed here; allowed: GET, HEAD, POST"));
    dispatch("GET", "/api/v1/vms/x/start");
    assert_int_equal(resp.status, 405);
    assert_string_equal(resp.allow, "POST");
    /* Methods are case-sensitive (RFC 9110 9.1). */
    dispatch("get", "/api/v1/host");
    assert_int_equal(resp.status, 405);
}

static bool deny_vms(struct http_ctx *cx, const struct route *rt)
{
    if (strncmp(rt->pattern, "/api/v1/vms", 11) != 0)
        return true;
    http_resp_error(cx->resp, 401, "authentication required", NULL, 0);
    return false;
}

static void middleware(void **state)
{
    (void)state;
    router.before = deny_vms;
    dispatch("GET", "/api/v1/vms/hello");
    assert_int_equal(resp.status, 401);
    assert_string_equal(called, "");
    dispatch("GET", "/api/v1/host");
    assert_string_equal(called, "host");
    /* Unknown paths stay 404 without reaching the middleware. */
    dispatch("GET", "/api/v1/vmsx");
    assert_int_equal(resp.status, 404);
    router.before = NULL;
}

static void json_writer(void **state)
{
    (void)state;
    char buf[256];
    struct json_out j;
    json_init(&j, buf, sizeof(buf));
    json_obj_begin(&j);
    json_key(&j, "s");
    json_str(&j, "a\"b\\c\n\x01");
    json_key(&j, "n");
    json_i64(&j, -42);
    json_key(&j, "u");
    json_u64(&j, 18446744073709551615ull);
    json_key(&j, "a");
    json_arr_begin(&j);
    json_u64(&j, 1);
    json_null(&j);
    json_obj_begin(&j);
    json_obj_end(&j);
    json_arr_end(&j);
    json_key(&j, "z");
    json_str(&j, NULL);
    json_obj_end(&j);
    assert_false(j.overflow);
    assert_string_equal(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":-42,\"u\":18446744073709551615,"
                             "\"a\":[1,null,{}],\"z\":null}");
    json_init(&j, buf, 8);
    json_str(&j, "0123456789");
    assert_true(j.overflow);
}

static void head(void **state)
{
    (void)state;
    char out[512];
    http_resp_init(&resp, body, sizeof(body));
    http_resp_error(&resp, 405, "no", NULL, 0);
    strcpy(resp.allow, "GET");
    size_t n = http_resp_head(&resp, true, "hv/0.1", out, sizeof(out));
    assert_true(n > 0);
    assert_string_equal(out, "HTTP/1.1 405 Method Not Allowed\r\nServer: hv/0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: 37\r\n"
                             "Cache-Control: no-store\r\nAllow: GET\r\nConnection: keep-alive\r\n\r\n");
    assert_string_equal(resp.body.buf, "{\"error\":{\"code\":405,\"message\":\"no\"}}");
    resp.close = true;
    http_resp_head(&resp, true, "hv", out, sizeof(out));
    assert_non_null(strstr(out, "Connection: close\r\n"));
    assert_int_equal(http_resp_head(&resp, true, "hv", out, 20), 0);
    http_resp_text(&resp, 200, "hv 0.1 on hv\n");
    assert_int_equal(resp.body.len, 13);
    assert_string_equal(resp.content_type, "text/plain; charset=utf-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches),
        cmocka_unit_test(not_found),
        cmocka_unit_test(method_not_allowed),
        cmocka_unit_test(middleware),
        cmocka_unit_test(json_writer),
        cmocka_unit_test(head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
