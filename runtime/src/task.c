/*
 * task.c - tasks: creation, the resume of a task, unwinding, cancellation,
 * handles, and awaiting a task.
 *
 * A task is resumed by calling the resume function of its innermost frame.
 * A frame that returns ASYNC__DONE is freed and its caller resumed at the
 * state it saved, until one returns ASYNC__SUSPENDED (the task waits) or the
 * root frame returns (the task is done).  Only the runtime's own awaitables
 * ever suspend, so the innermost frame of a waiting task is always one of
 * them, and its async__rtinfo says how to cancel what it waits on.
 *
 * Cancellation is a flag that lands when the loop next runs the task:
 * instead of resuming it, the loop unwinds it, innermost frame first, each
 * frame resumed once at ASYNC__UNWIND to run its defers.  Running out of
 * memory at an await does the same with another status.
 */
#include "internal.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

void async__die(const char *func, const char *reason)
{
    fprintf(stderr, "asyncc: %s: %s\n", func, reason);
    fflush(stderr);
    abort();
}

/* ------------------------------------------------------------------------
 * Frames and task blocks.
 * ---------------------------------------------------------------------- */
/* The bytes of a new task's root frame that its block holds: the head of
 * a split frame (async__fninfo.head_size), else the whole frame. */
static inline size_t task_root_size(const async__fninfo *fn, size_t size)
{
    return fn->head_size != 0 ? fn->head_size : size;
}

/* A pool block `b` whose task header starts `pad` bytes in
 * (async__task_pad): marks it for the slab walk; the task's first flags. */
static inline uint32_t task_block_mark(char *b, size_t pad)
{
    if (!pad)
        return T_LIVE;
    *(uint32_t *)(void *)b = ASYNC__PAD_MARK;
    return T_LIVE | T_PADDED;
}

/* A task block for a root frame of `size` bytes (the head only, for a
 * split frame); `pad`: bytes in front of the header (async__task_pad). */
static async_task *task_block_new(async__loop *loop, size_t size, size_t pad, unsigned mode)
{
    size_t total = sizeof(async_task) + size;
    uint32_t flags = T_LIVE;
    async_task *t;
    if (mode == ASYNC__TASK && pad + total <= ASYNC__POOL_MAX) {
        if (!loop)
            return NULL;
        char *b = async__pool_get(&loop->tasks, pad + total);
        if (!b)
            return NULL;
        t = (async_task *)(void *)(b + pad);
        flags = task_block_mark(b, pad);
    } else {
        /* After the 24-byte link, the root frame is 16-aligned: no pad. */
        if (mode == ASYNC__TASK && !loop)
            return NULL;
        async__large *h = async__alloc(sizeof *h + total);
        if (!h)
            return NULL;
        h->prev = h->next = h;
        if (mode == ASYNC__MAIN) {
            flags |= T_MAIN;
        } else {
            h->next = loop->large.next;
            h->prev = &loop->large;
            h->next->prev = h;
            loop->large.next = h;
        }
        flags |= T_LARGE;
        t = (async_task *)(h + 1);
    }
    if (loop && mode == ASYNC__TASK)
        loop->ntasks++;
    t->flags = flags;
    t->seq = 0;
    t->u.next = NULL;
    t->waiters = NULL;
    return t;
}

void async__task_free(async__loop *loop, async_task *t)
{
    if (t->flags & T_LARGE) {
        async__large *h = (async__large *)t - 1;
        h->prev->next = h->next;
        h->next->prev = h->prev;
        t->flags = 0;
        async__free(h);
    } else {
        async__pool_put_task(&loop->tasks, async__task_block(t), async__task_block_size(t));
    }
    loop->ntasks--;
}

/* A frame block of `size` bytes: from the frame pool, or from the
 * allocator when it is bigger than the pools' largest class. */
static async_frame *frame_block(async__loop *loop, size_t size)
{
    if (size <= ASYNC__POOL_MAX)
        return async__pool_get(&loop->frames, size);
    async_frame *f = async__alloc(size);
    if (f)
        loop->nlarge_frames++;
    return f;
}

/* async__frame_make's slow path: an inline await's frame from the frame pool
 * (or a big one from the allocator), a task block from a fresh slab or the
 * allocator, the main task's block. */
static __attribute__((noinline)) async_frame *frame_new_slow(size_t size, const async__fninfo *fn,
                                                             unsigned mode)
{
    async__loop *loop = async__cur;
    async_frame *f;
    if (mode == ASYNC__AWAIT) {
        if (!loop)
            return NULL;
        f = frame_block(loop, size);
        if (!f)
            return NULL;
        f->caller = NULL;
    } else {
        size_t pad = async__task_pad(fn);
        if (mode == ASYNC__TASK)
            size = task_root_size(fn, size);  /* the rest when it starts: task_start */
        async_task *t = task_block_new(loop, size, pad, mode);
        if (!t)
            return NULL;
        f = ASYNC__ROOT(t);
        f->caller = f;      /* ASYNC__INNER: the root itself */
    }
    f->fn = fn;
    f->state = 0;
    f->size = (uint32_t)size;
    return f;
}

async_frame *async__frame_make(size_t size, const async__fninfo *fn, unsigned mode)
{
    /* An inline await's frame comes from async.h's async__frame_new when
     * its free list has one; what reaches here for one (an empty list, a
     * pool that counts for a test or is poisoned under ASan, no loop)
     * takes the slow path, through async__pool_get.  A task block from a
     * free list or the newest slab needs no call and so no saved
     * registers; a counting pool takes the slow path. */
    async__loop *loop = async__cur;
    if (async__likely(mode == ASYNC__TASK && loop != NULL)) {
        size_t pad = async__task_pad(fn);
        size_t head = task_root_size(fn, size);
        size_t total = pad + sizeof(async_task) + head;
        if (total > ASYNC__POOL_MAX || loop->tasks.counting)
            return frame_new_slow(size, fn, mode);
        size_t i = (total + ASYNC__POOL_GRAIN - 1) / ASYNC__POOL_GRAIN;
        size_t bs = i * ASYNC__POOL_GRAIN;
        char *b = loop->tasks.free[i];
        if (b != NULL) {
            ASYNC__UNPOISON(b, bs);
            loop->tasks.free[i] = ((void **)(void *)b)[1];
        } else {
            async__pool_class *c = &loop->tasks.cls[i];
            if (async__unlikely((size_t)(c->end - c->bump) < bs))
                return frame_new_slow(size, fn, mode);
            b = c->bump;
            c->bump += bs;
            ASYNC__UNPOISON(b, bs);
        }
        loop->ntasks++;
        async_task *t = (async_task *)(void *)(b + pad);
        t->flags = task_block_mark(b, pad);
        t->waiters = NULL;
        size = head;
        async_frame *f = ASYNC__ROOT(t);
        f->fn = fn;
        f->caller = f;      /* ASYNC__INNER: the root itself */
        f->state = 0;
        f->size = (uint32_t)size;
        return f;           /* seq and the queue link: async__spawn */
    }
    return frame_new_slow(size, fn, mode);
}

void async__frame_free_large(async__loop *loop, async_frame *f)
{
    loop->nlarge_frames--;
    async__free(f);
}

/* ------------------------------------------------------------------------
 * Waiters: the frames waiting for a task, in the order they began to wait.
 * A linked waiter has a non-NULL next.
 * ---------------------------------------------------------------------- */
void async__waiter_add(async_task *t, async__waiter *w, async_frame *owner)
{
    async__waiter *last = t->waiters;
    w->owner = owner;
    if (last) {
        w->next = last->next;
        last->next = w;
    } else {
        w->next = w;
    }
    t->waiters = w;
}

void async__waiter_remove(async_task *t, async__waiter *w)
{
    if (!w->next)
        return;
    async__waiter *p = t->waiters;
    while (p->next != w)
        p = p->next;
    if (p == w) {
        t->waiters = NULL;
    } else {
        p->next = w->next;
        if (t->waiters == w)
            t->waiters = p;
    }
    w->next = NULL;
}

/* ------------------------------------------------------------------------
 * Spawning, finishing, running.
 * ---------------------------------------------------------------------- */
/* async__spawn's trace, out of line and entered by a jump, so that the
 * spawn itself saves no register. */
static __attribute__((noinline)) async_task *spawn_traced(async_task *t)
{
    async__trace_task_new(t, ASYNC__ROOT(t)->fn->name);
    return t;
}

async_task *async__spawn(async_frame *root)
{
    if (!root)
        return NULL;
    async__loop *loop = async__cur;
    async_task *t = ASYNC__TASK_OF_ROOT(root);
    t->seq = loop->task_seq++;
    loop->unfinished++;
    if (loop->closing)
        t->flags |= T_CANCEL;   /* created while shutting down: never runs */
    async__ready_push(loop, t);
    if (async__unlikely(async__trace_on))
        return spawn_traced(t);
    return t;
}

/* Marks t done with `status` (0, T_UNWOUND or T_FAILED) and wakes its
 * waiters in order.  True when the caller must free it (no handle).
 * Inline in both copies of the batch loop (a call costs a task 6
 * instructions of spawn-join's 230). */
static inline __attribute__((always_inline)) bool finish(async__loop *loop, async_task *t,
                                                         uint32_t status)
{
    t->flags = (t->flags & ~(uint32_t)(T_CANCEL | T_NOMEM)) | T_DONE | status;
    loop->unfinished--;
    async__waiter *last = t->waiters;
    if (last) {
        t->waiters = NULL;
        async__waiter *w = last->next;
        last->next = NULL;
        while (w) {
            async__waiter *next = w->next;
            w->next = NULL;
            ASYNC__RT(w->owner)->wake(w);
            w = next;
        }
    }
    return (t->flags & T_RELEASED) != 0;
}

static uint32_t unwind(async__loop *loop, async_task *t)
{
    uint32_t status = (t->flags & T_NOMEM) ? T_FAILED : T_UNWOUND;
    async_frame *root = ASYNC__ROOT(t);
    async_frame *f = ASYNC__INNER(t);
    async__timer_disarm(loop, t);
    while (f) {
        ASYNC__INNER(t) = f;
        f->state = ASYNC__UNWIND;
        f->fn->resume(f);
        if (f == root)
            break;
        async_frame *caller = f->caller;
        async__frame_free(loop, f);
        f = caller;
    }
    ASYNC__INNER(t) = root;
    return status;
}

/* A task whose block holds only the head of its root frame (see
 * async__fninfo.head_size) starts in a whole frame from the frame pool: the
 * head is copied in, and the frame becomes the task's top frame, the one
 * with no caller.  NULL when out of memory. */
static __attribute__((noinline)) async_frame *task_start(async__loop *loop, async_task *t)
{
    async_frame *root = ASYNC__ROOT(t);
    size_t size = root->fn->frame_size;
    async_frame *f = frame_block(loop, size);
    if (!f)
        return NULL;
    memcpy(f, root, root->size);
    f->caller = NULL;
    f->size = (uint32_t)size;
    ASYNC__INNER(t) = f;
    return f;
}

/* Resumes t once.  loop->current is t afterwards; async__run_batch clears
 * it once the batch is done (nothing but the runtime runs in between).
 * `traced`: a constant, so that an untraced batch tests async__trace_on
 * once, not three times a task (the hooks themselves check that the trace
 * is still open). */
static inline __attribute__((always_inline)) void task_run(async__loop *loop, async_task *t,
                                                           const bool traced)
{
    uint32_t done = 0;   /* T_DONE | status, when it finished */
    t->flags &= ~(uint32_t)T_READY;
    loop->current = t;
    if (traced)
        async__trace_run_begin(t);

    if (async__unlikely(t->flags & (T_CANCEL | T_NOMEM))) {
        /* A task cancelled before it started never runs its body. */
        done = T_DONE | ((t->flags & T_STARTED) ? unwind(loop, t) : T_UNWOUND);
    } else {
        async_frame *root = ASYNC__ROOT(t);
        async_frame *f = ASYNC__INNER(t);
        if (!(t->flags & T_STARTED)) {
            t->flags |= T_STARTED;
            if (root->size < root->fn->frame_size && !(f = task_start(loop, t)))
                done = T_DONE | T_FAILED;   /* no memory for its frame: never runs */
        }
        while (f) {
            if (f->fn->resume(f) != ASYNC__DONE) {
                if (async__unlikely(t->flags & T_NOMEM)) {
                    async__make_ready(loop, t);
                } else if (async__unlikely(t->flags & T_CANCEL)) {
                    /* It cancelled itself: lands at this await. */
                    async__task_cancel_wait(loop, t);
                }
                break;
            }
            async_frame *caller = NULL;
            if (f != root) {
                caller = f->caller;
                async__frame_free(loop, f);
            }
            if (!caller) {
                /* The top frame returned.  Cancelled while running and then
                 * returned: asyncio ends such a task cancelled too. */
                ASYNC__INNER(t) = root;
                done = T_DONE | ((t->flags & T_CANCEL) ? T_UNWOUND : 0);
                break;
            }
            ASYNC__INNER(t) = caller;
            f = caller;
        }
    }

    if (traced) {
        const async_frame *site = done ? NULL : async__task_wait_site(t);
        async__trace_run_end(t, done ? NULL : async__task_waits_on(t),
                             site ? site->fn->file : NULL, site ? async__frame_line(site) : 0);
    }
    if (done) {
        if (traced)
            async__trace_task_end(t);
        if (finish(loop, t, done & (T_UNWOUND | T_FAILED)))
            async__task_free(loop, t);
    }
}

static inline __attribute__((always_inline)) void run_batch(async__loop *loop, const bool traced)
{
    for (;;) {
        async_task *t = loop->head;
        loop->head = loop->tail = NULL;
        while (t) {
            async_task *next = t->u.next;
            task_run(loop, t, traced);
            t = next;
        }
        loop->iterations++;
        /* The next iteration, when it would only run the queue (no timer,
         * no I/O) and the main task goes on: no need to go back to
         * iterate() for that. */
        if (!loop->head || loop->nheap || loop->nio || loop->closing ||
            (loop->main->flags & T_DONE))
            break;
    }
    loop->current = NULL;
}

static __attribute__((noinline)) void run_batch_traced(async__loop *loop)
{
    run_batch(loop, true);
}

void async__run_batch(async__loop *loop)
{
    if (async__unlikely(async__trace_on))
        run_batch_traced(loop);
    else
        run_batch(loop, false);
}

/* async__await's sleep: arms t's timer (a call, so out of the fast paths). */
static __attribute__((noinline)) int await_sleep(async__loop *loop, async_task *t)
{
    if (async__timer_arm(loop, t, async__deadline(t->u.seconds), T_SLEEP) < 0)
        t->flags |= T_NOMEM;    /* the loop unwinds it: -ENOMEM */
    return ASYNC__SUSPENDED;
}

/* A child run by await_frame has returned: it is freed and its caller is
 * the innermost frame again. */
static inline int await_frame_done(async_frame *child)
{
    async__loop *loop = async__cur;
    ASYNC__INNER(loop->current) = child->caller;
    async__frame_free(loop, child);
    return ASYNC__DONE;
}

/* async__await of a frame: runs the child until it suspends or ends.  Out
 * of line (entered by a jump) so that only this path saves registers. */
static __attribute__((noinline)) int await_frame(async__loop *loop, async_frame *self,
                                                 async_frame *child)
{
    async_task *t = loop->current;
    if (async__unlikely(!child)) {
        t->flags |= T_NOMEM;
        ASYNC__INNER(t) = self;
        return ASYNC__SUSPENDED;
    }
    child->caller = self;
    ASYNC__INNER(t) = child;
    if (child->fn->resume(child) != ASYNC__DONE)
        return ASYNC__SUSPENDED;
    /* Only `child` is kept across the call: the loop, its task and `self`
     * are read again, which costs less than saving three more registers
     * on every await (await depth). */
    return await_frame_done(child);
}

int async__await(async_frame *self, async_frame *child)
{
    /* The awaits with no frame of their own come first and make no call
     * but a tail call, so that the compiler saves no register for them: an
     * await of a done task (spawn-join, skynet) and a yield (round robin)
     * are a dozen instructions.  NULL is not in the range. */
    async__loop *loop = async__cur;
    if ((uintptr_t)child - (uintptr_t)loop->special >= sizeof loop->special)
        return await_frame(loop, self, child);
    if (child == &loop->special[ASYNC__SP_NOP])
        return ASYNC__DONE;         /* a done task, a lock free at once */
    async_task *t = loop->current;
    ASYNC__INNER(t) = self;
    if (async__likely(child == &loop->special[ASYNC__SP_YIELD])) {
        /* async_sleep(0): to the tail of the queue; resumes at `self`. */
        async__ready_push(loop, t);
        return ASYNC__SUSPENDED;
    }
    return await_sleep(loop, t);
}

/* ------------------------------------------------------------------------
 * Cancellation.
 * ---------------------------------------------------------------------- */
void async__task_cancel_wait(async__loop *loop, async_task *t)
{
    if (t->flags & T_READY)
        return;
    if (t->flags & T_SLEEP) {
        async__timer_disarm(loop, t);
        async__ready_push(loop, t);
        return;
    }
    async_frame *f = ASYNC__INNER(t);
    if (ASYNC__IS_RT(f) && ASYNC__RT(f)->cancel)
        ASYNC__RT(f)->cancel(t, f);
    else
        async__ready_push(loop, t);
}

bool async_task_cancel(async_task *t)
{
    if (!t || (t->flags & T_DONE))
        return false;
    if (t->flags & T_CANCEL)
        return true;
    t->flags |= T_CANCEL;
    async__loop *loop = async__cur;
    /* Not started: it is in the ready queue.  Running: lands at its next
     * await that suspends (see async__task_run). */
    if (loop && (t->flags & T_STARTED) && t != loop->current)
        async__task_cancel_wait(loop, t);
    return true;
}

/* ------------------------------------------------------------------------
 * Handles.
 * ---------------------------------------------------------------------- */
bool async_task_done(const async_task *t)
{
    return t && (t->flags & T_DONE);
}

bool async_task_cancelled(const async_task *t)
{
    return t && (t->flags & T_DONE) && (t->flags & T_UNWOUND);
}

int async_task_status(const async_task *t)
{
    if (!t)
        return -EINVAL;
    if (!(t->flags & T_DONE))
        return -EAGAIN;
    if (t->flags & T_FAILED)
        return -ENOMEM;
    if (t->flags & T_UNWOUND)
        return ASYNC_CANCELLED;
    return 0;
}

void async_task_release(async_task *t)
{
    if (!t)
        return;
    async__loop *loop = async__cur;
    if (!loop)
        async__die("async_task_release", "no loop runs in this thread (handles die with their loop)");
    if (!(t->flags & T_LIVE) || (t->flags & T_RELEASED))
        async__die("async_task_release", "task released twice, or not a task");
    uint32_t flags = t->flags;
    if (async__likely((flags & (T_DONE | T_MAIN | T_LARGE)) == T_DONE)) {
        /* The usual case, a done task from the pool, without a call. */
        async__pool_put_task(&loop->tasks, async__task_block(t), async__task_block_size(t));
        loop->ntasks--;
        return;
    }
    if (flags & T_MAIN)
        return;             /* async_run's task: the loop frees it */
    if (flags & T_DONE)
        async__task_free(loop, t);
    else
        t->flags |= T_RELEASED;
}

async_task *async_current_task(void)
{
    async__loop *loop = async__cur;
    return loop ? loop->current : NULL;
}

const async_frame *async__task_wait_site(const async_task *t)
{
    if (!(t->flags & T_STARTED) || (t->flags & T_DONE))
        return NULL;
    const async_frame *root = ASYNC__ROOT(t);
    for (const async_frame *f = ASYNC__INNER(t); f; f = f->caller) {
        if (!ASYNC__IS_RT(f))
            return f;
        if (f == root)
            break;
    }
    return NULL;
}

const char *async__task_waits_on(const async_task *t)
{
    if (t->flags & T_DONE)
        return NULL;
    if (t->flags & T_READY)
        return "ready";
    if (t->flags & T_SLEEP)
        return "sleep";
    const async_frame *f = ASYNC__INNER(t);
    if (ASYNC__IS_RT(f))
        return ASYNC__RT(f)->what;
    return "unknown";
}

/* ------------------------------------------------------------------------
 * await(t): async__task_await.
 * ---------------------------------------------------------------------- */
struct task_await_frame {
    async_frame hdr;
    async_task *self;       /* as in async__waiting_frame */
    async_task **ret;
    async_task *target;
    async__waiter w;
};

static const async__rtinfo task_await_info;

static int task_await_resume(async_frame *f)
{
    struct task_await_frame *a = (struct task_await_frame *)f;
    switch (f->state) {
    case 0:
        if (a->target && !(a->target->flags & T_DONE)) {
            a->self = async__cur->current;
            if (a->target == a->self)
                async__die("await", "a task cannot await itself");
            async__waiter_add(a->target, &a->w, f);
            f->state = 1;
            return ASYNC__SUSPENDED;
        }
        /* NULL, or done already */
        /* fall through */
    case 1:
        if (a->ret)
            *a->ret = a->target;
        return ASYNC__DONE;
    default:
        /* Unwinding: normally the target finished (that woke us); after a
         * forced shutdown it may not have. */
        if (a->self)
            async__waiter_remove(a->target, &a->w);
        return ASYNC__DONE;
    }
}

static void task_await_cancel(async_task *t, async_frame *f)
{
    (void)t;
    async_task_cancel(((struct task_await_frame *)f)->target);
}

static void task_await_wake(async__waiter *w)
{
    struct task_await_frame *a = (struct task_await_frame *)w->owner;
    async__make_ready(async__cur, a->self);
}

const unsigned async__rt_lines[1] = { 0 };
const char async__rt_file[] = "<libasyncc>";

static const async__rtinfo task_await_info = {
    { task_await_resume, "await", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "task", task_await_cancel, task_await_wake, NULL,
};

/* The frame of an await that has to wait (or of a task made of one). */
static __attribute__((noinline)) async_frame *task_await_new(unsigned mode, async_task **ret,
                                                             async_task *t)
{
    struct task_await_frame *a = (struct task_await_frame *)
        async__frame_new(sizeof *a, &task_await_info.info, mode);
    if (!a)
        return NULL;
    a->ret = ret;
    a->target = t;
    a->self = NULL;
    a->w.next = NULL;
    a->w.owner = NULL;
    return &a->hdr;
}

async_frame *async__new_async__task_await(unsigned mode, async_task **ret, async_task *t)
{
    /* Over before it starts: no frame, no resume.  No call on this path,
     * so no register to save. */
    async__loop *loop = async__cur;
    if (async__likely(mode == ASYNC__AWAIT && loop && (!t || (t->flags & T_DONE)))) {
        if (ret)
            *ret = t;
        return &loop->special[ASYNC__SP_NOP];
    }
    return task_await_new(mode, ret, t);
}
