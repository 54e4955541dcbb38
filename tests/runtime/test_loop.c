/*
 * test_loop.c - the scheduling rules of DESIGN.md §1.7, each on its own,
 * and async_run.
 */
#define _POSIX_C_SOURCE 200809L
#include "co.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

/* A task that logs its name, yields `n` times (logging each time it comes
 * back), and ends. */
struct yielder { async_frame hdr; int *ret; const char *name; int n, i; };
CO_FN(yielder);
static int yielder_resume(async_frame *fr)
{
    CO_BEGIN(struct yielder, s, fr);
    LOG("%s", s->name);
    for (s->i = 1; s->i <= s->n; s->i++) {
        CO_AWAIT(s, 1, SLEEP(0));
        LOG("%s%d", s->name, s->i);
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(yielder, struct yielder, (unsigned mode, const char *name, int n),
       s->ret = NULL; s->name = name; s->n = n;)

/* A child that logs and returns without suspending, or after one yield. */
struct child { async_frame hdr; int *ret; int suspend; };
CO_FN(child);
static int child_resume(async_frame *fr)
{
    CO_BEGIN(struct child, s, fr);
    LOG("child");
    if (s->suspend)
        CO_AWAIT(s, 1, SLEEP(0));
    LOG("child-end");
    CO_RETURN(s, 42);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(child, struct child, (unsigned mode, int *ret, int suspend),
       s->ret = ret; s->suspend = suspend;)

/* ---- rule 1: FIFO, and one iteration runs what was ready when it began. */
struct r1 { async_frame hdr; int *ret; async_task *t[3]; int i; };
CO_FN(r1);
static int r1_resume(async_frame *fr)
{
    CO_BEGIN(struct r1, s, fr);
    s->t[0] = SPAWN(new_yielder(ASYNC__TASK, "A", 2));
    s->t[1] = SPAWN(new_yielder(ASYNC__TASK, "B", 2));
    s->t[2] = SPAWN(new_yielder(ASYNC__TASK, "C", 2));
    LOG("main");
    for (s->i = 0; s->i < 3; s->i++)
        CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t[s->i]));
    CO_EXIT(s);
    for (int i = 0; i < 3; i++)
        async_task_release(s->t[i]);
    CO_DONE();
}
CO_NEW(r1, struct r1, (unsigned mode), (void)s;)

static void rule1_fifo(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_r1(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "main A B C A1 B1 C1 A2 B2 C2");
    /* 1: main; 2: A B C start and yield; 3: and again; 4: they end, A
     * wakes main; 5: main finds B and C done.  A loop that ran what a task
     * made ready in the same iteration would need fewer (or never end, with
     * tasks that always yield). */
    assert_int_equal(async__last_close.iterations, 5);
    check_clean();
}

/* ---- rule 2: a new task is appended when it is created. */
struct r2 { async_frame hdr; int *ret; };
CO_FN(r2);
static int r2_resume(async_frame *fr)
{
    CO_BEGIN(struct r2, s, fr);
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, "A", 0)));
    CO_AWAIT(s, 1, SLEEP(0));           /* main goes behind A */
    LOG("main");
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, "B", 0)));
    LOG("main2");                       /* B does not run before main suspends */
    CO_AWAIT(s, 2, SLEEP(0));
    LOG("main3");
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(r2, struct r2, (unsigned mode), (void)s;)

static void rule2_created_appended(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_r2(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "A main main2 B main3");
    check_clean();
}

/* ---- rule 3: await(f()) runs f at once, in the same task. */
struct r3 { async_frame hdr; int *ret; int v; };
CO_FN(r3);
static int r3_resume(async_frame *fr)
{
    CO_BEGIN(struct r3, s, fr);
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, "T", 0)));
    LOG("m1");
    CO_AWAIT(s, 1, new_child(ASYNC__AWAIT, &s->v, 0));
    LOG("m2=%d", s->v);
    s->v = 0;
    CO_AWAIT(s, 2, new_child(ASYNC__AWAIT, &s->v, 1));   /* suspends: T runs */
    LOG("m3=%d", s->v);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(r3, struct r3, (unsigned mode), (void)s;)

static void rule3_await_runs_at_once(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_r3(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "m1 child child-end m2=42 child T child-end m3=42");
    check_clean();
}

/* ---- rule 4: a finished task's awaiters are appended in wait order. */
struct waiter { async_frame hdr; int *ret; const char *name; async_task *on; int pre; async_task *got; };
CO_FN(waiter);
static int waiter_resume(async_frame *fr)
{
    CO_BEGIN(struct waiter, s, fr);
    for (; s->pre > 0; s->pre--)
        CO_AWAIT(s, 1, SLEEP(0));
    LOG("%s waits", s->name);
    CO_AWAIT(s, 2, AWAIT_TASK(&s->got, s->on));
    assert_ptr_equal(s->got, s->on);
    LOG("%s woke", s->name);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(waiter, struct waiter, (unsigned mode, const char *name, async_task *on, int pre),
       s->ret = NULL; s->name = name; s->on = on; s->pre = pre;)

struct r4 { async_frame hdr; int *ret; async_task *t; };
CO_FN(r4);
static int r4_resume(async_frame *fr)
{
    CO_BEGIN(struct r4, s, fr);
    s->t = SPAWN(new_yielder(ASYNC__TASK, "T", 3));
    /* Created W1 W2 W3, but they begin to wait in the order W3 W1 W2. */
    async_task_release(SPAWN(new_waiter(ASYNC__TASK, "W1", s->t, 1)));
    async_task_release(SPAWN(new_waiter(ASYNC__TASK, "W2", s->t, 2)));
    async_task_release(SPAWN(new_waiter(ASYNC__TASK, "W3", s->t, 0)));
    /* X is ready when T ends: the woken are appended after it. */
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, "X", 3)));
    CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t));
    LOG("main woke");
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(r4, struct r4, (unsigned mode), (void)s;)

static void rule4_awaiters_in_wait_order(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_r4(ASYNC__MAIN)), 0);
    assert_string_equal(co_log,
        "T W3 waits X T1 W1 waits X1 T2 W2 waits X2 T3 X3 "
        "main woke W3 woke W1 woke W2 woke");
    check_clean();
}

/* ---- rule 5: expired timers are appended before the ready queue runs, and
 * after what was ready already. */
static void spin(double seconds)
{
    double end = async_time() + seconds;
    while (async_time() < end)
        ;
}

struct sleeper { async_frame hdr; int *ret; const char *name; double sec; };
CO_FN(sleeper);
static int sleeper_resume(async_frame *fr)
{
    CO_BEGIN(struct sleeper, s, fr);
    CO_AWAIT(s, 1, SLEEP(s->sec));
    LOG("%s", s->name);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(sleeper, struct sleeper, (unsigned mode, const char *name, double sec),
       s->ret = NULL; s->name = name; s->sec = sec;)

struct spinner { async_frame hdr; int *ret; };
CO_FN(spinner);
static int spinner_resume(async_frame *fr)
{
    CO_BEGIN(struct spinner, s, fr);
    spin(0.02);                         /* S's timer expires meanwhile */
    CO_AWAIT(s, 1, SLEEP(0));
    LOG("Y");
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(spinner, struct spinner, (unsigned mode), (void)s;)

struct r5 { async_frame hdr; int *ret; };
CO_FN(r5);
static int r5_resume(async_frame *fr)
{
    CO_BEGIN(struct r5, s, fr);
    async_task_release(SPAWN(new_sleeper(ASYNC__TASK, "S", 0.005)));
    async_task_release(SPAWN(new_spinner(ASYNC__TASK)));
    CO_AWAIT(s, 1, SLEEP(0.05));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(r5, struct r5, (unsigned mode), (void)s;)

static void rule5_timers_then_ready_queue(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_r5(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "Y S");
    check_clean();
}

/* ---- rule 6: sleep(0) appends the task to the tail; so does any duration
 * that is not positive, NaN included, for exactly one iteration. */
struct r6 { async_frame hdr; int *ret; };
CO_FN(r6);
static int r6_resume(async_frame *fr)
{
    CO_BEGIN(struct r6, s, fr);
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, "A", 2)));
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, "B", 2)));
    CO_AWAIT(s, 1, SLEEP(-1));
    LOG("m1");
    CO_AWAIT(s, 2, SLEEP(NAN));
    LOG("m2");
    CO_AWAIT(s, 3, SLEEP(-0.0));
    LOG("m3");
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(r6, struct r6, (unsigned mode), (void)s;)

static void rule6_sleep0_yields_one_iteration(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_r6(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "A B m1 A1 B1 m2 A2 B2 m3");
    assert_int_equal(async__last_close.iterations, 4);
    check_clean();
}

/* ---- async_run */
static void run_null_is_enomem(void **state)
{
    (void)state;
    assert_int_equal(async__run(NULL), -ENOMEM);
    assert_int_equal(async__test_alloc_live(), 0);
}

struct nested { async_frame hdr; int *ret; int got; };
CO_FN(nested);
static int nested_resume(async_frame *fr)
{
    CO_BEGIN(struct nested, s, fr);
    /* async_run inside a running loop: -EBUSY, and nothing runs. */
    log_clear();
    s->got = async__run(new_yielder(ASYNC__MAIN, "never", 0));
    LOG("nested=%d", s->got);
    CO_RETURN(s, s->got);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(nested, struct nested, (unsigned mode, int *ret), s->ret = ret;)

static void run_nested_is_ebusy(void **state)
{
    (void)state;
    int got = 0;
    assert_int_equal(async__run(new_nested(ASYNC__MAIN, &got)), 0);
    assert_int_equal(got, -EBUSY);
    assert_string_equal(co_log, "nested=-16");
    check_clean();
}

static void run_returns_result(void **state)
{
    (void)state;
    int v = 0;
    log_clear();
    assert_int_equal(async__run(new_child(ASYNC__MAIN, &v, 1)), 0);
    assert_int_equal(v, 42);
    check_clean();
    /* No loop outside async_run. */
    assert_null(new_child(ASYNC__AWAIT, &v, 0));
    assert_null(new_child(ASYNC__TASK, &v, 0));
    assert_null(async__spawn(NULL));
}

static void time_is_monotonic(void **state)
{
    (void)state;
    double a = async_time();
    struct timespec ts = { 0, 2000000 };
    nanosleep(&ts, NULL);
    double b = async_time();
    assert_true(b - a >= 0.002);
    assert_true(b - a < 1.0);
}

/* One loop per thread: two threads run their own loops at once. */
struct counter { async_frame hdr; int *ret; int n, i; async_task *t; };
CO_FN(counter);
static async_frame *new_counter(unsigned mode, int *ret, int n);
static int counter_resume(async_frame *fr)
{
    CO_BEGIN(struct counter, s, fr);
    if (s->n > 1) {
        s->t = SPAWN(new_counter(ASYNC__TASK, NULL, 1));
        CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t));
        async_task_release(s->t);
    }
    for (s->i = 0; s->i < s->n; s->i++)
        CO_AWAIT(s, 2, s->i % 2 ? SLEEP(0) : SLEEP(0.0001));
    CO_RETURN(s, s->i);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(counter, struct counter, (unsigned mode, int *ret, int n), s->ret = ret; s->n = n;)

static void *thread_main(void *arg)
{
    int *got = arg;
    got[1] = async__run(new_counter(ASYNC__MAIN, &got[0], 2000));
    return NULL;
}

static void loops_in_threads(void **state)
{
    (void)state;
    int a[2] = { 0, -1 }, b[2] = { 0, -1 };
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, thread_main, a), 0);
    assert_int_equal(pthread_create(&tb, NULL, thread_main, b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a[1], 0);
    assert_int_equal(b[1], 0);
    assert_int_equal(a[0], 2000);
    assert_int_equal(b[0], 2000);
    assert_null(async_current_task());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rule1_fifo),
        cmocka_unit_test(rule2_created_appended),
        cmocka_unit_test(rule3_await_runs_at_once),
        cmocka_unit_test(rule4_awaiters_in_wait_order),
        cmocka_unit_test(rule5_timers_then_ready_queue),
        cmocka_unit_test(rule6_sleep0_yields_one_iteration),
        cmocka_unit_test(run_null_is_enomem),
        cmocka_unit_test(run_nested_is_ebusy),
        cmocka_unit_test(run_returns_result),
        cmocka_unit_test(time_is_monotonic),
        cmocka_unit_test(loops_in_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
