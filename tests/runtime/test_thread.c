/*
 * test_thread.c - async_to_thread: results, more jobs than workers, the
 * loop running other tasks meanwhile, a cancelled caller that unwinds only
 * once its function has returned, and async_run joining the workers.
 */
#define _POSIX_C_SOURCE 200809L
#include "co_lib.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define TO_THREAD(r, fn, arg) async__new_async_to_thread(ASYNC__AWAIT, (r), (fn), (arg))

static atomic_int running, most, returned;

static void *square_slowly(void *arg)
{
    int now = atomic_fetch_add(&running, 1) + 1;
    int m = atomic_load(&most);
    while (now > m && !atomic_compare_exchange_weak(&most, &m, now))
        ;
    struct timespec ts = { 0, 50 * 1000000 };
    nanosleep(&ts, NULL);
    atomic_fetch_sub(&running, 1);
    atomic_fetch_add(&returned, 1);
    intptr_t x = (intptr_t)arg;
    return (void *)(x * x);
}

struct job { async_frame hdr; int *ret; intptr_t x; void *r; };
CO_FN(job);
static int job_resume(async_frame *fr)
{
    CO_BEGIN(struct job, s, fr);
    CO_AWAIT(s, 1, TO_THREAD(&s->r, square_slowly, (void *)s->x));
    CO_RETURN(s, (int)(intptr_t)s->r);
    CO_EXIT(s);
    if (CO_UNWINDING(s)) {
        /* A cancelled caller unwinds only once fn has returned. */
        assert_true(atomic_load(&returned) > 0);
        LOG("unwound");
    }
    CO_DONE();
}
CO_NEW(job, struct job, (unsigned mode, int *ret, intptr_t x), s->ret = ret; s->x = x;)

struct tmain { async_frame hdr; int *ret; int r[8]; async__item it[8]; int g, ticks; async_task *t; double t0; };
CO_FN(tmain);
static int tmain_resume(async_frame *fr)
{
    CO_BEGIN(struct tmain, s, fr);
    s->t0 = async_time();
    for (int i = 0; i < 8; i++)
        s->it[i] = (async__item){ SPAWN(new_job(ASYNC__TASK, &s->r[i], i + 1)), true };
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "tick", 3)));
    CO_AWAIT(s, 1, async__new_async__gather(ASYNC__AWAIT, &s->g, 8, s->it));
    assert_int_equal(s->g, 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(s->r[i], (i + 1) * (i + 1));
    /* 8 jobs on at most 4 workers, several at once (no timing asserted:
     * tests run under valgrind and on loaded machines). */
    assert_true(atomic_load(&most) >= 2 && atomic_load(&most) <= 4);
    /* Cancelled while its function runs. */
    atomic_store(&returned, 0);
    s->t = SPAWN(new_job(ASYNC__TASK, NULL, 3));
    CO_AWAIT(s, 2, SLEEP(0.005));
    assert_true(async_task_cancel(s->t));
    CO_AWAIT(s, 3, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    /* Left running at the end: async_run waits for it, and joins. */
    atomic_store(&returned, 0);
    async_task_release(SPAWN(new_job(ASYNC__TASK, NULL, 4)));
    CO_AWAIT(s, 4, SLEEP(0.005));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(tmain, struct tmain, (unsigned mode), s->ret = NULL;)

static void to_thread(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_tmain(ASYNC__MAIN)), 0);
    /* The loop ran the ticker while the workers worked. */
    assert_string_equal(co_log, "tick tick1 tick2 tick3 unwound unwound");
    assert_int_equal(atomic_load(&returned), 1);
    check_clean();
}

int main(void)
{
    setenv("ASYNC_THREADS", "4", 1);    /* the test counts on 4 workers */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(to_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
