/*
 * test_timer.c - the timer heap seen through async_sleep: order by
 * deadline, ties in arming order, removal from the middle, growth.
 */
#include "co_lib.h"

/* main(spec): spawns one sleeper per entry of `ms` (named by its index),
 * cancels those whose `cancel` flag is set, then sleeps past them all. */
struct tmain { async_frame hdr; int *ret; const int *ms; const bool *cancel; int n, i, longest; async_task *t[256]; };
CO_FN(tmain);
static const char *names[256];
static char namebuf[256][8];
static int tmain_resume(async_frame *fr)
{
    CO_BEGIN(struct tmain, s, fr);
    for (int i = 0; i < s->n; i++) {
        s->t[i] = SPAWN(new_sleeper(ASYNC__TASK, NULL, names[i], s->ms[i] / 1000.0));
        assert_non_null(s->t[i]);
    }
    CO_AWAIT(s, 1, SLEEP(0));           /* they all arm their timers */
    if (s->cancel)
        for (int i = 0; i < s->n; i++)
            if (s->cancel[i])
                assert_true(async_task_cancel(s->t[i]));
    CO_AWAIT(s, 2, SLEEP(s->longest / 1000.0 + 0.1));
    for (int i = 0; i < s->n; i++) {
        assert_true(async_task_done(s->t[i]));
        assert_int_equal(async_task_status(s->t[i]), s->cancel && s->cancel[i] ? ASYNC_CANCELLED : 0);
        async_task_release(s->t[i]);
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(tmain, struct tmain, (unsigned mode, const int *ms, const bool *cancel, int n),
       s->ret = NULL; s->ms = ms; s->cancel = cancel; s->n = n; s->longest = 0;
       for (int i = 0; i < n; i++) if (ms[i] > s->longest) s->longest = ms[i];)

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 256; i++) {
        snprintf(namebuf[i], sizeof namebuf[i], "%d", i);
        names[i] = namebuf[i];
    }
    return 0;
}

static void by_deadline(void **state)
{
    (void)state;
    /* 50 ms apart: timers are armed from fresh clock readings, and under
     * valgrind on a loaded machine the first arming of six (code seen for
     * the first time) has taken more than 20 ms. */
    static const int ms[] = { 300, 100, 200, 50, 250, 150 };
    log_clear();
    assert_int_equal(async__run(new_tmain(ASYNC__MAIN, ms, NULL, 6)), 0);
    assert_string_equal(co_log, "3 1 5 2 4 0");
    check_clean();
}

static void ties_in_arming_order(void **state)
{
    (void)state;
    /* 200 timers of one duration, armed in one iteration: deadlines that
     * never decrease in arming order, many of them equal (the clock moves
     * in steps) or a few ns apart; a heap that broke ties any other way
     * would scramble them; and they grow the heap past its first size.
     * Exact ties are tested on the heap itself (heap_ties). */
    static int ms[200];
    char want[2000] = "";
    for (int i = 0; i < 200; i++) {
        ms[i] = 10;
        snprintf(want + strlen(want), sizeof want - strlen(want), i ? " %d" : "%d", i);
    }
    log_clear();
    assert_int_equal(async__run(new_tmain(ASYNC__MAIN, ms, NULL, 200)), 0);
    assert_string_equal(co_log, want);
    check_clean();
}

static void ties_between_deadlines(void **state)
{
    (void)state;
    static const int ms[] = { 80, 40, 80, 40, 120, 40, 80 };
    log_clear();
    assert_int_equal(async__run(new_tmain(ASYNC__MAIN, ms, NULL, 7)), 0);
    assert_string_equal(co_log, "1 3 5 0 2 6 4");
    check_clean();
}

static void cancel_from_the_middle(void **state)
{
    (void)state;
    /* Far enough apart that a slow iteration (valgrind) fires none of
     * them before the cancels. */
    static const int ms[] = { 120, 30, 90, 150, 60, 10, 140, 80, 20, 110, 50, 130, 40, 100, 70 };
    static const bool cancel[] = { 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1 };
    log_clear();
    assert_int_equal(async__run(new_tmain(ASYNC__MAIN, ms, cancel, 15)), 0);
    /* The cancelled unwind in the iteration after the cancel, in the order
     * they were cancelled; the rest fire by deadline. */
    assert_string_equal(co_log,
        "0 unwound 3 unwound 5 unwound 8 unwound 11 unwound 14 unwound "
        "1 12 10 4 7 2 13 9 6");
    check_clean();
}

/* A sleep lasts at least what it asked for. */
struct timed { async_frame hdr; int *ret; double t0, t1; };
CO_FN(timed);
static int timed_resume(async_frame *fr)
{
    CO_BEGIN(struct timed, s, fr);
    s->t0 = async_time();
    CO_AWAIT(s, 1, SLEEP(0.03));
    s->t1 = async_time();
    assert_true(s->t1 - s->t0 >= 0.03);
    assert_true(s->t1 - s->t0 < 0.5);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(timed, struct timed, (unsigned mode), s->ret = NULL;)

static void sleep_lasts(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_timed(ASYNC__MAIN)), 0);
    check_clean();
}

/* A timer is armed from the clock as it reads when the sleep is called,
 * not as it read when the iteration began: after 0.2 s of work, a sleep
 * of 0.05 s still lasts 0.05 s, and so does a wait_for's timeout.  The
 * first sleep makes the loop read its clock at the start of the iteration
 * that resumes the task, so that the two readings differ. */
#define WF(ret, item, sec) async__new_async__wait_for(ASYNC__AWAIT, (ret), (item), (sec))
static void busy(double seconds)
{
    double t0 = async_time();
    while (async_time() - t0 < seconds)
        ;
}
struct fresh { async_frame hdr; int *ret; int r; double t0, t1; };
CO_FN(fresh);
static int fresh_resume(async_frame *fr)
{
    CO_BEGIN(struct fresh, s, fr);
    CO_AWAIT(s, 1, SLEEP(0.001));
    busy(0.2);
    s->t0 = async_time();
    CO_AWAIT(s, 2, SLEEP(0.05));
    s->t1 = async_time();
    assert_true(s->t1 - s->t0 >= 0.05);
    /* The same for wait_for's timer (the sleep above fired: the clock was
     * read at the start of this iteration). */
    busy(0.2);
    s->t0 = async_time();
    CO_AWAIT(s, 3, WF(&s->r, ((async__item){ SPAWN(new_sleeper(ASYNC__TASK, NULL, NULL, 10)), true }), 0.05));
    s->t1 = async_time();
    assert_int_equal(s->r, ASYNC_TIMEOUT);
    assert_true(s->t1 - s->t0 >= 0.05);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(fresh, struct fresh, (unsigned mode), s->ret = NULL;)

static void armed_from_a_fresh_reading(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_fresh(ASYNC__MAIN)), 0);
    check_clean();
}

/* Exact ties on the heap itself, with no clock involved: 300 timers over 5
 * deadlines, every third taken out before they fire; the rest must come
 * out by deadline, then in arming order. */
static void heap_ties(void **state)
{
    (void)state;
    static async__loop loop;
    static async_task t[300];
    memset(&loop, 0, sizeof loop);
    memset(t, 0, sizeof t);
    for (int i = 0; i < 300; i++)
        assert_int_equal(async__timer_arm(&loop, &t[i], 1000 + (uint64_t)(i * 7 % 5), T_SLEEP), 0);
    for (int i = 0; i < 300; i += 3)
        async__timer_disarm(&loop, &t[i]);
    loop.now = 1002;            /* deadlines 1000..1002 fire */
    async__timer_run(&loop);
    loop.now = 1004;
    async__timer_run(&loop);
    assert_int_equal(loop.nheap, 0);
    int n = 0;
    uint64_t last_d = 0;
    int last_i = -1;
    for (async_task *p = loop.head; p; p = p->u.next, n++) {
        int i = (int)(p - t);
        uint64_t d = 1000 + (uint64_t)(i * 7 % 5);
        assert_true(i % 3 != 0);
        assert_true(d > last_d || (d == last_d && i > last_i));
        last_d = d;
        last_i = i;
    }
    assert_int_equal(n, 200);
    async__free(loop.heap);
    assert_int_equal(async__test_alloc_live(), 0);
}

/* The heap against a sort: 5,000 timers with pseudo-random deadlines (many
 * equal), a third disarmed from wherever they stand and some of those armed
 * again, then all fired: in order of deadline, ties in arming order, each
 * once, and the disarmed ones never. */
static void heap_against_a_sort(void **state)
{
    (void)state;
    enum { N = 5000 };
    static async__loop loop;
    static async_task t[N];
    static uint64_t deadline[N];
    static uint32_t armed_at[N];   /* arming order of the last arm */
    static bool live[N];
    memset(&loop, 0, sizeof loop);
    memset(t, 0, sizeof t);
    uint64_t rng = 42;
    uint32_t order = 0;
    for (int i = 0; i < N; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        deadline[i] = 1000 + (rng >> 33) % 700;    /* about 7 per deadline */
        assert_int_equal(async__timer_arm(&loop, &t[i], deadline[i], T_SLEEP), 0);
        armed_at[i] = order++;
        live[i] = true;
    }
    for (int i = 0; i < N; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        if ((rng >> 40) % 3 == 0) {
            async__timer_disarm(&loop, &t[i]);
            live[i] = false;
            if ((rng >> 20) % 4 == 0) {             /* armed again, later in order */
                deadline[i] = 1000 + (rng >> 45) % 700;
                assert_int_equal(async__timer_arm(&loop, &t[i], deadline[i], T_SLEEP), 0);
                armed_at[i] = order++;
                live[i] = true;
            }
        }
    }
    int nlive = 0;
    for (int i = 0; i < N; i++)
        nlive += live[i];
    assert_int_equal(loop.nheap, nlive);
    loop.now = 2000;
    async__timer_run(&loop);
    assert_int_equal(loop.nheap, 0);
    int n = 0;
    uint64_t last_d = 0;
    uint32_t last_o = 0;
    for (async_task *p = loop.head; p; p = p->u.next, n++) {
        int i = (int)(p - t);
        assert_true(live[i]);
        live[i] = false;                            /* fired once */
        assert_true(n == 0 || deadline[i] > last_d ||
                    (deadline[i] == last_d && armed_at[i] > last_o));
        last_d = deadline[i];
        last_o = armed_at[i];
    }
    assert_int_equal(n, nlive);
    async__free(loop.heap);
    assert_int_equal(async__test_alloc_live(), 0);
}

/* A sleep that is a task of its own: async_create_task(async_sleep(s)). */
struct sleeptask { async_frame hdr; int *ret; async_task *t; };
CO_FN(sleeptask);
static int sleeptask_resume(async_frame *fr)
{
    CO_BEGIN(struct sleeptask, s, fr);
    s->t = SPAWN(async__new_async_sleep(ASYNC__TASK, 0.01));
    assert_non_null(s->t);
    CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t));
    assert_int_equal(async_task_status(s->t), 0);
    async_task_release(s->t);
    s->t = SPAWN(async__new_async_sleep(ASYNC__TASK, 10));
    CO_AWAIT(s, 2, SLEEP(0));
    assert_true(async_task_cancel(s->t));
    CO_AWAIT(s, 3, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(sleeptask, struct sleeptask, (unsigned mode), s->ret = NULL;)

static void sleep_as_a_task(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_sleeptask(ASYNC__MAIN)), 0);
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_deadline),
        cmocka_unit_test(ties_in_arming_order),
        cmocka_unit_test(ties_between_deadlines),
        cmocka_unit_test(cancel_from_the_middle),
        cmocka_unit_test(armed_from_a_fresh_reading),
        cmocka_unit_test(heap_ties),
        cmocka_unit_test(heap_against_a_sort),
        cmocka_unit_test(sleep_lasts),
        cmocka_unit_test(sleep_as_a_task),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
