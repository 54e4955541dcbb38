/*
 * co_lib.h - coroutines that several runtime tests share, written against
 * the ABI with co.h.
 */
#ifndef TEST_CO_LIB_H
#define TEST_CO_LIB_H

#include "co.h"

/* yielder(name, n): logs name, then yields n times, logging name1..namen. */
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
    CO_RETURN(s, s->n);
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("%s unwound", s->name);
    CO_DONE();
}
CO_NEW(yielder, struct yielder, (unsigned mode, int *ret, const char *name, int n),
       s->ret = ret; s->name = name; s->n = n;)

/* sleeper(name, sec): sleeps, logs name, returns 7; logs "name unwound"
 * when cancelled. */
struct sleeper { async_frame hdr; int *ret; const char *name; double sec; };
CO_FN(sleeper);
static int sleeper_resume(async_frame *fr)
{
    CO_BEGIN(struct sleeper, s, fr);
    CO_AWAIT(s, 1, SLEEP(s->sec));
    if (s->name)
        LOG("%s", s->name);
    CO_RETURN(s, 7);
    CO_EXIT(s);
    if (CO_UNWINDING(s) && s->name)
        LOG("%s unwound", s->name);
    CO_DONE();
}
CO_NEW(sleeper, struct sleeper, (unsigned mode, int *ret, const char *name, double sec),
       s->ret = ret; s->name = name; s->sec = sec;)

/* waiter(name, t): awaits task t, logs "name woke". */
struct waiter { async_frame hdr; int *ret; const char *name; async_task *on; async_task *got; };
CO_FN(waiter);
static int waiter_resume(async_frame *fr)
{
    CO_BEGIN(struct waiter, s, fr);
    CO_AWAIT(s, 1, AWAIT_TASK(&s->got, s->on));
    LOG("%s woke", s->name);
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("%s unwound", s->name);
    CO_DONE();
}
CO_NEW(waiter, struct waiter, (unsigned mode, const char *name, async_task *on),
       s->ret = NULL; s->name = name; s->on = on;)

#endif
