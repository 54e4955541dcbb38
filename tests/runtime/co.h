/*
 * co.h - writing ABI-level coroutines by hand, for the runtime's tests.
 *
 * The tests do not use the translator: each coroutine is what docs/abi.md
 * says generated code looks like (a frame struct that starts with the
 * header, a resume function, an entry point async__new_NAME), written with a
 * few macros.  The dispatch here is a switch with case labels inside the
 * awaits, Duff's-device style, which the translator must not use (a user's
 * own switch would capture them) but a test that has no user switch can.
 *
 *     struct f { async_frame hdr; int *ret; int x; };
 *     CO_FN(f);                               // fninfo f_info, resume f_resume
 *     static int f_resume(async_frame *fr)
 *     {
 *         CO_BEGIN(struct f, s, fr);
 *         CO_AWAIT(s, 1, async__new_async_sleep(ASYNC__AWAIT, 0));
 *         CO_RETURN(s, s->x * 2);
 *         CO_EXIT(s);                         // runs at every exit: "defers"
 *         log_add("f exits");
 *         CO_DONE();
 *     }
 *
 * CO_EXIT marks the code that runs whenever the function exits: by its end,
 * CO_RETURN, or unwinding (CO_UNWINDING(s) tells which).  That is what the
 * translator makes of async_defer.
 */
#ifndef TEST_CO_H
#define TEST_CO_H

#include <async.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../runtime/src/internal.h"

#define CO_UNUSED __attribute__((unused))

#define CO_FN(name)                                                          \
    CO_UNUSED static int name##_resume(async_frame *);                       \
    CO_UNUSED static const unsigned name##_lines[] = { 100, 101, 102, 103,  \
                                             104, 105, 106, 107, 108, 109,   \
                                             110 };                          \
    CO_UNUSED static const async__fninfo name##_info = {                     \
        name##_resume, #name, "test.async.c", name##_lines, 11, 0, 0, 0 }

/* The same for a frame whose head (what the entry point stores) ends with
 * member `last`: a task's block then holds only the head until the task
 * starts (async__fninfo.head_size). */
#define CO_FN_HEAD(name, type, last)                                         \
    CO_UNUSED static int name##_resume(async_frame *);                       \
    CO_UNUSED static const unsigned name##_lines[] = { 100, 101, 102, 103,  \
                                             104, 105, 106, 107, 108, 109,   \
                                             110 };                          \
    CO_UNUSED static const async__fninfo name##_info = {                     \
        name##_resume, #name, "test.async.c", name##_lines, 11,              \
        sizeof(type), ASYNC__HEAD_SIZE(type, last), _Alignof(type) }

#define CO_BEGIN(type, s, fr)                                                \
    type *s = (type *)(void *)(fr);                                          \
    if (s->hdr.state == ASYNC__UNWIND)                                       \
        goto co_exit;                                                        \
    switch (s->hdr.state) {                                                  \
    case 0:

#define CO_AWAIT(s, n, child)                                                \
    do {                                                                     \
        (s)->hdr.state = (n);                                                \
        if (async__await(&(s)->hdr, (child)))                                \
            return ASYNC__SUSPENDED;                                         \
    case (n):;                                                               \
    } while (0)

#define CO_RETURN(s, v)                                                      \
    do {                                                                     \
        if ((s)->ret)                                                        \
            *(s)->ret = (v);                                                 \
        goto co_exit;                                                        \
    } while (0)

#define CO_EXIT(s)  } co_exit:
#define CO_UNWINDING(s) ((s)->hdr.state == ASYNC__UNWIND)
#define CO_DONE()   return ASYNC__DONE

/* An entry point: NEW_FN(f, struct f, (int *ret, int x), s->ret = ret; s->x = x;) */
#define CO_NEW(name, type, params, ...)                                      \
    CO_UNUSED static async_frame *new_##name params                          \
    {                                                                        \
        type *s = (type *)(void *)async__frame_new(sizeof(type),             \
                                                   &name##_info, mode);      \
        if (!s)                                                              \
            return NULL;                                                     \
        __VA_ARGS__                                                          \
        return &s->hdr;                                                      \
    }

/* The await helpers for the runtime's awaitables. */
#define SLEEP(s)     async__new_async_sleep(ASYNC__AWAIT, (s))
#define AWAIT_TASK(ret, t) async__new_async__task_await(ASYNC__AWAIT, (ret), (t))
#define SPAWN(call)  async__spawn(call)

/* A log of what ran, to compare with the expected order. */
static char co_log[8192];

static inline void log_clear(void)
{
    co_log[0] = '\0';
}

static inline void logf_(const char *fmt, ...)
{
    size_t n = strlen(co_log);
    if (n + 2 >= sizeof co_log)
        return;
    if (n)
        co_log[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(co_log + n, sizeof co_log - n, fmt, ap);
    va_end(ap);
}
#define LOG(...) logf_(__VA_ARGS__)

/* Every test ends so: the loop closed with nothing left behind, and every
 * byte the runtime took is back. */
static inline void check_clean(void)
{
    assert_int_equal(async__last_close.unfinished, 0);
    assert_int_equal(async__last_close.frames, 0);
    assert_int_equal(async__last_close.timers, 0);
    assert_int_equal(async__last_close.ready, 0);
    assert_int_equal(async__test_alloc_live(), 0);
    assert_null(async_current_task());
}

#endif
