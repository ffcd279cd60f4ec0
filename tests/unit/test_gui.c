/* The GUI's pure layers: rectangles and damage, drawing and text, key
 * parsing, the compositor (z-order, focus, drag, cursor, damage-only
 * flushes) and the widgets, drawn into memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "gui_fake.h"
#include "gui/keys.h"
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "dev/mouse_packet.h"

/* --- rectangles and damage ------------------------------------------------ */

static void test_rect_ops(void **state)
{
    (void)state;
    struct rect a = rect_make(0, 0, 10, 10), b = rect_make(5, 5, 10, 10);
    struct rect i = rect_intersect(a, b), u = rect_union(a, b);
    assert_int_equal(i.x, 5); assert_int_equal(i.w, 5); assert_int_equal(i.h, 5);
    assert_int_equal(u.w, 15); assert_int_equal(u.h, 15);
    assert_true(rect_empty(rect_intersect(a, rect_make(10, 0, 5, 5))));
    assert_true(rect_contains(a, 9, 9));
    assert_false(rect_contains(a, 10, 9));
}

static void test_damage_covers_and_merges(void **state)
{
    (void)state;
    struct damage d = { 0 };
    struct rect scr = rect_make(0, 0, 1000, 1000);
    damage_add(&d, rect_make(10, 10, 20, 20), scr);
    damage_add(&d, rect_make(12, 12, 5, 5), scr);        /* inside: nothing new */
    assert_int_equal(d.n, 1);
    damage_add(&d, rect_make(0, 0, 100, 100), scr);      /* covers it: replaces */
    assert_int_equal(d.n, 1);
    damage_add(&d, rect_make(-50, -50, 10, 10), scr);    /* off screen */
    assert_int_equal(d.n, 1);
    for (int k = 0; k < 40; k++)
        damage_add(&d, rect_make(200 + 20 * k, 5 * k, 4, 4), scr);
    assert_true(d.n <= DAMAGE_MAX);
    /* every pixel asked for is still covered */
    for (int k = 0; k < 40; k++) {
        int covered = 0;
        for (int j = 0; j < d.n; j++)
            covered |= rect_contains(d.r[j], 200 + 20 * k, 5 * k);
        assert_true(covered);
    }
}

/* --- drawing ---------------------------------------------------------------- */

static void test_fill_clips_and_text_draws(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(64, 48);     /* sets up the fake font */
    uint32_t px[32 * 20];
    memset(px, 0, sizeof(px));
    struct canvas c = { px, 32, 20, 32 };
    gfx_fill(&c, rect_make(-5, -5, 10, 10), 7);
    assert_int_equal(px[0], 7);
    assert_int_equal(px[4 * 32 + 4], 7);
    assert_int_equal(px[5 * 32 + 5], 0);
    memset(px, 0, sizeof(px));
    gfx_text(&c, &fake_face, 2, 1, "A B", 9);
    assert_int_equal(px[1 * 32 + 2], 9);          /* A's block */
    assert_int_equal(px[16 * 32 + 9], 9);
    assert_int_equal(px[1 * 32 + 12], 0);         /* the space */
    assert_int_equal(px[1 * 32 + 18], 9);         /* B */
    assert_int_equal(px[17 * 32 + 2], 0);         /* below the glyph */
    assert_int_equal(face_width(&fake_big, "ab"), 32);
    struct canvas sub = canvas_sub(&c, rect_make(30, 18, 10, 10));
    assert_int_equal(sub.w, 2);
    assert_int_equal(sub.h, 2);
    fake_wm_free(wm);
}

/* --- keys ------------------------------------------------------------------- */

static int keys_of(const char *bytes, int *out)
{
    struct keyparse kp = { 0 };
    int n = 0;
    for (const char *p = bytes; *p; p++)
        n += keyparse_feed(&kp, (unsigned char)*p, out + n);
    int k = keyparse_idle(&kp);
    if (k)
        out[n++] = k;
    return n;
}

static void test_keyparse(void **state)
{
    (void)state;
    int k[16];
    assert_int_equal(keys_of("a\t\n\b", k), 4);
    assert_int_equal(k[0], 'a'); assert_int_equal(k[1], KEY_TAB);
    assert_int_equal(k[2], KEY_ENTER); assert_int_equal(k[3], KEY_BACKSPACE);
    assert_int_equal(keys_of("\x1b[A\x1b[B\x1b[3~", k), 3);
    assert_int_equal(k[0], KEY_UP); assert_int_equal(k[1], KEY_DOWN);
    assert_int_equal(k[2], KEY_DELETE);
    assert_int_equal(keys_of("\x1b", k), 1);
    assert_int_equal(k[0], KEY_ESC);
    assert_int_equal(keys_of("\x1bx", k), 2);      /* Esc, then x */
    assert_int_equal(k[0], KEY_ESC); assert_int_equal(k[1], 'x');
    assert_int_equal(keys_of("\x1b[Z", k), 0);      /* unknown: dropped */
    assert_int_equal(keys_of("\x1b[5~\x1b[6~", k), 2);
    assert_int_equal(k[0], KEY_PGUP); assert_int_equal(k[1], KEY_PGDN);
    assert_string_equal(key_name(KEY_PGUP), "pgup");
}

/* --- the compositor --------------------------------------------------------- */

enum { ID_NAME = 1, ID_PASS, ID_LIST, ID_CHECK, ID_OK, ID_CANCEL, ID_BAR };

static int actions[8];
static void on_action(struct window *win, struct widget *w, void *ctx)
{
    (void)win; (void)ctx;
    if (w->id >= 0 && w->id < 8)
        actions[w->id]++;
}

static struct window *form(struct wm *wm)
{
    memset(actions, 0, sizeof(actions));
    struct window *win = wm_open(wm, rect_make(40, 40, 300, 220), "Form");
    assert_non_null(win);
    win->on_action = on_action;
    win_add(win, WK_LABEL, 0, rect_make(8, 4, 200, 18), "Name:");
    struct widget *name = win_add(win, WK_TEXT, ID_NAME, rect_make(8, 24, 200, 24), "");
    strcpy(name->name, "name");
    struct widget *pass = win_add(win, WK_TEXT, ID_PASS, rect_make(8, 52, 200, 24), "");
    pass->password = true;
    strcpy(pass->name, "password");
    struct widget *l = win_add(win, WK_LIST, ID_LIST, rect_make(8, 80, 200, 44), "");
    strcpy(l->name, "disks");
    l->count = 3;
    strcpy(l->items[0], "one"); strcpy(l->items[1], "two"); strcpy(l->items[2], "three");
    l->value = 0;
    win_add(win, WK_CHECK, ID_CHECK, rect_make(8, 128, 200, 20), "DHCP");
    win_add(win, WK_BUTTON, ID_CANCEL, rect_make(8, 156, 80, 28), "Back");
    win_add(win, WK_BUTTON, ID_OK, rect_make(100, 156, 80, 28), "Next");
    win->default_id = ID_OK;
    win->cancel_id = ID_CANCEL;
    return win;
}

static void test_compose_first_frame_and_title(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    form(wm);
    assert_true(wm_compose(wm));
    assert_int_equal(fake_px(100, 10), TH_BAR);            /* the desktop's top bar */
    assert_int_equal(fake_px(5, 200), TH_DESKTOP);
    assert_int_equal(fake_px(40 + 150, 40 + 3), TH_TITLE);    /* focused title bar */
    assert_int_equal(fake_px(40 + 10, 40 + 10), TH_TITLE_TEXT);   /* "Form" */
    assert_int_equal(fake_px(40, 40), TH_BORDER);
    assert_true(fake_log_has("ui: window=Form"));
    /* nothing changed: nothing flushed */
    fake_reset();
    assert_false(wm_compose(wm));
    assert_int_equal(fake_flushes, 0);
    fake_wm_free(wm);
}

static void test_cursor_moves_flush_only_its_damage(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    form(wm);
    wm_compose(wm);
    fake_reset();
    wm_mouse(wm, -1000, -1000, 0);
    wm_mouse(wm, 5, 250, 0);
    assert_int_equal(wm->mx, 5);
    assert_int_equal(wm->my, 250);
    assert_true(wm_compose(wm));
    assert_true(fake_flushed_px <= 3 * 12 * 19);
    assert_int_equal(fake_px(5, 250), 0);                  /* outline black */
    assert_int_equal(fake_px(6, 252), 0xFFFFFF);           /* fill white */
    assert_int_equal(fake_px(200, 20), TH_BAR);            /* old place repainted */
    fake_wm_free(wm);
}

static void test_tab_focus_and_typing(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *win = form(wm);
    wm_key(wm, KEY_TAB);
    assert_true(fake_log_has("ui: focus=text:name"));
    wm_key(wm, 'h'); wm_key(wm, 'x'); wm_key(wm, KEY_BACKSPACE); wm_key(wm, 'v');
    assert_string_equal(win_find(win, ID_NAME)->text, "hv");
    wm_key(wm, KEY_TAB);
    assert_true(fake_log_has("ui: focus=text:password"));
    wm_key(wm, 's'); wm_key(wm, 'e');
    wm_compose(wm);
    /* the password shows stars, which in the fake font are solid too, but
     * its text is kept */
    assert_string_equal(win_find(win, ID_PASS)->text, "se");
    wm_key(wm, KEY_TAB);
    assert_true(fake_log_has("ui: focus=list:disks"));
    wm_key(wm, KEY_DOWN);
    assert_true(fake_log_has("ui: select=two"));
    wm_key(wm, KEY_DOWN); wm_key(wm, KEY_DOWN);
    assert_int_equal(win_find(win, ID_LIST)->value, 2);
    wm_key(wm, KEY_TAB);
    wm_key(wm, ' ');
    assert_true(win_find(win, ID_CHECK)->checked);
    assert_true(fake_log_has("ui: press=check:DHCP"));
    wm_key(wm, KEY_ENTER);                                  /* default button */
    assert_int_equal(actions[ID_OK], 1);
    assert_true(fake_log_has("ui: press=button:Next"));
    wm_key(wm, KEY_ESC);
    assert_int_equal(actions[ID_CANCEL], 1);
    /* Tab wraps around past the last widget */
    wm_key(wm, KEY_TAB); wm_key(wm, KEY_TAB); wm_key(wm, KEY_TAB);
    assert_int_equal(win_focused(win)->id, ID_NAME);
    wm_key(wm, KEY_UP);
    assert_int_equal(win_focused(win)->id, ID_OK);
    fake_wm_free(wm);
}

static void mouse_to(struct wm *wm, int x, int y, uint8_t b)
{
    wm_mouse(wm, x - wm->mx, y - wm->my, b);
}

static void test_click_button_and_list(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *win = form(wm);
    struct rect c = win_content(win);
    int bx = win->r.x + c.x + 100 + 40, by = win->r.y + c.y + 156 + 14;
    mouse_to(wm, bx, by, MOUSE_LEFT);
    mouse_to(wm, bx, by, 0);
    assert_int_equal(actions[ID_OK], 1);
    assert_true(fake_log_has("ui: click=button:Next"));
    assert_true(fake_log_has("ui: focus=button:Next"));
    /* second list row */
    mouse_to(wm, win->r.x + c.x + 20, win->r.y + c.y + 80 + 2 + 20 + 5, MOUSE_LEFT);
    mouse_to(wm, wm->mx, wm->my, 0);
    assert_int_equal(win_find(win, ID_LIST)->value, 1);
    fake_wm_free(wm);
}

/* Radio buttons: one checked per group, by click or Space; other groups
 * keep theirs; the mark is painted. */
static void test_radio_groups(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    memset(actions, 0, sizeof(actions));
    struct window *win = wm_open(wm, rect_make(20, 20, 300, 200), "Radios");
    win->on_action = on_action;
    struct widget *a = win_add(win, WK_RADIO, 1, rect_make(8, 8, 200, 22), "US");
    struct widget *b = win_add(win, WK_RADIO, 2, rect_make(8, 32, 200, 22), "ABNT2");
    struct widget *x = win_add(win, WK_RADIO, 3, rect_make(8, 60, 200, 22), "On");
    a->value = b->value = 1;
    x->value = 2;
    a->checked = x->checked = true;
    wm_compose(wm);
    assert_true(widget_focusable(b));
    struct rect c = win_content(win);
    int bx = win->r.x + c.x + 8 + 10, by = win->r.y + c.y + 32 + 11;
    /* the centre of b's mark, in the window's own buffer (the cursor is
     * drawn over the screen's copy) */
    uint32_t *mark = &win->buf.px[(c.y + 32 + 11) * win->buf.stride + c.x + 8 + 10];
    assert_int_equal(*mark, TH_FIELD);
    mouse_to(wm, bx, by, MOUSE_LEFT);
    mouse_to(wm, bx, by, 0);
    wm_compose(wm);
    assert_true(fake_log_has("ui: click=radio:ABNT2"));
    assert_int_equal(actions[2], 1);
    assert_true(b->checked);
    assert_false(a->checked);
    assert_true(x->checked);                    /* another group */
    assert_int_equal(*mark, TH_TEXT);
    win_focus(win, a);
    wm_key(wm, ' ');
    assert_true(a->checked);
    assert_false(b->checked);
    wm_key(wm, ' ');                            /* again: stays chosen */
    assert_true(a->checked);
    fake_wm_free(wm);
}

static void test_drag_raise_and_zorder(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *a = form(wm);
    struct window *b = wm_open(wm, rect_make(200, 100, 150, 100), "Other");
    wm_compose(wm);
    assert_ptr_equal(wm_top(wm), b);
    assert_int_equal(fake_px(200 + 100, 100 + 5), TH_TITLE);
    assert_int_equal(fake_px(40 + 200, 40 + 3), TH_TITLE_IDLE);
    /* click a's title: raised, focused */
    mouse_to(wm, 60, 45, MOUSE_LEFT);
    assert_ptr_equal(wm_top(wm), a);
    /* drag it by 30, 20 */
    mouse_to(wm, 90, 65, MOUSE_LEFT);
    mouse_to(wm, 90, 65, 0);
    assert_int_equal(a->r.x, 70);
    assert_int_equal(a->r.y, 60);
    assert_true(fake_log_has("ui: moved=70,60"));
    fake_reset();
    wm_compose(wm);
    assert_int_equal(fake_px(70 + 200, 60 + 3), TH_TITLE);
    assert_int_equal(fake_px(45, 45), TH_DESKTOP);         /* where it was */
    assert_true(fake_flushed_px < 400 * 300);
    fake_wm_free(wm);
}

static int closed;
static void on_close(void *ctx)
{
    (void)ctx;
    closed++;
}

static void test_msgbox_is_modal(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *a = form(wm);
    closed = 0;
    struct window *m = msgbox_open(wm, "Error", "The passwords do not match.", on_close, 0);
    assert_non_null(m);
    assert_true(fake_log_has("ui: message=The passwords do not match."));
    assert_true(fake_log_has("ui: focus=button:OK"));
    /* a click on the form's Next does nothing while the box is up */
    struct rect c = win_content(a);
    mouse_to(wm, a->r.x + c.x + 140, a->r.y + c.y + 170, MOUSE_LEFT);
    mouse_to(wm, wm->mx, wm->my, 0);
    assert_int_equal(actions[ID_OK], 0);
    wm_key(wm, 'x');
    assert_int_equal(closed, 0);
    wm_key(wm, KEY_ENTER);
    assert_int_equal(closed, 1);
    assert_ptr_equal(wm_top(wm), a);
    wm_compose(wm);
    /* the form works again */
    mouse_to(wm, a->r.x + c.x + 140, a->r.y + c.y + 170, MOUSE_LEFT);
    assert_int_equal(actions[ID_OK], 1);
    fake_wm_free(wm);
}

static void test_progress_and_full_text(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *win = form(wm);
    struct widget *p = win_add(win, WK_PROGRESS, ID_BAR, rect_make(190, 100, 100, 20), "");
    p->value = 50;
    wm_compose(wm);
    struct rect c = win_content(win);
    int x0 = win->r.x + c.x + 190, y0 = win->r.y + c.y + 100;
    assert_int_equal(fake_px(x0 + 10, y0 + 3), TH_PROGRESS);
    assert_int_equal(fake_px(x0 + 90, y0 + 3), TH_FIELD);
    /* a full text field eats keys and keeps its text */
    struct widget *t = win_find(win, ID_NAME);
    win_focus(win, t);
    for (int i = 0; i < 200; i++)
        wm_key(wm, 'a');
    assert_int_equal((int)strlen(t->text), WIDGET_INPUT_MAX - 1);
    wm_compose(wm);
    fake_wm_free(wm);
}

/* The places of controls are logged only where the desktop asks (not in
 * the installer), and again after a drag. */
static void test_log_buttons(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *win = form(wm);
    win_log_buttons(win);
    assert_null(strstr(fake_log, "ui: at="));
    wm->log_at = true;
    win_log_buttons(win);
    struct rect c = win_content(win);
    char line[64];
    snprintf(line, sizeof(line), "ui: at=button:Next %d,%d", 40 + c.x + 100 + 40,
             40 + c.y + 156 + 14);
    assert_true(fake_log_has(line));
    assert_true(fake_log_has("ui: at=text:name 150,102"));
    assert_null(strstr(fake_log, "at=label"));
    fake_reset();
    mouse_to(wm, 60, 45, MOUSE_LEFT);
    mouse_to(wm, 70, 45, MOUSE_LEFT);
    mouse_to(wm, 70, 45, 0);
    assert_true(fake_log_has("ui: moved=50,40"));
    assert_true(fake_log_has("ui: at=text:name 160,102"));
    fake_wm_free(wm);
}

static int answers[2];
static void on_answer(void *ctx, bool yes)
{
    (void)ctx;
    answers[yes]++;
}

/* A question box: No is focused and is Esc; Yes by click or keys; a
 * dismissed box answers nothing. */
static void test_msgbox_ask_and_dismiss(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    form(wm);
    memset(answers, 0, sizeof(answers));
    assert_non_null(msgbox_ask(wm, "Reboot", "Restart now?", "Yes", "No", on_answer, 0));
    assert_true(fake_log_has("ui: message=Restart now?"));
    assert_true(fake_log_has("ui: focus=button:No"));
    wm_key(wm, KEY_ENTER);
    assert_int_equal(answers[0], 1);
    msgbox_ask(wm, "Reboot", "Restart now?", "Yes", "No", on_answer, 0);
    wm_key(wm, KEY_ESC);
    assert_int_equal(answers[0], 2);
    msgbox_ask(wm, "Reboot", "Restart now?", "Yes", "No", on_answer, 0);
    wm_key(wm, KEY_LEFT);
    wm_key(wm, ' ');
    assert_int_equal(answers[1], 1);
    assert_null(wm->modal);
    msgbox_ask(wm, "Reboot", "Restart now?", "Yes", "No", on_answer, 0);
    msgbox_open(wm, "Note", "Hello.", on_close, 0);
    closed = 0;
    msgbox_dismiss(wm);
    assert_null(wm->modal);
    assert_int_equal(wm->nz, 1);
    assert_int_equal(closed, 0);
    assert_int_equal(answers[0] + answers[1], 3);
    wm_compose(wm);
    fake_wm_free(wm);
}

/* Latin-1 letters go into a text field; C1 control bytes do not; a
 * window's key hook sees keys first. */
static int hooked;
static bool hook(struct window *win, int key, void *ctx)
{
    (void)win;
    (void)ctx;
    hooked++;
    return key == 'q';
}

static void test_latin1_and_key_hook(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(400, 300);
    struct window *win = form(wm);
    struct widget *t = win_find(win, ID_NAME);
    win_focus(win, t);
    wm_key(wm, 0xE7);
    wm_key(wm, 0x85);
    wm_key(wm, 0xFF);
    assert_string_equal(t->text, "\xe7\xff");
    win->on_key = hook;
    wm_key(wm, 'q');
    wm_key(wm, 'r');
    assert_int_equal(hooked, 2);
    assert_string_equal(t->text, "\xe7\xffr");
    fake_wm_free(wm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rect_ops),
        cmocka_unit_test(test_damage_covers_and_merges),
        cmocka_unit_test(test_fill_clips_and_text_draws),
        cmocka_unit_test(test_keyparse),
        cmocka_unit_test(test_compose_first_frame_and_title),
        cmocka_unit_test(test_cursor_moves_flush_only_its_damage),
        cmocka_unit_test(test_tab_focus_and_typing),
        cmocka_unit_test(test_click_button_and_list),
        cmocka_unit_test(test_drag_raise_and_zorder),
        cmocka_unit_test(test_msgbox_is_modal),
        cmocka_unit_test(test_progress_and_full_text),
        cmocka_unit_test(test_log_buttons),
        cmocka_unit_test(test_msgbox_ask_and_dismiss),
        cmocka_unit_test(test_latin1_and_key_hook),
        cmocka_unit_test(test_radio_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
