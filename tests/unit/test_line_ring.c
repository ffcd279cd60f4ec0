/* The line ring (kernel/mgmt/line_ring.c) under the audit log: appending
 * keeps the newest whole lines, never part of one; an older text merged in
 * front keeps its newest whole lines that fit; a last line without '\n'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mgmt/line_ring.h"

static char buf[16];
static struct line_ring r;

static void reset(void)
{
    memset(buf, '#', sizeof(buf));
    r = (struct line_ring){ buf, sizeof(buf), 0 };
}

static void is(const char *want)
{
    if (r.len != strlen(want) || memcmp(buf, want, r.len) != 0)
        fail_msg("ring holds \"%.*s\", expected \"%s\"", (int)r.len, buf, want);
}

static void add(const char *s)
{
    assert_int_equal(line_ring_append(&r, s, strlen(s)), 0);
}

static void test_append(void **st)
{
    (void)st;
    reset();
    add("aaa\n");
    add("bbbb\n");
    add("cc\n");
    is("aaa\nbbbb\ncc\n");          /* 12 of 16 */
    add("dddd\n");                  /* 17: "aaa\n" goes */
    is("bbbb\ncc\ndddd\n");
    add("e\n");
    is("bbbb\ncc\ndddd\ne\n");      /* exactly 16 */
    add("f\n");                     /* "bbbb\n" goes whole, not just 2 bytes */
    is("cc\ndddd\ne\nf\n");
    add("0123456789abcde\n");       /* a line of exactly cap: everything else goes */
    is("0123456789abcde\n");
    assert_int_equal(line_ring_append(&r, "0123456789abcdef\n", 17), -1);
    is("0123456789abcde\n");        /* unchanged */
}

static void test_prepend(void **st)
{
    (void)st;
    char old[64];
    reset();
    add("new\n");
    strcpy(old, "o1\no2\no3\n");
    line_ring_prepend(&r, old, strlen(old));
    is("o1\no2\no3\nnew\n");        /* 13 of 16 */

    reset();
    add("new line\n");              /* 9: 7 left */
    strcpy(old, "first\nsecond\nthird\n");
    line_ring_prepend(&r, old, strlen(old));
    is("third\nnew line\n");        /* only the newest whole old line that fits */

    reset();
    add("n\n");
    strcpy(old, "x\ntorn");         /* a last line without its newline */
    line_ring_prepend(&r, old, strlen(old));
    is("x\ntorn\nn\n");

    reset();
    add("0123456789abcd\n");        /* 15: 1 left, no old line fits */
    strcpy(old, "zz\n");
    line_ring_prepend(&r, old, strlen(old));
    is("0123456789abcd\n");

    reset();
    strcpy(old, "");
    line_ring_prepend(&r, old, 0);
    is("");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_prepend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
