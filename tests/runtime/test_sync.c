/*
 * test_sync.c - Event, Lock, Semaphore and Queue: who waits, who is woken
 * and in what order, fairness, cancellation of waiters (before and after
 * they were woken), and misuse.
 */
#define _POSIX_C_SOURCE 200809L
#include "co_lib.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "expect_abort.h"

#define EVENT_WAIT(ev)  async__new_async_event_wait(ASYNC__AWAIT, (ev))
#define ACQUIRE(l)      async__new_async_lock_acquire(ASYNC__AWAIT, (l))
#define SEM_ACQUIRE(s)  async__new_async_semaphore_acquire(ASYNC__AWAIT, (s))
#define PUT(q, p)       async__new_async_queue_put(ASYNC__AWAIT, (q), (p))
#define GET(q, p)       async__new_async_queue_get(ASYNC__AWAIT, (q), (p))

/* ---- Event */
static async_event ev;

struct ewait { async_frame hdr; int *ret; const char *name; };
CO_FN(ewait);
static int ewait_resume(async_frame *fr)
{
    CO_BEGIN(struct ewait, s, fr);
    LOG("%s waits", s->name);
    CO_AWAIT(s, 1, EVENT_WAIT(&ev));
    LOG("%s", s->name);
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("%s unwound", s->name);
    CO_DONE();
}
CO_NEW(ewait, struct ewait, (unsigned mode, const char *name), s->ret = NULL; s->name = name;)

struct emain { async_frame hdr; int *ret; async_task *b; };
CO_FN(emain);
static int emain_resume(async_frame *fr)
{
    CO_BEGIN(struct emain, s, fr);
    async_event_init(&ev);
    assert_false(async_event_is_set(&ev));
    async_task_release(SPAWN(new_ewait(ASYNC__TASK, "A")));
    s->b = SPAWN(new_ewait(ASYNC__TASK, "B"));
    async_task_release(SPAWN(new_ewait(ASYNC__TASK, "C")));
    CO_AWAIT(s, 1, SLEEP(0));
    async_task_cancel(s->b);
    CO_AWAIT(s, 2, SLEEP(0));
    LOG("set");
    async_event_set(&ev);
    assert_true(async_event_is_set(&ev));
    CO_AWAIT(s, 3, EVENT_WAIT(&ev));   /* set: does not suspend */
    LOG("main");
    CO_AWAIT(s, 4, SLEEP(0));
    async_event_clear(&ev);
    assert_false(async_event_is_set(&ev));
    async_task_release(s->b);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(emain, struct emain, (unsigned mode), s->ret = NULL;)

static void event_wakes_all(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_emain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "A waits B waits C waits B unwound set main A C");
    check_clean();
}

/* ---- Lock */
static async_lock lock;
static int inside;
static async_task *victim;

struct locker { async_frame hdr; int *ret; const char *name; };
CO_FN(locker);
static int locker_resume(async_frame *fr)
{
    CO_BEGIN(struct locker, s, fr);
    CO_AWAIT(s, 1, ACQUIRE(&lock));
    assert_int_equal(inside++, 0);
    LOG("%s in", s->name);
    CO_AWAIT(s, 2, SLEEP(0.001));
    LOG("%s out", s->name);
    inside--;
    async_lock_release(&lock);
    if (victim) {
        /* The lock was just handed to the victim, which has not run. */
        async_task_cancel(victim);
        victim = NULL;
    }
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("%s unwound", s->name);
    CO_DONE();
}
CO_NEW(locker, struct locker, (unsigned mode, const char *name), s->ret = NULL; s->name = name;)

struct lmain { async_frame hdr; int *ret; async_task *t[5]; int i; };
CO_FN(lmain);
static int lmain_resume(async_frame *fr)
{
    CO_BEGIN(struct lmain, s, fr);
    async_lock_init(&lock);
    s->t[0] = SPAWN(new_locker(ASYNC__TASK, "A"));
    s->t[1] = SPAWN(new_locker(ASYNC__TASK, "B"));
    s->t[2] = SPAWN(new_locker(ASYNC__TASK, "C"));
    s->t[3] = SPAWN(new_locker(ASYNC__TASK, "D"));
    s->t[4] = SPAWN(new_locker(ASYNC__TASK, "E"));
    CO_AWAIT(s, 1, SLEEP(0));
    /* C waits: cancelled, it leaves the line. */
    async_task_cancel(s->t[2]);
    /* A holds it; B is next: after A's release hands it over, A cancels
     * B before B runs, and B gives it on to D. */
    victim = s->t[1];
    for (s->i = 0; s->i < 5; s->i++) {
        CO_AWAIT(s, 3, AWAIT_TASK(NULL, s->t[s->i]));
        async_task_release(s->t[s->i]);
    }
    assert_false(lock.locked);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(lmain, struct lmain, (unsigned mode), s->ret = NULL;)

static void lock_fifo_and_cancel(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_lmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "A in C unwound A out B unwound D in D out E in E out");
    check_clean();
}

/* ---- Semaphore */
static async_semaphore sem;
static int busy, most;

struct worker { async_frame hdr; int *ret; int id; };
CO_FN(worker);
static int worker_resume(async_frame *fr)
{
    CO_BEGIN(struct worker, s, fr);
    CO_AWAIT(s, 1, SEM_ACQUIRE(&sem));
    LOG("%d", s->id);
    if (++busy > most)
        most = busy;
    CO_AWAIT(s, 2, SLEEP(0.001 * (s->id % 3 + 1)));
    busy--;
    async_semaphore_release(&sem);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(worker, struct worker, (unsigned mode, int id), s->ret = NULL; s->id = id;)

struct smain { async_frame hdr; int *ret; async_task *t[6]; int i; };
CO_FN(smain);
static int smain_resume(async_frame *fr)
{
    CO_BEGIN(struct smain, s, fr);
    async_semaphore_init(&sem, 2);
    for (s->i = 0; s->i < 6; s->i++)
        s->t[s->i] = SPAWN(new_worker(ASYNC__TASK, s->i));
    for (s->i = 0; s->i < 6; s->i++) {
        CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t[s->i]));
        async_task_release(s->t[s->i]);
    }
    assert_int_equal(sem.value, 2);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(smain, struct smain, (unsigned mode), s->ret = NULL;)

static void semaphore_bounds_concurrency(void **state)
{
    (void)state;
    log_clear();
    busy = most = 0;
    assert_int_equal(async__run(new_smain(ASYNC__MAIN)), 0);
    assert_int_equal(most, 2);
    /* 0 and 1 first; 0 ends first (1 ms), then 1 and 3 (2 ms)... units go
     * to waiters in the order they came. */
    assert_string_equal(co_log, "0 1 2 3 4 5");
    check_clean();
}

/* ---- Queue */
static async_queue q;

struct producer { async_frame hdr; int *ret; int i; };
CO_FN(producer);
static int producer_resume(async_frame *fr)
{
    CO_BEGIN(struct producer, s, fr);
    for (s->i = 1; s->i <= 6; s->i++) {
        CO_AWAIT(s, 1, PUT(&q, &s->i));
        LOG("put%d", s->i);
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(producer, struct producer, (unsigned mode), s->ret = NULL;)

struct consumer { async_frame hdr; int *ret; int i, v; };
CO_FN(consumer);
static int consumer_resume(async_frame *fr)
{
    CO_BEGIN(struct consumer, s, fr);
    for (s->i = 0; s->i < 6; s->i++) {
        CO_AWAIT(s, 1, GET(&q, &s->v));
        LOG("got%d", s->v);
        if (s->i == 2)
            CO_AWAIT(s, 2, SLEEP(0.002));   /* the producer fills the queue */
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(consumer, struct consumer, (unsigned mode), s->ret = NULL;)

struct qmain { async_frame hdr; int *ret; async_task *c, *p; };
CO_FN(qmain);
static int qmain_resume(async_frame *fr)
{
    CO_BEGIN(struct qmain, s, fr);
    assert_int_equal(async_queue_init(&q, 2, sizeof(int)), 0);
    s->c = SPAWN(new_consumer(ASYNC__TASK));        /* waits: empty */
    s->p = SPAWN(new_producer(ASYNC__TASK));
    CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->c));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->p));
    assert_int_equal(async_queue_size(&q), 0);
    async_task_release(s->c);
    async_task_release(s->p);
    async_queue_destroy(&q);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(qmain, struct qmain, (unsigned mode), s->ret = NULL;)

static void queue_producer_consumer(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_qmain(ASYNC__MAIN)), 0);
    /* The producer puts 1 (waking the consumer), 2, and waits on 3 (full);
     * the consumer gets 1 2, waits; ... */
    assert_string_equal(co_log,
        "put1 put2 got1 got2 put3 put4 got3 put5 got4 got5 put6 got6");
    check_clean();
}

static void queue_init_errors(void **state)
{
    (void)state;
    async_queue qq;
    assert_int_equal(async_queue_init(NULL, 1, 1), -EINVAL);
    assert_int_equal(async_queue_init(&qq, 0, 1), -EINVAL);
    assert_int_equal(async_queue_init(&qq, 1, 0), -EINVAL);
    assert_int_equal(async_queue_init(&qq, SIZE_MAX, 2), -ENOMEM);
    async__test_fail_alloc_at(1);
    assert_int_equal(async_queue_init(&qq, 4, 4), -ENOMEM);
    async__test_fail_alloc_at(0);
    assert_int_equal(async_queue_init(&qq, 4, 4), 0);
    assert_int_equal(async_queue_size(&qq), 0);
    async_queue_destroy(&qq);
    assert_int_equal(async__test_alloc_live(), 0);
}

/* ---- misuse: each in a child process that must abort with the message. */
/* expect_abort(): expect_abort.h */

static void release_unheld(void)
{
    async_lock l;
    async_lock_init(&l);
    async_lock_release(&l);
}

static void release_above(void)
{
    async_semaphore s;
    async_semaphore_init(&s, 1);
    async_semaphore_release(&s);
}

static void misuse(void **state)
{
    (void)state;
    expect_abort(release_unheld, "asyncc: async_lock_release: the lock is not held");
    expect_abort(release_above, "asyncc: async_semaphore_release: released above its initial value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_wakes_all),
        cmocka_unit_test(lock_fifo_and_cancel),
        cmocka_unit_test(semaphore_bounds_concurrency),
        cmocka_unit_test(queue_producer_consumer),
        cmocka_unit_test(queue_init_errors),
        cmocka_unit_test(misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
