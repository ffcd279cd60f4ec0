/* Host tests for HV.CFG's network keys (kernel/lib/hvcfg.c): net.mode,
 * net.address, net.gateway, net.dns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/hvcfg.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

struct warnings {
    int n;
    unsigned line[8];
    char msg[8][HVCFG_MSG_MAX];
};

static void collect(void *ctx, unsigned line, const char *msg)
{
    struct warnings *w = ctx;
    if (w->n < 8) {
        w->line[w->n] = line;
        snprintf(w->msg[w->n], HVCFG_MSG_MAX, "%s", msg);
    }
    w->n++;
}

/* Parses exactly strlen(text) bytes from a heap copy, so ASan sees overreads. */
static int parse(const char *text, struct hv_config *c, struct warnings *w)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(w, 0, sizeof *w);
    memset(c, 0xAA, sizeof *c);
    int r = hvcfg_parse(copy, len, c, collect, w);
    free(copy);
    return r;
}

static void test_defaults(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse("", &c, &w), 0);
    assert_int_equal(c.net_mode, HVCFG_NET_DHCP);
    assert_int_equal(c.net_address, 0);
    assert_int_equal(c.net_prefix, 0);
    assert_int_equal(c.net_gateway, 0);
    assert_int_equal(c.net_dns, 0);
}

static void test_static(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse("net.mode = static\r\nnet.address = 192.168.1.20/24\n"
                           "net.gateway = 192.168.1.1\nnet.dns=9.9.9.9  # quad9\n", &c, &w), 0);
    assert_int_equal(c.net_mode, HVCFG_NET_STATIC);
    assert_int_equal(c.net_address, IP(192, 168, 1, 20));
    assert_int_equal(c.net_prefix, 24);
    assert_int_equal(c.net_gateway, IP(192, 168, 1, 1));
    assert_int_equal(c.net_dns, IP(9, 9, 9, 9));
}

static void test_prefix_bounds(void **state)
{
    (void)state;
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse("net.address = 10.0.0.1/32\n", &c, &w), 0);
    assert_int_equal(c.net_prefix, 32);
    assert_int_equal(parse("net.address = 10.0.0.1/1\n", &c, &w), 0);
    assert_int_equal(c.net_prefix, 1);
}

/* Each bad value: one warning on its line naming the key; the default stays. */
static void test_bad_values(void **state)
{
    (void)state;
    static const char *const bad_address[] = {
        "10.0.2.300/24", "10.0.2.15", "10.0.2.15/", "10.0.2.15/33", "10.0.2.15/0",
        "10.0.2/24", "10.0.2.15.1/24", "0.0.0.0/8", "224.0.0.1/4", "10.0.2.15/2x",
        "10.0.2.15/024", "a.b.c.d/24", "0010.0.2.15/24", "", "10.0.2.15/24 x",
    };
    for (size_t i = 0; i < sizeof bad_address / sizeof bad_address[0]; i++) {
        char text[96];
        struct hv_config c;
        struct warnings w;
        snprintf(text, sizeof text, "net.mode = static\nnet.address = %s\n", bad_address[i]);
        assert_int_equal(parse(text, &c, &w), 1);
        assert_int_equal(w.line[0], 2);
        assert_non_null(strstr(w.msg[0], "net.address"));
        assert_int_equal(c.net_address, 0);
        assert_int_equal(c.net_mode, HVCFG_NET_STATIC);
    }
    static const char *const bad_ip[] = { "1.2.3", "1.2.3.4.5", "256.1.1.1", "0.0.0.0", "1.2.3.4/8", "" };
    for (size_t i = 0; i < sizeof bad_ip / sizeof bad_ip[0]; i++) {
        char text[96];
        struct hv_config c;
        struct warnings w;
        snprintf(text, sizeof text, "net.gateway = %s\nnet.dns = %s\n", bad_ip[i], bad_ip[i]);
        assert_int_equal(parse(text, &c, &w), 2);
        assert_int_equal(w.line[0], 1);
        assert_int_equal(w.line[1], 2);
        assert_int_equal(c.net_gateway, 0);
        assert_int_equal(c.net_dns, 0);
    }
    struct hv_config c;
    struct warnings w;
    assert_int_equal(parse("net.mode = manual\n", &c, &w), 1);
    assert_non_null(strstr(w.msg[0], "dhcp or static"));
    assert_int_equal(c.net_mode, HVCFG_NET_DHCP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_static),
        cmocka_unit_test(test_prefix_bounds),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
