/*
 * loop.c - the event loop, and async_run.
 *
 * One loop per thread, found through a thread-local pointer, so generated
 * code never passes it around.  An iteration (§1.7):
 *
 *   1. poll for I/O, blocking until the first timer when nothing is ready;
 *   2. read the clock and make the expired timers' tasks ready, by deadline
 *      and then in arming order;
 *   3. run the tasks that were ready when the iteration began, and only
 *      those: the queue is taken whole, and what they make ready waits for
 *      the next iteration.
 *
 * The clock is read only in an iteration that has timers or I/O to look
 * at, so a ping-pong of yields never reads it at all.  A timer's deadline
 * comes from a fresh reading when it is armed (timer.c), not from the
 * iteration's: the task may have worked a while before it sleeps.
 *
 * async_run's shutdown: once the main task is done, every unfinished task
 * is cancelled, in the order tasks were created, and the loop runs until all
 * have unwound.  Tasks created meanwhile start cancelled, so they never run
 * their bodies.  Should nothing be able to make progress (tasks waiting on
 * each other, or on nothing that can happen), the loop does not hang as
 * asyncio would: before the main task is done, it goes to the shutdown,
 * which cancels the main task too; during the shutdown, it makes every task
 * still waiting ready, and each unwinds from where it stands.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

_Thread_local async__loop *async__cur;
_Thread_local void **async__frame_lists;
_Thread_local async_frame *async__yield_frame;
_Thread_local async__close_stats async__last_close;

uint64_t async__clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double async_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void async__update_time(async__loop *loop)
{
    loop->now = async__clock_ns();
}

static bool can_progress(const async__loop *loop)
{
    return loop->head || loop->nheap || async__io_pending(loop);
}

/* One iteration. */
static void iterate(async__loop *loop)
{
    if (loop->nheap || async__io_pending(loop)) {
        async__io_poll(loop, loop->head ? 0 : async__timer_next(loop));
        async__update_time(loop);
        async__timer_run(loop);
    }
    async__run_batch(loop);
}

/* Calls fn on every task, in creation order where memory allows the sort,
 * otherwise in memory order. */
static void each_in_order(async__loop *loop, void (*fn)(async_task *t, void *arg), void *arg)
{
    size_t n;
    async_task **all = async__tasks_sorted(loop, &n);
    if (all) {
        for (size_t i = 0; i < n; i++)
            fn(all[i], arg);
        async__free(all);
    } else {
        async__each_task(loop, fn, arg);
    }
}

static void cancel_one(async_task *t, void *arg)
{
    (void)arg;
    if (!(t->flags & T_DONE))
        async_task_cancel(t);
}

/* Nothing can make progress: every task still waiting becomes ready, and
 * unwinds from where it stands. */
static void force_one(async_task *t, void *arg)
{
    async__loop *loop = arg;
    if (!(t->flags & (T_DONE | T_READY))) {
        t->flags |= T_CANCEL;
        async__timer_disarm(loop, t);
        async__ready_push(loop, t);
    }
}

static void close_tasks(async__loop *loop)
{
    loop->closing = true;
    if (loop->unfinished > 0)
        each_in_order(loop, cancel_one, NULL);
    while (loop->unfinished > 0) {
        if (!can_progress(loop))
            each_in_order(loop, force_one, loop);
        iterate(loop);
    }
}

static void free_large(async__loop *loop)
{
    async__large *h = loop->large.next;
    while (h != &loop->large) {
        async__large *next = h->next;
        async__free(h);
        h = next;
    }
}

int async__run(async_frame *root)
{
    if (!root)
        return -ENOMEM;
    async_task *main = ASYNC__TASK_OF_ROOT(root);
    async__large *mh = (async__large *)main - 1;
    if (async__cur) {
        async__free(mh);
        return -EBUSY;
    }
    async__loop *loop = async__alloc(sizeof *loop);
    if (!loop) {
        async__free(mh);
        return -ENOMEM;
    }
    memset(loop, 0, sizeof *loop);
    async__pool_init(&loop->frames, false);
    async__pool_init(&loop->tasks, true);
    loop->large.next = loop->large.prev = &loop->large;
    if (async__io_init(loop) < 0) {
        async__free(loop);
        async__free(mh);
        return -ENOMEM;
    }
    memset(&async__last_close, 0, sizeof async__last_close);
    async__cur = loop;
    async__yield_frame = &loop->special[ASYNC__SP_YIELD];
#ifndef ASYNC__ASAN
    /* async__frame_new's inline path, unless every block must be counted. */
    if (!loop->frames.counting)
        async__frame_lists = loop->frames.free;
#endif
    async__trace_open();
    async__update_time(loop);
    mh->next = loop->large.next;
    mh->prev = &loop->large;
    mh->next->prev = mh;
    loop->large.next = mh;
    loop->ntasks++;
    loop->main = main;
    async__spawn(root);

    while (!(main->flags & T_DONE) && can_progress(loop))
        iterate(loop);
    close_tasks(loop);

    int status = async_task_status(main);

    async__last_close.unfinished = loop->unfinished;
    async__last_close.frames = async__pool_live(&loop->frames) + loop->nlarge_frames;
    async__last_close.timers = loop->nheap;
    async__last_close.ready = loop->head != NULL;
    async__last_close.tasks_at_close = loop->ntasks - 1;   /* the main task */
    async__last_close.iterations = loop->iterations;

    if (async__trace_on)
        async__trace_close();
    async__pool_close(loop);
    async__io_close(loop);
    free_large(loop);
    async__pool_destroy(&loop->tasks);
    async__pool_destroy(&loop->frames);
    async__free(loop->heap);
    async__frame_lists = NULL;
    async__yield_frame = NULL;
    async__cur = NULL;
    async__free(loop);
    return status;
}
