/*
 * test_wait_for.c - async_wait_for: in time, timed out (the item unwound
 * first), the item's own status, timeouts that are not positive, NULL
 * items, cancelling the awaiter.
 */
#include "co_lib.h"

#define WAIT_FOR(ret, item, sec) async__new_async__wait_for(ASYNC__AWAIT, (ret), (item), (sec))
#define ITEM(call) ((async__item){ SPAWN(call), true })

struct wmain { async_frame hdr; int *ret; int r, v; async_task *t; };
CO_FN(wmain);
static int wmain_resume(async_frame *fr)
{
    CO_BEGIN(struct wmain, s, fr);
    /* In time: 0, and the value. */
    CO_AWAIT(s, 1, WAIT_FOR(&s->r, ITEM(new_sleeper(ASYNC__TASK, &s->v, "A", 0.005)), 1.0));
    LOG("r=%d v=%d", s->r, s->v);
    /* Too slow: the item is cancelled and has unwound when we resume. */
    s->v = 0;
    CO_AWAIT(s, 2, WAIT_FOR(&s->r, ITEM(new_sleeper(ASYNC__TASK, &s->v, "B", 10)), 0.05));
    LOG("r=%d v=%d", s->r, s->v);
    assert_int_equal(s->r, ASYNC_TIMEOUT);
    /* Not positive: cancelled at once (C never starts). */
    CO_AWAIT(s, 3, WAIT_FOR(&s->r, ITEM(new_yielder(ASYNC__TASK, NULL, "C", 1)), 0));
    LOG("r=%d", s->r);
    /* A task item that is done: its status, whatever the timeout. */
    s->t = SPAWN(new_yielder(ASYNC__TASK, NULL, "D", 0));
    CO_AWAIT(s, 4, AWAIT_TASK(NULL, s->t));
    CO_AWAIT(s, 5, WAIT_FOR(&s->r, ((async__item){ s->t, false }), -1));
    LOG("r=%d", s->r);
    async_task_release(s->t);
    /* The item's status when it ends otherwise: cancelled by someone else. */
    s->t = SPAWN(new_sleeper(ASYNC__TASK, NULL, "E", 10));
    async_task_release(SPAWN(new_sleeper(ASYNC__TASK, NULL, "K", 0.05)));
    CO_AWAIT(s, 6, SLEEP(0));
    async_task_cancel(s->t);
    CO_AWAIT(s, 7, WAIT_FOR(&s->r, ((async__item){ s->t, false }), 5));
    LOG("r=%d", s->r);
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    /* NULL items. */
    CO_AWAIT(s, 8, WAIT_FOR(&s->r, ((async__item){ NULL, false }), 1));
    assert_int_equal(s->r, -EINVAL);
    CO_AWAIT(s, 9, WAIT_FOR(&s->r, ((async__item){ NULL, true }), 1));
    assert_int_equal(s->r, -ENOMEM);
    CO_AWAIT(s, 10, SLEEP(0.1));        /* K */
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(wmain, struct wmain, (unsigned mode), s->ret = NULL;)

static void wait_for_outcomes(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_wmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log,
        "A r=0 v=7 B unwound r=-110 v=0 r=-110 D r=0 "
        "E unwound r=-125 K");
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 0);
}

/* Cancelling the awaiter cancels the item and unwinds once it has. */
struct wwait { async_frame hdr; int *ret; int r; };
CO_FN(wwait);
static int wwait_resume(async_frame *fr)
{
    CO_BEGIN(struct wwait, s, fr);
    CO_AWAIT(s, 1, WAIT_FOR(&s->r, ITEM(new_sleeper(ASYNC__TASK, NULL, "I", 10)), 0.05));
    LOG("never");
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("W unwound");
    CO_DONE();
}
CO_NEW(wwait, struct wwait, (unsigned mode), s->ret = NULL;)

struct wcancel { async_frame hdr; int *ret; async_task *w; double t0; };
CO_FN(wcancel);
static int wcancel_resume(async_frame *fr)
{
    CO_BEGIN(struct wcancel, s, fr);
    s->t0 = async_time();
    s->w = SPAWN(new_wwait(ASYNC__TASK));
    CO_AWAIT(s, 1, SLEEP(0.005));
    assert_true(async_task_cancel(s->w));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->w));
    assert_true(async_task_cancelled(s->w));
    async_task_release(s->w);
    /* The wait_for's timer went with it: no wait until it would fire. */
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(wcancel, struct wcancel, (unsigned mode), s->ret = NULL;)

static void wait_for_cancel_awaiter(void **state)
{
    (void)state;
    log_clear();
    double t0 = async_time();
    assert_int_equal(async__run(new_wcancel(ASYNC__MAIN)), 0);
    assert_true(async_time() - t0 < 0.04);
    assert_string_equal(co_log, "I unwound W unwound");
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wait_for_outcomes),
        cmocka_unit_test(wait_for_cancel_awaiter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
