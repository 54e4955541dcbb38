/*
 * test_shutdown.c - async_run's end: remaining tasks cancelled in creation
 * order and run until they have unwound, tasks that never started never
 * run, tasks created while unwinding are cancelled too, a loop where
 * nothing can progress does not hang, and the main task's status.
 */
#include "co_lib.h"

/* spawner: at exit, spawns a task (which must never run). */
struct spawner { async_frame hdr; int *ret; const char *name; };
CO_FN(spawner);
static int spawner_resume(async_frame *fr)
{
    CO_BEGIN(struct spawner, s, fr);
    CO_AWAIT(s, 1, SLEEP(10));
    CO_EXIT(s);
    LOG("%s unwound", s->name);
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "late", 0)));
    CO_DONE();
}
CO_NEW(spawner, struct spawner, (unsigned mode, const char *name), s->ret = NULL; s->name = name;)

struct smain { async_frame hdr; int *ret; async_task *a; };
CO_FN(smain);
static int smain_resume(async_frame *fr)
{
    CO_BEGIN(struct smain, s, fr);
    s->a = SPAWN(new_sleeper(ASYNC__TASK, NULL, "A", 10));     /* kept */
    async_task_release(SPAWN(new_waiter(ASYNC__TASK, "B", s->a)));
    async_task_release(SPAWN(new_spawner(ASYNC__TASK, "C")));
    async_task_release(SPAWN(new_sleeper(ASYNC__TASK, NULL, "D", 5)));
    CO_AWAIT(s, 1, SLEEP(0));
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "never", 0)));
    LOG("main ends");
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(smain, struct smain, (unsigned mode), s->ret = NULL;)

static void shutdown_cancels_in_creation_order(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_smain(ASYNC__MAIN)), 0);
    /* A is cancelled (ready), B cancels A again (waits), C and D are made
     * ready, "never" had not started.  Run: never (not a line of it), A,
     * C (whose late task never runs), D; then B, woken by A. */
    assert_string_equal(co_log, "main ends A unwound C unwound D unwound B unwound");
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 1);    /* A's handle */
}

/* Nothing can progress: main awaits A, A awaits main. */
struct dead { async_frame hdr; int *ret; async_task *main; async_task *a; };
CO_FN(dead);
static async_frame *new_dead(unsigned mode, async_task *main);
static int dead_resume(async_frame *fr)
{
    CO_BEGIN(struct dead, s, fr);
    if (s->main) {
        CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->main));
    } else {
        s->a = SPAWN(new_dead(ASYNC__TASK, async_current_task()));
        CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->a));
    }
    LOG("never");
    CO_EXIT(s);
    LOG(s->main ? "A unwound" : "main unwound");
    CO_DONE();
}
CO_NEW(dead, struct dead, (unsigned mode, async_task *main), s->ret = NULL; s->main = main;)

static void deadlock_does_not_hang(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_dead(ASYNC__MAIN, NULL)), ASYNC_CANCELLED);
    assert_string_equal(co_log, "main unwound A unwound");
    check_clean();
}

/* The main task's status: cancelled, or 0. */
struct mself { async_frame hdr; int *ret; };
CO_FN(mself);
static int mself_resume(async_frame *fr)
{
    CO_BEGIN(struct mself, s, fr);
    async_task_cancel(async_current_task());
    CO_AWAIT(s, 1, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(mself, struct mself, (unsigned mode), s->ret = NULL;)

static void main_status(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_mself(ASYNC__MAIN)), ASYNC_CANCELLED);
    check_clean();
    /* A second run in the same thread works. */
    log_clear();
    assert_int_equal(async__run(new_yielder(ASYNC__MAIN, NULL, "again", 1)), 0);
    assert_string_equal(co_log, "again again1");
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shutdown_cancels_in_creation_order),
        cmocka_unit_test(deadlock_does_not_hang),
        cmocka_unit_test(main_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
