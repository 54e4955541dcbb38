/*
 * test_cancel.c - cancellation in every state a task can be in: before it
 * starts, suspended on a sleep, on a task (through a chain of frames),
 * ready after a wake-up, cancelling itself, cancelled while it unwinds.
 * Gather and wait_for have their own files.
 */
#include "co_lib.h"

/* before start: the body never runs. */
struct before { async_frame hdr; int *ret; async_task *t; };
CO_FN(before);
static int before_resume(async_frame *fr)
{
    CO_BEGIN(struct before, s, fr);
    s->t = SPAWN(new_yielder(ASYNC__TASK, NULL, "never", 0));
    assert_true(async_task_cancel(s->t));
    assert_true(async_task_cancel(s->t));       /* again: still true */
    assert_false(async_task_done(s->t));        /* asked, not yet landed */
    assert_false(async_task_cancelled(s->t));
    CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_done(s->t));
    assert_true(async_task_cancelled(s->t));
    assert_int_equal(async_task_status(s->t), ASYNC_CANCELLED);
    assert_false(async_task_cancel(s->t));      /* done: false */
    async_task_release(s->t);
    LOG("main");
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(before, struct before, (unsigned mode), s->ret = NULL;)

static void cancel_before_start(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_before(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "main");
    check_clean();
}

/* A chain of three frames suspended on a sleep: each returns from where it
 * stands, innermost first, running its exit code and nothing else. */
struct level { async_frame hdr; int *ret; int n; };
CO_FN(level);
static async_frame *new_level(unsigned mode, int *ret, int n);
static int level_resume(async_frame *fr)
{
    CO_BEGIN(struct level, s, fr);
    LOG("enter%d", s->n);
    if (s->n > 0)
        CO_AWAIT(s, 1, new_level(ASYNC__AWAIT, NULL, s->n - 1));
    else
        CO_AWAIT(s, 2, SLEEP(10));
    LOG("rest%d", s->n);                       /* never, when cancelled */
    CO_EXIT(s);
    LOG(CO_UNWINDING(s) ? "unwind%d" : "exit%d", s->n);
    CO_DONE();
}
CO_NEW(level, struct level, (unsigned mode, int *ret, int n), s->ret = ret; s->n = n;)

struct onsleep { async_frame hdr; int *ret; async_task *t; };
CO_FN(onsleep);
static int onsleep_resume(async_frame *fr)
{
    CO_BEGIN(struct onsleep, s, fr);
    s->t = SPAWN(new_level(ASYNC__TASK, NULL, 2));
    async_task_release(SPAWN(new_waiter(ASYNC__TASK, "W", s->t)));
    CO_AWAIT(s, 1, SLEEP(0.01));
    LOG("cancel");
    assert_true(async_task_cancel(s->t));
    assert_false(async_task_done(s->t));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->t));
    LOG("main woke");
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(onsleep, struct onsleep, (unsigned mode), s->ret = NULL;)

static void cancel_on_sleep_unwinds_chain(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_onsleep(ASYNC__MAIN)), 0);
    assert_string_equal(co_log,
        "enter2 enter1 enter0 cancel unwind0 unwind1 unwind2 W woke main woke");
    check_clean();
}

/* Suspended on a task: that task is cancelled first, and the awaiter runs
 * (and unwinds) once it has finished. */
struct ontask { async_frame hdr; int *ret; async_task *inner, *outer; };
CO_FN(ontask);
static int ontask_resume(async_frame *fr)
{
    CO_BEGIN(struct ontask, s, fr);
    s->inner = SPAWN(new_sleeper(ASYNC__TASK, NULL, "inner", 10));
    s->outer = SPAWN(new_waiter(ASYNC__TASK, "outer", s->inner));
    CO_AWAIT(s, 1, SLEEP(0));
    assert_true(async_task_cancel(s->outer));
    LOG("cancelled");
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->outer));
    assert_true(async_task_cancelled(s->inner));
    assert_true(async_task_cancelled(s->outer));
    async_task_release(s->inner);
    async_task_release(s->outer);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(ontask, struct ontask, (unsigned mode), s->ret = NULL;)

static void cancel_on_task_cancels_it_first(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_ontask(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "cancelled inner unwound outer unwound");
    check_clean();
}

/* Ready after its timer fired, cancelled before it ran: the cancellation
 * lands anyway. */
static void spin(double seconds)
{
    double end = async_time() + seconds;
    while (async_time() < end)
        ;
}

struct woken { async_frame hdr; int *ret; async_task *t; };
CO_FN(woken);
static int woken_resume(async_frame *fr)
{
    CO_BEGIN(struct woken, s, fr);
    s->t = SPAWN(new_sleeper(ASYNC__TASK, NULL, "S", 0.005));
    CO_AWAIT(s, 1, SLEEP(0));           /* S arms its timer */
    spin(0.02);
    CO_AWAIT(s, 2, SLEEP(0));           /* next iteration: [main, S] */
    assert_true(async_task_cancel(s->t));
    CO_AWAIT(s, 3, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(woken, struct woken, (unsigned mode), s->ret = NULL;)

static void cancel_lands_after_wakeup(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_woken(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "S unwound");
    check_clean();
}

/* Ready after a yield, cancelled before it ran. */
struct yready { async_frame hdr; int *ret; async_task *t; };
CO_FN(yready);
static int yready_resume(async_frame *fr)
{
    CO_BEGIN(struct yready, s, fr);
    s->t = SPAWN(new_yielder(ASYNC__TASK, NULL, "Y", 5));
    CO_AWAIT(s, 1, SLEEP(0));           /* Y runs and yields: [main, Y] */
    assert_true(async_task_cancel(s->t));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(yready, struct yready, (unsigned mode), s->ret = NULL;)

static void cancel_ready_after_yield(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_yready(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "Y Y unwound");
    check_clean();
}

/* A task that cancels itself goes on, through awaits that do not suspend,
 * and unwinds at its next await that does. */
struct quick { async_frame hdr; int *ret; };
CO_FN(quick);
static int quick_resume(async_frame *fr)
{
    CO_BEGIN(struct quick, s, fr);
    LOG("quick");
    CO_RETURN(s, 1);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(quick, struct quick, (unsigned mode, int *ret), s->ret = ret;)

struct self2 { async_frame hdr; int *ret; int v; int early; };
CO_FN(self2);
static int self2_resume(async_frame *fr)
{
    CO_BEGIN(struct self2, s, fr);
    assert_true(async_task_cancel(async_current_task()));
    LOG("goes on");
    CO_AWAIT(s, 1, new_quick(ASYNC__AWAIT, &s->v));  /* does not suspend */
    LOG("still %d", s->v);
    if (s->early)
        CO_RETURN(s, 5);                /* returns without suspending */
    CO_AWAIT(s, 2, SLEEP(0));           /* lands here */
    LOG("never");
    CO_EXIT(s);
    LOG(CO_UNWINDING(s) ? "unwound" : "exit");
    CO_DONE();
}
CO_NEW(self2, struct self2, (unsigned mode, int *ret, int early), s->ret = ret; s->early = early;)

struct selfmain { async_frame hdr; int *ret; async_task *t; int r; };
CO_FN(selfmain);
static int selfmain_resume(async_frame *fr)
{
    CO_BEGIN(struct selfmain, s, fr);
    s->t = SPAWN(new_self2(ASYNC__TASK, &s->r, 0));
    CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    LOG("|");
    /* Cancelled, then returns: asyncio ends it cancelled too (the value
     * was stored). */
    s->t = SPAWN(new_self2(ASYNC__TASK, &s->r, 1));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    assert_int_equal(s->r, 5);
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(selfmain, struct selfmain, (unsigned mode), s->ret = NULL;)

static void cancel_self(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_selfmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log,
        "goes on quick still 1 unwound | goes on quick still 1 exit");
    check_clean();
}

/* Cancelled while it unwinds: from its own exit code, and from another
 * task's exit code; nothing happens twice. */
struct unw { async_frame hdr; int *ret; async_task *other; };
CO_FN(unw);
static int unw_resume(async_frame *fr)
{
    CO_BEGIN(struct unw, s, fr);
    CO_AWAIT(s, 1, SLEEP(10));
    CO_EXIT(s);
    if (CO_UNWINDING(s)) {
        LOG("unwinding");
        assert_true(async_task_cancel(async_current_task()));
        if (s->other)
            assert_true(async_task_cancel(s->other));
    }
    CO_DONE();
}
CO_NEW(unw, struct unw, (unsigned mode, async_task *other), s->ret = NULL; s->other = other;)

struct unwmain { async_frame hdr; int *ret; async_task *a, *b; };
CO_FN(unwmain);
static int unwmain_resume(async_frame *fr)
{
    CO_BEGIN(struct unwmain, s, fr);
    s->b = SPAWN(new_sleeper(ASYNC__TASK, NULL, "B", 10));
    s->a = SPAWN(new_unw(ASYNC__TASK, s->b));
    CO_AWAIT(s, 1, SLEEP(0));
    assert_true(async_task_cancel(s->a));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->a));
    CO_AWAIT(s, 3, AWAIT_TASK(NULL, s->b));
    assert_true(async_task_cancelled(s->a));
    assert_true(async_task_cancelled(s->b));
    async_task_release(s->a);
    async_task_release(s->b);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(unwmain, struct unwmain, (unsigned mode), s->ret = NULL;)

static void cancel_while_unwinding(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_unwmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "unwinding B unwound");
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancel_before_start),
        cmocka_unit_test(cancel_on_sleep_unwinds_chain),
        cmocka_unit_test(cancel_on_task_cancels_it_first),
        cmocka_unit_test(cancel_lands_after_wakeup),
        cmocka_unit_test(cancel_ready_after_yield),
        cmocka_unit_test(cancel_self),
        cmocka_unit_test(cancel_while_unwinding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
