/* PS/2 mouse packet decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "dev/mouse_packet.h"

static int feed(struct mouse_decoder *d, const uint8_t *b, int n, struct mouse_motion *last)
{
    int packets = 0;
    for (int i = 0; i < n; i++)
        if (mouse_decode(d, b[i], last))
            packets++;
    return packets;
}

#define FEED(d, m, ...) feed(d, (const uint8_t[]){ __VA_ARGS__ }, \
                             sizeof((const uint8_t[]){ __VA_ARGS__ }), m)

static void test_positive_motion(void **state)
{
    (void)state;
    struct mouse_decoder d = { 0 };
    struct mouse_motion m;
    assert_int_equal(FEED(&d, &m, 0x08, 5, 3), 1);
    assert_int_equal(m.dx, 5);
    assert_int_equal(m.dy, -3);          /* PS/2 up is screen up */
    assert_int_equal(m.buttons, 0);
}

static void test_negative_motion_and_buttons(void **state)
{
    (void)state;
    struct mouse_decoder d = { 0 };
    struct mouse_motion m;
    /* left+right held, X = -1, Y = -256 */
    assert_int_equal(FEED(&d, &m, 0x08 | 0x10 | 0x20 | 0x03, 0xFF, 0x00), 1);
    assert_int_equal(m.dx, -1);
    assert_int_equal(m.dy, 256);
    assert_int_equal(m.buttons, MOUSE_LEFT | MOUSE_RIGHT);
    assert_int_equal(FEED(&d, &m, 0x0C, 0, 0), 1);
    assert_int_equal(m.buttons, MOUSE_MIDDLE);
}

static void test_overflow_keeps_buttons(void **state)
{
    (void)state;
    struct mouse_decoder d = { 0 };
    struct mouse_motion m;
    assert_int_equal(FEED(&d, &m, 0x08 | 0x40 | 0x01, 0x7F, 0x10), 1);
    assert_int_equal(m.dx, 0);
    assert_int_equal(m.dy, 0);
    assert_int_equal(m.buttons, MOUSE_LEFT);
}

static void test_resync_drops_bad_first_bytes(void **state)
{
    (void)state;
    struct mouse_decoder d = { 0 };
    struct mouse_motion m;
    /* ACK from the enable command, then a stray byte with bit 3 clear */
    assert_int_equal(FEED(&d, &m, 0xFA, 0x01, 0x08, 2, 2), 1);
    assert_int_equal(m.dx, 2);
    assert_int_equal(m.dy, -2);
}

static void test_many_packets(void **state)
{
    (void)state;
    struct mouse_decoder d = { 0 };
    struct mouse_motion m;
    assert_int_equal(FEED(&d, &m, 0x08, 1, 0, 0x08, 2, 0, 0x18, 0xFE, 0), 3);
    assert_int_equal(m.dx, -2);
    /* a half packet stays pending */
    assert_int_equal(FEED(&d, &m, 0x08, 1), 0);
    assert_int_equal(FEED(&d, &m, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positive_motion),
        cmocka_unit_test(test_negative_motion_and_buttons),
        cmocka_unit_test(test_overflow_keeps_buttons),
        cmocka_unit_test(test_resync_drops_bad_first_bytes),
        cmocka_unit_test(test_many_packets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
