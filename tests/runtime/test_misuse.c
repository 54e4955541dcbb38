/*
 * test_misuse.c - misuse the runtime catches with a clear message instead of
 * corrupting memory: a task awaiting itself (directly, in a gather, in a
 * wait_for), a handle released twice, a handle released after its loop
 * closed.  Each case runs in a child process, which must abort with
 * "asyncc: FUNCTION: reason" on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include "co_lib.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "expect_abort.h"

/* expect_abort(): expect_abort.h */

/* A task awaiting itself, three ways. */
struct selfawait { async_frame hdr; int *ret; int how; int r; async__item it; };
CO_FN(selfawait);
static int selfawait_resume(async_frame *fr)
{
    CO_BEGIN(struct selfawait, s, fr);
    s->it = (async__item){ async_current_task(), false };
    if (s->how == 0)
        CO_AWAIT(s, 1, AWAIT_TASK(NULL, async_current_task()));
    else if (s->how == 1)
        CO_AWAIT(s, 2, async__new_async__gather(ASYNC__AWAIT, &s->r, 1, &s->it));
    else
        CO_AWAIT(s, 3, async__new_async__wait_for(ASYNC__AWAIT, &s->r, s->it, 1));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(selfawait, struct selfawait, (unsigned mode, int how), s->ret = NULL; s->how = how;)

static void await_self0(void) { async__run(new_selfawait(ASYNC__MAIN, 0)); }
static void await_self1(void) { async__run(new_selfawait(ASYNC__MAIN, 1)); }
static void await_self2(void) { async__run(new_selfawait(ASYNC__MAIN, 2)); }

static void task_awaits_itself(void **state)
{
    (void)state;
    expect_abort(await_self0, "asyncc: await: a task cannot await itself");
    expect_abort(await_self1, "asyncc: async_gather: a task cannot await itself");
    expect_abort(await_self2, "asyncc: async_wait_for: a task cannot await itself");
}

/* Released twice. */
struct twice { async_frame hdr; int *ret; async_task *t; };
CO_FN(twice);
static int twice_resume(async_frame *fr)
{
    CO_BEGIN(struct twice, s, fr);
    s->t = SPAWN(new_yielder(ASYNC__TASK, NULL, "", 3));
    async_task_release(s->t);
    async_task_release(s->t);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(twice, struct twice, (unsigned mode), s->ret = NULL;)

static void release_twice(void) { async__run(new_twice(ASYNC__MAIN)); }

static async_task *kept;
struct keep { async_frame hdr; int *ret; };
CO_FN(keep);
static int keep_resume(async_frame *fr)
{
    CO_BEGIN(struct keep, s, fr);
    kept = SPAWN(new_yielder(ASYNC__TASK, NULL, "", 0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(keep, struct keep, (unsigned mode), s->ret = NULL;)

static void release_after_close(void)
{
    async__run(new_keep(ASYNC__MAIN));
    async_task_release(kept);
}

static void handle_misuse(void **state)
{
    (void)state;
    expect_abort(release_twice, "asyncc: async_task_release: task released twice");
    expect_abort(release_after_close, "asyncc: async_task_release: no loop runs in this thread");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(task_awaits_itself),
        cmocka_unit_test(handle_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
