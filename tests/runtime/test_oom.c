/*
 * test_oom.c - allocation failing at its Nth call, for every N over a test
 * program that uses every kind of allocation the runtime makes (the loop,
 * the main task, task blocks small and large, frames small and large, the
 * timer heap, gather and wait_for frames, the whole frames of tasks whose
 * blocks hold only a head until they start).  Each run
 * must end in an error status that the program sees (async_run's status,
 * or a task's, or a NULL handle), with no crash and nothing left behind;
 * valgrind and ASan runs of this test check the "no leak" part again.
 */
#include "co_lib.h"

static int errors;

static void note(int status)
{
    if (status != 0)
        errors++;
}

struct bigchild { async_frame hdr; int *ret; char pad[1500]; };
CO_FN(bigchild);
static int bigchild_resume(async_frame *fr)
{
    CO_BEGIN(struct bigchild, s, fr);
    s->pad[0] = 1;
    CO_AWAIT(s, 1, SLEEP(0.001));
    CO_RETURN(s, 3);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(bigchild, struct bigchild, (unsigned mode, int *ret), s->ret = ret;)

/* worker(n): n nested frames, a large frame, a sleep and a yield. */
struct worker { async_frame hdr; int *ret; int n, v; };
CO_FN_HEAD(worker, struct worker, n);   /* as a task, its frame is whole at start */
static async_frame *new_worker(unsigned mode, int *ret, int n);
static int worker_resume(async_frame *fr)
{
    CO_BEGIN(struct worker, s, fr);
    if (s->n > 0)
        CO_AWAIT(s, 1, new_worker(ASYNC__AWAIT, &s->v, s->n - 1));
    CO_AWAIT(s, 2, new_bigchild(ASYNC__AWAIT, &s->v));
    CO_AWAIT(s, 3, SLEEP(0));
    CO_RETURN(s, s->v + 1);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(worker, struct worker, (unsigned mode, int *ret, int n), s->ret = ret; s->n = n;)

/* locker: takes the lock and waits on the event while holding it. */
static async_lock oom_lock;
static async_event oom_event;
struct locker { async_frame hdr; int *ret; bool held; };
CO_FN(locker);
static int locker_resume(async_frame *fr)
{
    CO_BEGIN(struct locker, s, fr);
    CO_AWAIT(s, 1, async__new_async_lock_acquire(ASYNC__AWAIT, &oom_lock));
    s->held = true;                     /* async_defer(release) */
    CO_AWAIT(s, 2, async__new_async_event_wait(ASYNC__AWAIT, &oom_event));
    CO_EXIT(s);
    if (s->held)
        async_lock_release(&oom_lock);
    CO_DONE();
}
CO_NEW(locker, struct locker, (unsigned mode), s->ret = NULL; s->held = false;)

struct bigtask { async_frame hdr; int *ret; char pad[2000]; };
CO_FN_HEAD(bigtask, struct bigtask, ret);
static int bigtask_resume(async_frame *fr)
{
    CO_BEGIN(struct bigtask, s, fr);
    CO_AWAIT(s, 1, SLEEP(0.002));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(bigtask, struct bigtask, (unsigned mode), s->ret = NULL;)

struct prog { async_frame hdr; int *ret; async_task *t1, *t2; async__item it[3]; int r, a, b; int i; async_task *sl[70]; async_task *lk[3]; };
CO_FN(prog);
static int prog_resume(async_frame *fr)
{
    CO_BEGIN(struct prog, s, fr);
    async_lock_init(&oom_lock);
    async_event_init(&oom_event);
    for (s->i = 0; s->i < 3; s->i++) {
        s->lk[s->i] = SPAWN(new_locker(ASYNC__TASK));
        if (!s->lk[s->i])
            errors++;
    }
    s->t1 = SPAWN(new_worker(ASYNC__TASK, NULL, 2));
    s->t2 = SPAWN(new_bigtask(ASYNC__TASK));
    if (!s->t1 || !s->t2)
        errors++;
    /* Enough sleepers to grow the timer heap past its first size. */
    for (s->i = 0; s->i < 70; s->i++) {
        s->sl[s->i] = SPAWN(new_sleeper(ASYNC__TASK, NULL, NULL, 0.001));
        if (!s->sl[s->i])
            errors++;
    }
    s->it[0] = (async__item){ SPAWN(new_worker(ASYNC__TASK, &s->a, 1)), true };
    s->it[1] = (async__item){ SPAWN(new_worker(ASYNC__TASK, &s->b, 0)), true };
    s->it[2] = (async__item){ s->t1, false };
    CO_AWAIT(s, 1, async__new_async__gather(ASYNC__AWAIT, &s->r, 3, s->it));
    note(s->r);
    CO_AWAIT(s, 2, async__new_async__wait_for(ASYNC__AWAIT, &s->r,
                   ((async__item){ SPAWN(new_worker(ASYNC__TASK, NULL, 1)), true }), 1.0));
    note(s->r);
    CO_AWAIT(s, 3, async__new_async__wait_for(ASYNC__AWAIT, &s->r,
                   ((async__item){ SPAWN(new_sleeper(ASYNC__TASK, NULL, NULL, 10)), true }), 0.002));
    if (s->r != ASYNC_TIMEOUT)
        errors++;
    CO_AWAIT(s, 4, AWAIT_TASK(NULL, s->t2));
    async_event_set(&oom_event);
    for (s->i = 0; s->i < 3; s->i++) {
        CO_AWAIT(s, 6, AWAIT_TASK(NULL, s->lk[s->i]));
        if (s->lk[s->i])
            note(async_task_status(s->lk[s->i]));
        async_task_release(s->lk[s->i]);
        s->lk[s->i] = NULL;
    }
    note(async_task_status(s->t1));
    note(async_task_status(s->t2));
    for (s->i = 0; s->i < 70; s->i++) {
        if (s->sl[s->i])
            note(async_task_status(s->sl[s->i]));
        async_task_release(s->sl[s->i]);
        s->sl[s->i] = NULL;
    }
    async_task_release(s->t1);
    async_task_release(s->t2);
    s->t1 = s->t2 = NULL;
    CO_AWAIT(s, 5, SLEEP(0));
    CO_EXIT(s);
    if (CO_UNWINDING(s)) {
        async_task_release(s->t1);
        async_task_release(s->t2);
        for (int i = 0; i < 70; i++)
            async_task_release(s->sl[i]);
        for (int i = 0; i < 3; i++)
            async_task_release(s->lk[i]);
    }
    CO_DONE();
}
CO_NEW(prog, struct prog, (unsigned mode), s->ret = NULL; memset(s->sl, 0, sizeof s->sl); memset(s->lk, 0, sizeof s->lk);)

static void fail_every_allocation(void **state)
{
    (void)state;
    /* First, the program runs clean, and counts its allocations. */
    errors = 0;
    async__test_fail_alloc_at(0);
    async__alloc_fail_at = (unsigned long)-1;   /* count every block */
    assert_int_equal(async__run(new_prog(ASYNC__MAIN)), 0);
    unsigned long total = async__test_alloc_calls();
    async__test_fail_alloc_at(0);
    assert_int_equal(errors, 0);
    check_clean();
    assert_true(total > 50);
    print_message("%lu allocations\n", total);

    for (unsigned long n = 1; n <= total; n++) {
        errors = 0;
        async__test_fail_alloc_at(n);
        int status = async__run(new_prog(ASYNC__MAIN));
        unsigned long calls = async__test_alloc_calls();
        async__test_fail_alloc_at(0);
        if (calls < n) {
            /* Timers make the count vary by a few: nothing failed here. */
            if (status != 0 || errors != 0)
                fail_msg("N=%lu: no allocation failed, yet status %d, %d errors", n, status, errors);
        } else if (status == 0 && errors == 0)
            fail_msg("N=%lu: the failure went unseen", n);
        if (status != 0 && status != -ENOMEM)
            fail_msg("N=%lu: status %d", n, status);
        check_clean();
    }
}

/* The shutdown sorts the tasks it cancels; without memory for the sort, it
 * cancels them in memory order, and still closes clean. */
struct leave { async_frame hdr; int *ret; };
CO_FN(leave);
static int leave_resume(async_frame *fr)
{
    CO_BEGIN(struct leave, s, fr);
    async_task_release(SPAWN(new_sleeper(ASYNC__TASK, NULL, "L1", 10)));
    async_task_release(SPAWN(new_sleeper(ASYNC__TASK, NULL, "L2", 10)));
    CO_AWAIT(s, 1, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(leave, struct leave, (unsigned mode), s->ret = NULL;)

static void shutdown_without_memory_for_its_sort(void **state)
{
    (void)state;
    log_clear();
    async__test_fail_alloc_at(0);
    async__alloc_fail_at = (unsigned long)-1;
    assert_int_equal(async__run(new_leave(ASYNC__MAIN)), 0);
    unsigned long total = async__test_alloc_calls();
    async__test_fail_alloc_at(0);
    assert_string_equal(co_log, "L1 unwound L2 unwound");
    check_clean();

    /* The sort is the last allocation. */
    log_clear();
    async__test_fail_alloc_at(total);
    assert_int_equal(async__run(new_leave(ASYNC__MAIN)), 0);
    assert_int_equal(async__test_alloc_calls(), total);
    async__test_fail_alloc_at(0);
    assert_true(strstr(co_log, "L1 unwound") && strstr(co_log, "L2 unwound"));
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fail_every_allocation),
        cmocka_unit_test(shutdown_without_memory_for_its_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
