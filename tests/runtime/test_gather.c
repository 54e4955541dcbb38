/*
 * test_gather.c - async_gather: values, statuses in argument order, NULL
 * items, items done already, task items, cancelling the awaiter.
 */
#include "co_lib.h"

#define GATHER(ret, n, items) async__new_async__gather(ASYNC__AWAIT, (ret), (n), (items))
#define ITEM(call) ((async__item){ SPAWN(call), true })

/* failer: status by how it ends: cancels itself after a yield. */
struct failer { async_frame hdr; int *ret; const char *name; };
CO_FN(failer);
static int failer_resume(async_frame *fr)
{
    CO_BEGIN(struct failer, s, fr);
    LOG("%s", s->name);
    async_task_cancel(async_current_task());
    CO_AWAIT(s, 1, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(failer, struct failer, (unsigned mode, const char *name), s->ret = NULL; s->name = name;)

struct gmain { async_frame hdr; int *ret; int r; int a, b, c; async_task *t; async__item it[4]; };
CO_FN(gmain);
static int gmain_resume(async_frame *fr)
{
    CO_BEGIN(struct gmain, s, fr);
    /* Values through `lvalue = CALL` items; created in argument order. */
    s->it[0] = ITEM(new_yielder(ASYNC__TASK, &s->a, "A", 2));
    s->it[1] = ITEM(new_sleeper(ASYNC__TASK, &s->b, "B", 0.05));
    s->it[2] = ITEM(new_yielder(ASYNC__TASK, &s->c, "C", 1));
    CO_AWAIT(s, 1, GATHER(&s->r, 3, s->it));
    LOG("r=%d a=%d b=%d c=%d", s->r, s->a, s->b, s->c);
    assert_int_equal(async__cur->ntasks, 1);   /* the gather released them */

    /* A failing item does not cut the others short; the value is the first
     * non-zero status in argument order. */
    s->it[0] = ITEM(new_yielder(ASYNC__TASK, NULL, "D", 1));
    s->it[1] = ITEM(new_failer(ASYNC__TASK, "E"));
    s->it[2] = (async__item){ NULL, true };       /* a CALL that got no memory */
    s->it[3] = ITEM(new_yielder(ASYNC__TASK, NULL, "F", 2));
    CO_AWAIT(s, 2, GATHER(&s->r, 4, s->it));
    LOG("r=%d", s->r);
    assert_int_equal(s->r, ASYNC_CANCELLED);

    s->it[0] = ITEM(new_yielder(ASYNC__TASK, NULL, "G", 0));
    s->it[1] = (async__item){ NULL, false };      /* a NULL task */
    CO_AWAIT(s, 3, GATHER(&s->r, 2, s->it));
    LOG("r=%d", s->r);
    assert_int_equal(s->r, -EINVAL);

    s->it[0] = (async__item){ NULL, true };
    s->it[1] = (async__item){ NULL, false };
    CO_AWAIT(s, 4, GATHER(&s->r, 2, s->it));
    assert_int_equal(s->r, -ENOMEM);
    CO_AWAIT(s, 5, GATHER(&s->r, 0, s->it));
    assert_int_equal(s->r, 0);

    /* Task items: not released by the gather; done ones do not suspend. */
    s->t = SPAWN(new_yielder(ASYNC__TASK, NULL, "T", 0));
    CO_AWAIT(s, 6, AWAIT_TASK(NULL, s->t));
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "Y", 0)));
    s->it[0] = (async__item){ s->t, false };
    s->it[1] = (async__item){ s->t, false };
    LOG("before");
    CO_AWAIT(s, 7, GATHER(&s->r, 2, s->it));
    LOG("after");                       /* before Y: no suspension */
    assert_int_equal(s->r, 0);
    assert_false(async_task_cancelled(s->t));
    async_task_release(s->t);
    CO_AWAIT(s, 8, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(gmain, struct gmain, (unsigned mode), s->ret = NULL;)

static void gather_values_and_statuses(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_gmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log,
        "A C A1 C1 A2 B r=0 a=2 b=7 c=1 "
        "D E F D1 F1 F2 r=-125 "
        "G r=-22 "
        "T before after Y");
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 0);
}

/* Cancelling the task that awaits a gather cancels the items in argument
 * order; it unwinds once they all have. */
struct gawait { async_frame hdr; int *ret; int r; async__item it[3]; async_task *user; };
CO_FN(gawait);
static int gawait_resume(async_frame *fr)
{
    CO_BEGIN(struct gawait, s, fr);
    s->it[0] = ITEM(new_sleeper(ASYNC__TASK, NULL, "S1", 10));
    s->it[1] = (async__item){ s->user, false };
    s->it[2] = ITEM(new_sleeper(ASYNC__TASK, NULL, "S3", 10));
    CO_AWAIT(s, 1, GATHER(&s->r, 3, s->it));
    LOG("never");
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("G unwound");
    CO_DONE();
}
CO_NEW(gawait, struct gawait, (unsigned mode, async_task *user), s->ret = NULL; s->user = user;)

struct gcancel { async_frame hdr; int *ret; async_task *g, *user; };
CO_FN(gcancel);
static int gcancel_resume(async_frame *fr)
{
    CO_BEGIN(struct gcancel, s, fr);
    s->user = SPAWN(new_sleeper(ASYNC__TASK, NULL, "S2", 10));
    s->g = SPAWN(new_gawait(ASYNC__TASK, s->user));
    CO_AWAIT(s, 1, SLEEP(0.005));
    assert_true(async_task_cancel(s->g));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->g));
    assert_true(async_task_cancelled(s->g));
    assert_true(async_task_cancelled(s->user));
    async_task_release(s->g);
    async_task_release(s->user);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(gcancel, struct gcancel, (unsigned mode), s->ret = NULL;)

static void gather_cancel(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_gcancel(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "S1 unwound S2 unwound S3 unwound G unwound");
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 0);
}

/* A gather left waiting when the loop shuts down. */
struct gleft { async_frame hdr; int *ret; };
CO_FN(gleft);
static int gleft_resume(async_frame *fr)
{
    CO_BEGIN(struct gleft, s, fr);
    async_task_release(SPAWN(new_gawait(ASYNC__TASK, NULL)));
    CO_AWAIT(s, 1, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(gleft, struct gleft, (unsigned mode), s->ret = NULL;)

static void gather_at_shutdown(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_gleft(ASYNC__MAIN)), 0);
    /* Shutdown cancels in creation order: G (which cancels its items in
     * argument order), then S1 and S3 again (no-ops).  The items had not
     * started: their bodies never run. */
    assert_string_equal(co_log, "G unwound");
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gather_values_and_statuses),
        cmocka_unit_test(gather_cancel),
        cmocka_unit_test(gather_at_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
