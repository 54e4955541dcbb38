/*
 * test_task.c - task handles: status, results, release, detach, handles
 * thrown away at creation or freed at shutdown, the current task, await on
 * done and NULL tasks, frames too big for the pools, frames made whole
 * when their task starts, inline frame allocation.
 */
#define _POSIX_C_SOURCE 200809L
#include "co_lib.h"

#include <math.h>
#include <stdlib.h>

static size_t ntasks(void)
{
    return async__cur->ntasks;
}

/* The life of a handle, seen from the main task. */
struct life { async_frame hdr; int *ret; async_task *t; int r; async_task *got; size_t n0; };
CO_FN(life);
static int life_resume(async_frame *fr)
{
    CO_BEGIN(struct life, s, fr);
    s->t = SPAWN(new_sleeper(ASYNC__TASK, &s->r, "S", 0.001));
    assert_non_null(s->t);
    assert_false(async_task_done(s->t));
    assert_false(async_task_cancelled(s->t));
    assert_int_equal(async_task_status(s->t), -EAGAIN);
    CO_AWAIT(s, 1, AWAIT_TASK(&s->got, s->t));
    assert_ptr_equal(s->got, s->t);
    assert_true(async_task_done(s->t));
    assert_false(async_task_cancelled(s->t));
    assert_int_equal(async_task_status(s->t), 0);
    assert_int_equal(s->r, 7);
    /* Done already: await goes on at once, with no trip through the loop. */
    LOG("before");
    async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "Y", 0)));
    CO_AWAIT(s, 2, AWAIT_TASK(&s->got, s->t));
    LOG("after");
    /* Releasing a done task frees it at once. */
    s->n0 = ntasks();
    async_task_release(s->t);
    assert_int_equal(ntasks(), s->n0 - 1);
    /* await(NULL) yields NULL and does not suspend. */
    s->got = s->t;
    CO_AWAIT(s, 3, AWAIT_TASK(&s->got, NULL));
    assert_null(s->got);
    LOG("null");
    CO_AWAIT(s, 4, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(life, struct life, (unsigned mode), s->ret = NULL;)

static void handle_life(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_life(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "S before after null Y");
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 0);
}

/* Released before done: detached, freed when it finishes. */
struct detach { async_frame hdr; int *ret; size_t n0; int i; };
CO_FN(detach);
static int detach_resume(async_frame *fr)
{
    CO_BEGIN(struct detach, s, fr);
    s->n0 = ntasks();
    for (s->i = 0; s->i < 100; s->i++)
        async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "", 2)));
    assert_int_equal(ntasks(), s->n0 + 100);
    for (s->i = 0; s->i < 4; s->i++)
        CO_AWAIT(s, 1, SLEEP(0));
    assert_int_equal(ntasks(), s->n0);
    /* The free lists reuse the blocks: no new slab for the next hundred. */
    s->n0 = async__test_alloc_live();
    for (s->i = 0; s->i < 100; s->i++)
        async_task_release(SPAWN(new_yielder(ASYNC__TASK, NULL, "", 1)));
    assert_int_equal(async__test_alloc_live(), (long)s->n0);
    CO_AWAIT(s, 2, SLEEP(0));
    CO_AWAIT(s, 3, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(detach, struct detach, (unsigned mode), s->ret = NULL;)

static void release_detaches(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_detach(ASYNC__MAIN)), 0);
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 0);
}

/* Handles never released are freed when the loop shuts down. */
struct keep { async_frame hdr; int *ret; int i; async_task *last; };
CO_FN(keep);
static int keep_resume(async_frame *fr)
{
    CO_BEGIN(struct keep, s, fr);
    for (s->i = 0; s->i < 10; s->i++)
        s->last = SPAWN(new_yielder(ASYNC__TASK, NULL, "", 0));
    CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->last));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(keep, struct keep, (unsigned mode), s->ret = NULL;)

static void freed_at_shutdown(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_keep(ASYNC__MAIN)), 0);
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 10);
}

/* async_current_task: the task being run; NULL outside a loop. */
struct cur { async_frame hdr; int *ret; async_task *self; async_task *t; async_task *seen; };
CO_FN(cur);
static async_frame *new_cur(unsigned mode, int *ret, async_task *seen);
static int cur_resume(async_frame *fr)
{
    CO_BEGIN(struct cur, s, fr);
    s->self = async_current_task();
    assert_non_null(s->self);
    if (s->seen) {
        /* A task: remember who we are for the main task to compare. */
        *(async_task **)(void *)s->ret = s->self;
    } else {
        s->t = SPAWN(new_cur(ASYNC__TASK, (int *)(void *)&s->seen, (async_task *)1));
        s->seen = NULL;
        CO_AWAIT(s, 1, AWAIT_TASK(NULL, s->t));
        assert_ptr_equal(s->seen, s->t);
        assert_ptr_equal(async_current_task(), s->self);
        async_task_release(s->t);
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(cur, struct cur, (unsigned mode, int *ret, async_task *seen), s->ret = ret; s->seen = seen;)

static void current_task(void **state)
{
    (void)state;
    assert_null(async_current_task());
    assert_int_equal(async__run(new_cur(ASYNC__MAIN, NULL, NULL)), 0);
    check_clean();
}

static void null_handles(void **state)
{
    (void)state;
    assert_false(async_task_done(NULL));
    assert_false(async_task_cancelled(NULL));
    assert_int_equal(async_task_status(NULL), -EINVAL);
    assert_false(async_task_cancel(NULL));
    async_task_release(NULL);
    assert_null(async__spawn(NULL));
}

/* Frames bigger than the pools' largest class, as tasks and inline. */
struct big { async_frame hdr; int *ret; char pad[3000]; int depth; int v; };
CO_FN(big);
static async_frame *new_big(unsigned mode, int *ret, int depth);
static int big_resume(async_frame *fr)
{
    CO_BEGIN(struct big, s, fr);
    memset(s->pad, s->depth, sizeof s->pad);
    if (s->depth > 0)
        CO_AWAIT(s, 1, new_big(ASYNC__AWAIT, &s->v, s->depth - 1));
    CO_AWAIT(s, 2, SLEEP(0));
    for (size_t i = 0; i < sizeof s->pad; i++)
        assert_int_equal(s->pad[i], s->depth);
    CO_RETURN(s, s->v + 1);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(big, struct big, (unsigned mode, int *ret, int depth), s->ret = ret; s->depth = depth; s->v = 0;)

struct bigmain { async_frame hdr; int *ret; async_task *t; int a, b; };
CO_FN(bigmain);
static int bigmain_resume(async_frame *fr)
{
    CO_BEGIN(struct bigmain, s, fr);
    s->t = SPAWN(new_big(ASYNC__TASK, &s->a, 3));
    CO_AWAIT(s, 1, new_big(ASYNC__AWAIT, &s->b, 2));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->t));
    assert_int_equal(s->a, 4);
    assert_int_equal(s->b, 3);
    /* left for the shutdown to free */
    s->t = SPAWN(new_big(ASYNC__TASK, &s->a, 0));
    CO_AWAIT(s, 3, AWAIT_TASK(NULL, s->t));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(bigmain, struct bigmain, (unsigned mode), s->ret = NULL;)

static void big_frames(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_bigmain(ASYNC__MAIN)), 0);
    check_clean();
    assert_int_equal(async__last_close.tasks_at_close, 2);
}

/* Frames whose type needs 16-byte alignment get it, as tasks, inline, and
 * as the main task; small and large. */
struct al { async_frame hdr; int *ret; _Alignas(16) long double x; int depth; char pad[1]; };
struct albig { async_frame hdr; int *ret; _Alignas(16) long double x; char pad[2000]; };
struct alhead { async_frame hdr; int *ret; _Alignas(16) long double x; int v; };
CO_FN(al);                      /* alignment not given: padded */
CO_FN_HEAD(albig, struct albig, ret);   /* given, and the frame split */
CO_FN_HEAD(alhead, struct alhead, x);   /* an aligned argument in the head */
static async_frame *new_al(unsigned mode, int *ret, int depth);
static async_frame *new_albig(unsigned mode, int *ret);
static int albig_resume(async_frame *fr)
{
    CO_BEGIN(struct albig, s, fr);
    assert_int_equal((uintptr_t)&s->x % 16, 0);
    s->x = 1.5L;
    CO_AWAIT(s, 1, SLEEP(0));
    assert_true(s->x == 1.5L);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(albig, struct albig, (unsigned mode, int *ret), s->ret = ret;)
static int alhead_resume(async_frame *fr)
{
    CO_BEGIN(struct alhead, s, fr);
    assert_int_equal((uintptr_t)&s->x % 16, 0);
    assert_true(s->x == 3.5L);
    s->v = 1;
    CO_AWAIT(s, 1, SLEEP(0));
    assert_true(s->x == 3.5L && s->v == 1);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(alhead, struct alhead, (unsigned mode, int *ret, long double x), s->ret = ret; s->x = x;)
static int al_resume(async_frame *fr)
{
    CO_BEGIN(struct al, s, fr);
    assert_int_equal((uintptr_t)&s->x % 16, 0);
    s->x = 2.5L;
    if (s->depth == 0) {
        async_task_release(SPAWN(new_al(ASYNC__TASK, NULL, 1)));
        async_task_release(SPAWN(new_albig(ASYNC__TASK, NULL)));
        async_task *h = SPAWN(new_alhead(ASYNC__TASK, NULL, 3.5L));
        assert_int_equal((uintptr_t)ASYNC__ROOT(h) % 16, 0);
        assert_true(h->flags & T_PADDED);
        async_task_release(h);
        CO_AWAIT(s, 1, new_al(ASYNC__AWAIT, NULL, 1));
        CO_AWAIT(s, 2, new_albig(ASYNC__AWAIT, NULL));
    }
    CO_AWAIT(s, 3, SLEEP(0.001));
    assert_true(s->x == 2.5L);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(al, struct al, (unsigned mode, int *ret, int depth), s->ret = ret; s->depth = depth;)

static void aligned_frames(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_al(ASYNC__MAIN, NULL, 0)), 0);
    check_clean();
}

/* A task whose frame has a head (CO_FN_HEAD) holds only the head in its
 * block until it starts; the whole frame comes from the frame pool when it
 * starts, small or large, and goes back when it ends, returns or unwinds. */
struct split { async_frame hdr; int *ret; int x; char buf[300]; int v; };
struct splitbig { async_frame hdr; int *ret; int x; char buf[3000]; };
CO_FN_HEAD(split, struct split, x);
CO_FN_HEAD(splitbig, struct splitbig, x);
static int split_resume(async_frame *fr)
{
    CO_BEGIN(struct split, s, fr);
    LOG("start %d", s->x);
    for (int i = 0; i < 300; i++)
        s->buf[i] = (char)(s->x + i);
    s->v = s->x * 2;
    CO_AWAIT(s, 1, SLEEP(0));
    for (int i = 0; i < 300; i++)
        assert_int_equal(s->buf[i], (char)(s->x + i));
    CO_RETURN(s, s->v + s->buf[299]);
    CO_EXIT(s);
    LOG("exit %d%s", s->x, CO_UNWINDING(s) ? " unwound" : "");
    CO_DONE();
}
CO_NEW(split, struct split, (unsigned mode, int *ret, int x), s->ret = ret; s->x = x;)
static int splitbig_resume(async_frame *fr)
{
    CO_BEGIN(struct splitbig, s, fr);
    memset(s->buf, s->x, sizeof s->buf);
    CO_AWAIT(s, 1, SLEEP(0));
    for (size_t i = 0; i < sizeof s->buf; i++)
        assert_int_equal(s->buf[i], s->x);
    CO_RETURN(s, s->buf[2999]);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(splitbig, struct splitbig, (unsigned mode, int *ret, int x), s->ret = ret; s->x = x;)

struct splitmain { async_frame hdr; int *ret; async_task *t[4]; int r[4]; size_t frames; int i; };
CO_FN(splitmain);
static int splitmain_resume(async_frame *fr)
{
    CO_BEGIN(struct splitmain, s, fr);
    s->frames = async__pool_live(&async__cur->frames);
    for (int i = 0; i < 3; i++) {
        s->r[i] = -1;
        s->t[i] = SPAWN(new_split(ASYNC__TASK, &s->r[i], i + 1));
        assert_non_null(s->t[i]);
        /* the block: task header and head only */
        assert_int_equal(ASYNC__ROOT(s->t[i])->size, offsetof(struct split, x) + sizeof(int));
    }
    s->t[3] = SPAWN(new_splitbig(ASYNC__TASK, &s->r[3], 7));
    assert_non_null(s->t[3]);
    assert_true(ASYNC__ROOT(s->t[3])->size < ASYNC__POOL_MAX);
    /* Not started: nothing taken from the frame pool yet. */
    assert_int_equal(async__pool_live(&async__cur->frames), s->frames);
    assert_true(async_task_cancel(s->t[1]));    /* never starts */
    CO_AWAIT(s, 1, SLEEP(0));
    /* 1 and 3 wait in sleep(0) in whole frames (the big one not from the pool). */
    assert_int_equal(async__pool_live(&async__cur->frames), s->frames + 2);
    assert_ptr_not_equal(ASYNC__INNER(s->t[0]), ASYNC__ROOT(s->t[0]));
    assert_true(async_task_done(s->t[1]));
    assert_true(async_task_cancelled(s->t[1]));
    {
        /* print_tasks shows each started task's frame once, at its await
         * (the head left in the block is not a frame of the chain). */
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        assert_non_null(out);
        async_print_tasks(out);
        fclose(out);
        int n = 0;
        for (char *at = text; (at = strstr(at, "at split (")) != NULL; at++) {
            assert_memory_equal(at, "at split (test.async.c:101)\n", 28);
            n++;
        }
        assert_int_equal(n, 2);
        free(text);
    }
    assert_true(async_task_cancel(s->t[2]));    /* lands at its sleep */
    for (s->i = 0; s->i < 4; s->i++) {
        CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->t[s->i]));
        assert_true(async_task_done(s->t[s->i]));
    }
    assert_int_equal(s->r[0], 2 + (char)(1 + 299));
    assert_int_equal(s->r[1], -1);
    assert_int_equal(s->r[2], -1);
    assert_int_equal(s->r[3], 7);
    assert_int_equal(async_task_status(s->t[0]), 0);
    assert_int_equal(async_task_status(s->t[2]), ASYNC_CANCELLED);
    assert_int_equal(async_task_status(s->t[3]), 0);
    for (int i = 0; i < 4; i++)
        async_task_release(s->t[i]);
    assert_int_equal(async__pool_live(&async__cur->frames), s->frames);
    /* One left started when the main task ends: the shutdown unwinds it
     * and its whole frame goes back (check_clean). */
    async_task_release(SPAWN(new_split(ASYNC__TASK, NULL, 5)));
    CO_AWAIT(s, 3, SLEEP(0));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(splitmain, struct splitmain, (unsigned mode), s->ret = NULL;)

static void frames_whole_at_start(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_splitmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "start 1 start 3 exit 1 exit 3 unwound start 5 exit 5 unwound");
    check_clean();
}

/* The sizes the design promises (docs/runtime.md). */
static void sizes(void **state)
{
    (void)state;
    assert_int_equal(sizeof(async_frame), 24);
    assert_int_equal(sizeof(async_task), 24);
    /* A sleeping task: task block (header + a root frame with one 8-byte
     * parameter, `async void f(double s)`, which needs no pad) and one heap
     * slot; an inline sleep has no frame. */
    size_t sleeping = async__pool_round(sizeof(async_task) + sizeof(async_frame) + 8)
                      + sizeof(async__timer_slot);
    assert_int_equal(sleeping, 72);
    /* spawn-join's task, `async long long f(long long i)`: one cache line. */
    assert_int_equal(sizeof(async_task) + sizeof(async_frame) + 2 * 8, 64);
    /* A root frame that needs 16-byte alignment gets it (aligned_frames):
     * 8 bytes of pad put it 32 bytes into a 16-aligned block. */
    assert_int_equal((8 + sizeof(async_task)) % 16, 0);
    assert_int_equal(sizeof(async__large) % 16, 8);
}

/* async.h's inline frame allocation reads the running loop's frame free
 * lists, and only while a loop runs whose blocks need neither counting nor
 * poisoning; the pool's count of live frames sees what it hands out.  Its
 * inline yield is the loop's yield frame, while a loop runs. */
struct inl { async_frame hdr; int *ret; char body[40]; };
CO_FN(inl);
static int inl_resume(async_frame *fr)
{
    CO_BEGIN(struct inl, s, fr);
#ifdef ASYNC__ASAN
    assert_null(async__frame_lists);
#else
    assert_ptr_equal(async__frame_lists, async__cur->frames.free);
#endif
    size_t live = async__pool_live(&async__cur->frames);
    async_frame *a = async__frame_new(sizeof(struct inl), &inl_info, ASYNC__AWAIT);
    assert_non_null(a);
    assert_ptr_equal(a->fn, &inl_info);
    assert_null(a->caller);
    assert_int_equal(a->state, 0);
    assert_int_equal(a->size, sizeof(struct inl));
    assert_int_equal(async__pool_live(&async__cur->frames), live + 1);
    async__frame_free(async__cur, a);
    assert_int_equal(async__pool_live(&async__cur->frames), live);
    /* The free list is LIFO, inline or not: the same block comes back,
     * its header made new. */
    async_frame *b = async__frame_new(sizeof(struct inl), &inl_info, ASYNC__AWAIT);
    assert_ptr_equal(b, a);
    assert_int_equal(async__pool_live(&async__cur->frames), live + 1);
    async__frame_free(async__cur, b);
    /* A yield is the loop's yield frame, inline; a sleep is not. */
    assert_ptr_equal(async__yield_frame, &async__cur->special[ASYNC__SP_YIELD]);
    assert_ptr_equal(SLEEP(0), async__yield_frame);
    assert_ptr_equal(SLEEP(-1), async__yield_frame);
    assert_ptr_equal(SLEEP(NAN), async__yield_frame);
    assert_ptr_equal(SLEEP(0.5), &async__cur->special[ASYNC__SP_SLEEP]);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(inl, struct inl, (unsigned mode), s->ret = NULL;)

static void inline_frames(void **state)
{
    (void)state;
    assert_null(async__frame_lists);
    assert_null(async__yield_frame);
    /* No loop: an inline await has no pool to take from, nor a yield. */
    assert_null(async__frame_new(sizeof(struct inl), &inl_info, ASYNC__AWAIT));
    assert_null(SLEEP(0));
    assert_int_equal(async__run(new_inl(ASYNC__MAIN)), 0);
    assert_null(async__frame_lists);
    assert_null(async__yield_frame);
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handle_life),
        cmocka_unit_test(release_detaches),
        cmocka_unit_test(freed_at_shutdown),
        cmocka_unit_test(current_task),
        cmocka_unit_test(null_handles),
        cmocka_unit_test(big_frames),
        cmocka_unit_test(aligned_frames),
        cmocka_unit_test(frames_whole_at_start),
        cmocka_unit_test(inline_frames),
        cmocka_unit_test(sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
