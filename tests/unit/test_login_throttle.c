/* The per-client login throttle (kernel/mgmt/login_throttle.c): a client
 * is locked after 5 failures within 60 s and only that client; the lock
 * lasts 30 s; slow failures never lock; the global backstop; the table
 * forgets the least recently seen unlocked client first; peer keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/login_throttle.h"

static struct login_throttle t;

static void reset(void)
{
    memset(&t, 0, sizeof(t));
}

static void test_keys(void **st)
{
    (void)st;
    char k[THROTTLE_KEY_MAX];
    throttle_key("10.0.2.2:5123", k);
    assert_string_equal(k, "10.0.2.2");
    throttle_key("[fe80::1]:80", k);
    assert_string_equal(k, "fe80::1");
    throttle_key("10.0.2.2", k);
    assert_string_equal(k, "10.0.2.2");
    throttle_key("", k);
    assert_string_equal(k, "");
}

static void test_per_client(void **st)
{
    (void)st;
    reset();
    uint64_t now = 1000;
    for (int i = 0; i < AUTH_FAILS_MAX - 1; i++) {
        assert_int_equal(throttle_wait(&t, "10.0.0.1:1000", now), 0);
        assert_int_equal(throttle_fail(&t, "10.0.0.1:1000", now), 0);
        now += 1000;
    }
    /* another port of the same address counts for the same client */
    assert_int_equal(throttle_fail(&t, "10.0.0.1:2000", now), 1);
    assert_int_equal(throttle_wait(&t, "10.0.0.1:3000", now), AUTH_LOCKOUT_MS);
    assert_int_equal(throttle_wait(&t, "10.0.0.1:3000", now + 1000), AUTH_LOCKOUT_MS - 1000);
    /* someone else is not affected */
    assert_int_equal(throttle_wait(&t, "10.0.0.2:1000", now), 0);
    /* after the lockout: a fresh window */
    now += AUTH_LOCKOUT_MS;
    assert_int_equal(throttle_wait(&t, "10.0.0.1:3000", now), 0);
    assert_int_equal(throttle_fail(&t, "10.0.0.1:3000", now), 0);
}

static void test_slow_failures(void **st)
{
    (void)st;
    reset();
    uint64_t now = 5000;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(throttle_fail(&t, "10.0.0.9:1", now), 0);
        now += AUTH_FAILS_WINDOW_MS / (AUTH_FAILS_MAX - 1) + 1;
    }
    assert_int_equal(throttle_wait(&t, "10.0.0.9:1", now), 0);
}

static void test_global(void **st)
{
    (void)st;
    reset();
    uint64_t now = 1000;
    char peer[32];
    int r = 0;
    for (int i = 0; i < THROTTLE_GLOBAL_FAILS; i++) {
        snprintf(peer, sizeof(peer), "10.1.%d.%d:9", i / 200, i % 200);
        r = throttle_fail(&t, peer, now++);
        if (i < THROTTLE_GLOBAL_FAILS - 1)
            assert_int_equal(r, 0);
    }
    assert_int_equal(r, 2);
    assert_true(throttle_wait(&t, "192.168.7.7:1", now) > 0);
    assert_int_equal(throttle_wait(&t, "192.168.7.7:1", now + AUTH_LOCKOUT_MS), 0);
}

static void test_table_full(void **st)
{
    (void)st;
    reset();
    uint64_t now = 1000;
    /* client 0 gets locked; then many others come by once each */
    for (int i = 0; i < AUTH_FAILS_MAX; i++)
        throttle_fail(&t, "10.9.9.9:1", now++);
    assert_true(throttle_wait(&t, "10.9.9.9:1", now) > 0);
    char peer[32];
    for (int i = 0; i < THROTTLE_CLIENTS * 3; i++) {
        snprintf(peer, sizeof(peer), "10.2.0.%d:1", i);
        now += AUTH_FAILS_WINDOW_MS;       /* slow enough for the global ring */
        if (now > 1000 + AUTH_LOCKOUT_MS)
            break;
        throttle_fail(&t, peer, now);
    }
    /* the locked client was never the one forgotten while it was locked */
    now = 1000 + AUTH_FAILS_MAX;
    for (int i = 0; i < THROTTLE_CLIENTS * 2; i++) {
        snprintf(peer, sizeof(peer), "10.3.0.%d:1", i);
        throttle_fail(&t, peer, now);
        now += 1;
        if (i % 20 == 19)
            now += AUTH_FAILS_WINDOW_MS / 2;   /* keep under the global limit */
        if (now >= 1000 + AUTH_LOCKOUT_MS)
            break;
        assert_true(throttle_wait(&t, "10.9.9.9:1", now) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_per_client),
        cmocka_unit_test(test_slow_failures),
        cmocka_unit_test(test_global),
        cmocka_unit_test(test_table_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
