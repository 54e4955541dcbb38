/*
 * internal.h - what the files of libasyncc share, and nothing else.
 *
 * One banner per file, listing what that file exports to the others.  The
 * names are `async__` (hidden from users by the reserved prefix); statics in
 * each file are unprefixed.  docs/runtime.md explains the design; the short
 * version:
 *
 *   - One loop per thread, reached through a thread-local pointer.
 *   - A task is a 24-byte header followed by its root frame, in one block
 *     from the loop's task pool (8 bytes in front of the header when the
 *     frame may need 16-byte alignment).  Frames of inline awaits come from the
 *     frame pool.  Both pools are free lists by size class (8-byte steps)
 *     carved from slabs: no malloc header per object.
 *   - The timer heap is an array of (deadline, task) pairs.  A task waits on
 *     at most one timer at a time (its sleep or its wait_for), so the rest
 *     of the timer lives in the task: the heap index and the arming number,
 *     in a union with the ready-queue link (a sleeping task is never in the
 *     ready queue).  An inline sleep needs no frame at all.
 *   - Every task the loop owns is found by walking the task pool's slabs;
 *     there is no list of all tasks, which would cost 16 bytes per task.
 */
#ifndef ASYNC_INTERNAL_H
#define ASYNC_INTERNAL_H

#include <async.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#  define async__likely(x)   __builtin_expect(!!(x), 1)
#  define async__unlikely(x) __builtin_expect(!!(x), 0)
#  define ASYNC__NORETURN    __attribute__((noreturn))
#  define ASYNC__COLD        __attribute__((cold, noinline))
#else
#  define async__likely(x)   (x)
#  define async__unlikely(x) (x)
#  define ASYNC__NORETURN
#  define ASYNC__COLD
#endif

/* AddressSanitizer: pools poison what they free, so a use after free is seen. */
#if defined(__SANITIZE_ADDRESS__)
#  define ASYNC__ASAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define ASYNC__ASAN 1
#  endif
#endif
#ifdef ASYNC__ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#  define ASYNC__POISON(p, n)   __asan_poison_memory_region((p), (n))
#  define ASYNC__UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#  define ASYNC__POISON(p, n)   ((void)(p), (void)(n))
#  define ASYNC__UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* ------------------------------------------------------------------------
 * alloc.c: the one allocator every allocation goes through, so that tests
 * can make the Nth one fail.
 * ---------------------------------------------------------------------- */
void *async__alloc(size_t size);
void *async__realloc(void *p, size_t size);
void  async__free(void *p);
void *async__alloc_huge(size_t size);  /* 2 MiB aligned, huge pages */
void  async__free_huge(void *p, size_t size);
/* A pool's own counting point: true when the test hook says this
 * allocation fails.  Pools call it once per block, on their slow path only
 * when no test is armed. */
extern _Thread_local unsigned long async__alloc_fail_at; /* 0: never; per thread */
bool async__alloc_should_fail(void);

/* Test-only hooks (declared here, not in async.h). */
void          async__test_fail_alloc_at(unsigned long n); /* 0 disarms */
unsigned long async__test_alloc_calls(void);  /* counting points passed */
long          async__test_alloc_live(void);   /* blocks from async__alloc not freed */

/* ------------------------------------------------------------------------
 * The task.
 * ---------------------------------------------------------------------- */
enum {
    T_LIVE     = 1u << 0,   /* the block holds a task (0 in a free block) */
    T_STARTED  = 1u << 1,   /* its body has run */
    T_READY    = 1u << 2,   /* in the ready queue, or in the batch being run */
    T_CANCEL   = 1u << 3,   /* cancellation asked for, not yet landed */
    T_NOMEM    = 1u << 4,   /* an await could not get a frame: unwind, -ENOMEM */
    T_DONE     = 1u << 5,
    T_RELEASED = 1u << 6,   /* no handle: freed when done */
    T_ARMED    = 1u << 7,   /* in the timer heap */
    T_SLEEP    = 1u << 12,  /* the timer is an inline sleep's (see sleep.c) */
    T_LARGE    = 1u << 8,   /* block from async__alloc, with a large_hdr */
    T_MAIN     = 1u << 9,
    T_UNWOUND  = 1u << 10,  /* status bit: ended by cancellation */
    T_FAILED   = 1u << 11,  /* status bit: ended for lack of memory */
    T_PADDED   = 1u << 13,  /* 8 bytes in front of the header (ASYNC__PAD_MARK) */
};

/* Word 0 of a task block whose task starts ASYNC__TASK_PAD bytes in
 * (T_PADDED): no T_LIVE bit, so the pool walker knows to look at the task
 * behind it. */
#define ASYNC__PAD_MARK 2u
#define ASYNC__TASK_PAD 8

struct async__waiter;

struct async_task {
    uint32_t flags;         /* first: read by the pool walker in free blocks */
    uint32_t seq;           /* creation order */
    union {
        async_task *next;   /* ready queue */
        struct {            /* while T_ARMED (the deadline is in the heap) */
            uint32_t heap_index;
            uint32_t seq;   /* arming order, for ties */
        } timer;
        double seconds;     /* between async__new_async_sleep and async__await */
    } u;
    struct async__waiter *waiters; /* circular list, this points at the last */
};

#define ASYNC__ROOT(t)  ((async_frame *)((char *)(t) + sizeof(async_task)))
#define ASYNC__TASK_OF_ROOT(f) ((async_task *)((char *)(f) - sizeof(async_task)))

/* A root frame that needs 16-byte alignment (fn->frame_align over 8, or
 * not known: 0) starts its block 8 bytes before the task header, so that
 * the frame, 24 bytes after the header, is 16-aligned in a 16-aligned
 * block.  (0 - 1 wraps: one compare.) */
static inline size_t async__task_pad(const async__fninfo *fn)
{
    return fn->frame_align - 1u > 7u ? ASYNC__TASK_PAD : 0;
}

/* Where t's block starts, and its size, for the task pool. */
static inline void *async__task_block(async_task *t)
{
    return (char *)t - ((t->flags & T_PADDED) ? ASYNC__TASK_PAD : 0);
}
static inline size_t async__task_block_size(async_task *t)
{
    return ((t->flags & T_PADDED) ? ASYNC__TASK_PAD : 0) + sizeof(async_task) + ASYNC__ROOT(t)->size;
}

/* The task's innermost frame.  A root frame has no caller, so its `caller`
 * slot holds the innermost frame of its task (the root itself when it
 * awaits nothing), which saves a word in the task header.  Generated code
 * never reads `caller`; the runtime stops every walk up a chain at the
 * root. */
#define ASYNC__INNER(t) (ASYNC__ROOT(t)->caller)

/* Something waiting for a task to finish: lives in the waiting frame. */
typedef struct async__waiter {
    struct async__waiter *next;
    async_frame *owner;     /* the waiting frame; owner->fn says its kind */
} async__waiter;

/* Every runtime frame that waits for tasks starts so: its task follows the
 * header (print.c reads it to say who awaits whom). */
typedef struct async__waiting_frame {
    async_frame hdr;
    async_task *self;
} async__waiting_frame;

/* A frame of the runtime's own awaitables is an async__rtinfo: the fninfo
 * generated code would have, and what the loop needs to cancel it. */
typedef struct async__rtinfo {
    async__fninfo info;
    const char *what;       /* "sleep", "task", ...: traces, print_tasks */
    /* The task waits here and cancellation was asked for: cancel what it
     * waits on, or make the task ready.  */
    void (*cancel)(async_task *t, async_frame *f);
    /* A task it waits for finished (w is its waiter). */
    void (*wake)(async__waiter *w);
    /* Its timer fired. */
    void (*fire)(async_task *t, async_frame *f);
} async__rtinfo;

extern const char async__rt_file[];
extern const unsigned async__rt_lines[1];
#define ASYNC__IS_RT(f) ((f)->fn->file == async__rt_file)
#define ASYNC__RT(f)    ((const async__rtinfo *)(const void *)(f)->fn)

/* ------------------------------------------------------------------------
 * pool.c: size-class pools carved from slabs.
 * ---------------------------------------------------------------------- */
#define ASYNC__POOL_GRAIN 8
#define ASYNC__POOL_MAX   1024  /* bigger blocks come from async__alloc */
#define ASYNC__POOL_NCLASS (ASYNC__POOL_MAX / ASYNC__POOL_GRAIN + 1)
/* async.h's inline async__frame_new indexes the frame pool's free lists. */
_Static_assert(ASYNC__POOL_MAX == ASYNC__FRAME_LIST_MAX && ASYNC__POOL_GRAIN == 8,
               "async__frame_lists: the size classes of async.h and pool.c differ");

struct async__slab;
typedef struct async__pool_class {
    char *bump, *end;       /* rest of the newest slab */
    struct async__slab *slabs;
    size_t bytes;           /* in all its slabs */
} async__pool_class;

typedef struct async__pool {
    bool counting;          /* a test counts every block (see alloc.c) */
    bool tasks;             /* a task pool: keeps word 0 of free blocks 0 */
    void *free[ASYNC__POOL_NCLASS]; /* free lists, linked through word 1 */
    async__pool_class cls[ASYNC__POOL_NCLASS];
} async__pool;

void  async__pool_init(async__pool *p, bool tasks);
void  async__pool_destroy(async__pool *p);
void *async__pool_grow(async__pool *p, size_t size);   /* slow path */
/* Calls fn on each live task block (word 0 has T_LIVE). */
void  async__pool_walk(async__pool *p, void (*fn)(async_task *t, void *arg), void *arg);
/* Blocks handed out and not given back (walks the free lists: for tests and
 * the close, not for a hot path). */
size_t async__pool_live(const async__pool *p);

static inline size_t async__pool_round(size_t size)
{
    return (size + ASYNC__POOL_GRAIN - 1) & ~(size_t)(ASYNC__POOL_GRAIN - 1);
}

static inline void *async__pool_get(async__pool *p, size_t size)
{
    size_t i = (size + ASYNC__POOL_GRAIN - 1) / ASYNC__POOL_GRAIN;
    size_t bs = i * ASYNC__POOL_GRAIN;
    void *b = p->free[i];
    if (async__likely(!p->counting)) {
        if (async__likely(b != NULL)) {
            ASYNC__UNPOISON(b, bs);
            p->free[i] = ((void **)b)[1];
            return b;
        }
        async__pool_class *c = &p->cls[i];
        if (async__likely((size_t)(c->end - c->bump) >= bs)) {
            b = c->bump;
            c->bump += bs;
            ASYNC__UNPOISON(b, bs);
            return b;
        }
    }
    return async__pool_grow(p, size);
}

/* Gives a frame block back (a task block: async__pool_put_task). */
static inline void async__pool_put(async__pool *p, void *b, size_t size)
{
    void **head = &p->free[(size + ASYNC__POOL_GRAIN - 1) / ASYNC__POOL_GRAIN];
    ((void **)b)[1] = *head;
    *head = b;
    ASYNC__POISON(b, async__pool_round(size));
}

static inline void async__pool_put_task(async__pool *p, void *b, size_t size)
{
    void **head = &p->free[(size + ASYNC__POOL_GRAIN - 1) / ASYNC__POOL_GRAIN];
    ((void **)b)[1] = *head;
    *head = b;
    *(uint32_t *)b = 0;
    ASYNC__POISON((char *)b + 8, async__pool_round(size) - 8);
}

/* ------------------------------------------------------------------------
 * loop.c: the loop and its phases.
 * ---------------------------------------------------------------------- */
typedef struct async__large {   /* in front of a task block from async__alloc */
    struct async__large *prev, *next;
    void *unused;               /* 24 bytes: the root frame after the task
                                 * header is 16-aligned, as malloc's block */
} async__large;

/* A slot of the timer heap: the deadline beside the task, so that sifting
 * compares deadlines without touching the tasks (but for ties). */
typedef struct async__timer_slot {
    uint64_t deadline;          /* monotonic ns */
    async_task *task;
} async__timer_slot;

typedef struct async__loop {
    async_task *head, *tail;    /* ready queue */
    async_task *current;        /* the task being resumed, or NULL */
    async_task *main;
    async__pool frames;         /* frames of inline awaits */
    async__pool tasks;          /* task blocks */
    async__large large;         /* list of large task blocks (sentinel) */
    async__timer_slot *heap;    /* timer heap */
    uint32_t nheap, heapcap;
    uint32_t timer_seq;
    uint32_t task_seq;
    uint64_t now;               /* monotonic ns, read in each iteration with
                                 * timers or I/O: what expiry is checked at */
    size_t unfinished;          /* tasks created and not done */
    size_t ntasks;              /* task blocks allocated */
    size_t nlarge_frames;       /* frames from async__alloc */
    size_t iterations;
    size_t nio;                 /* I/O waits registered (io_epoll.c) */
    /* Frames that stand for an await needing no frame of its own;
     * async__await recognises them (see ASYNC__SP_*). */
    async_frame special[4];
    void *pool;                 /* thread_pool.c's state */
    bool closing;               /* shutting down: new tasks start cancelled */
    void *io;                   /* io_epoll.c's state */
} async__loop;

extern _Thread_local async__loop *async__cur;

uint64_t async__clock_ns(void);
void async__update_time(async__loop *loop);

/* Appends t to the ready queue (§1.7 rule 1: FIFO). */
static inline void async__ready_push(async__loop *loop, async_task *t)
{
    t->u.next = NULL;
    if (loop->tail)
        loop->tail->u.next = t;
    else
        loop->head = t;
    loop->tail = t;
    t->flags |= T_READY;
}

/* The same, for a task that may be in the queue already. */
static inline void async__make_ready(async__loop *loop, async_task *t)
{
    if (!(t->flags & T_READY))
        async__ready_push(loop, t);
}

enum {
    ASYNC__SP_NOP,      /* over before it starts (a done task): go on */
    ASYNC__SP_YIELD,    /* async_sleep(x <= 0): to the tail of the queue */
    ASYNC__SP_SLEEP,    /* async_sleep(x > 0): x is in current->u.seconds */
    ASYNC__SP_POOL,     /* not an await: the thread pool's wake-up watch */
};

/* What a test reads after async__run returned: the state of the loop just
 * before it was freed.  Everything must be 0 but tasks_at_close. */
typedef struct async__close_stats {
    size_t unfinished;      /* tasks not done */
    size_t frames;          /* inline-await frames not freed */
    size_t timers;          /* armed timers */
    size_t ready;           /* tasks left in the ready queue */
    size_t tasks_at_close;  /* finished tasks whose handles were never released */
    size_t iterations;      /* loop iterations run */
} async__close_stats;
extern _Thread_local async__close_stats async__last_close;

/* ------------------------------------------------------------------------
 * task.c: tasks, frames, the resume and unwind of a task.
 * ---------------------------------------------------------------------- */
/* Runs the ready queue as it stands (one iteration), and the iterations
 * after it that would only run the queue; see loop.c. */
void async__run_batch(async__loop *loop);
void async__task_free(async__loop *loop, async_task *t);
static inline void async__frame_free(async__loop *loop, async_frame *f)
{
    void async__frame_free_large(async__loop *loop, async_frame *f);
    if (async__likely(f->size <= ASYNC__POOL_MAX))
        async__pool_put(&loop->frames, f, f->size);
    else
        async__frame_free_large(loop, f);
}
/* Cancel what `t` waits on, or make it ready: the second half of cancel. */
void async__task_cancel_wait(async__loop *loop, async_task *t);
ASYNC__NORETURN ASYNC__COLD void async__die(const char *func, const char *reason);
/* Links w (owned by `owner`) as the last waiter of t. */
void async__waiter_add(async_task *t, async__waiter *w, async_frame *owner);
/* Unlinks w from t's waiters if it is there. */
void async__waiter_remove(async_task *t, async__waiter *w);
/* What `t` waits on, for traces and print_tasks; NULL when it does not. */
const char *async__task_waits_on(const async_task *t);
/* The source line of f's await point (its function's line before the
 * first), 0 when not known. */
static inline unsigned async__frame_line(const async_frame *f)
{
    const async__fninfo *fn = f->fn;
    if (!fn->lines || fn->nlines == 0)
        return 0;
    return f->state < fn->nlines ? fn->lines[f->state] : fn->lines[0];
}
/* The innermost frame of a waiting task's chain that is the user's (not
 * the runtime's awaitable it waits in): where in the source it waits.
 * NULL when there is none. */
const async_frame *async__task_wait_site(const async_task *t);

/* ------------------------------------------------------------------------
 * timer.c: the heap.  Entries are tasks.  When a timer fires, an inline
 * sleep's task (T_SLEEP) is made ready; otherwise the task's innermost
 * frame (a wait_for) has its `fire` called.
 * ---------------------------------------------------------------------- */
/* kind: T_SLEEP for an inline sleep, else 0.  0 or -ENOMEM. */
int  async__timer_arm(async__loop *loop, async_task *t, uint64_t deadline, uint32_t kind);
void async__timer_disarm(async__loop *loop, async_task *t);
/* Pops the timers due at loop->now, in order, and fires them. */
void async__timer_run(async__loop *loop);
/* Earliest deadline, UINT64_MAX when none. */
uint64_t async__timer_next(const async__loop *loop);
/* Deadline of `seconds` from a fresh clock reading (not loop->now),
 * saturating. */
uint64_t async__deadline(double seconds);

/* ------------------------------------------------------------------------
 * io_epoll.c: the I/O backend, behind this interface so that a poll or
 * kqueue backend changes no caller.
 * ---------------------------------------------------------------------- */
int  async__io_init(async__loop *loop);
void async__io_close(async__loop *loop);
static inline bool async__io_pending(const async__loop *loop) /* anything registered */
{
    return loop->nio != 0;
}
/* Waits for readiness up to `deadline` (monotonic ns; 0: do not block,
 * UINT64_MAX: no timer) and calls async__io_ready for each waiter whose
 * fd is ready. */
void async__io_poll(async__loop *loop, uint64_t deadline);
enum { ASYNC__IO_READ, ASYNC__IO_WRITE };
/* Makes `f` (of the running task) wait until fd is ready in direction dir.
 * 0; -EBUSY when another frame waits there; -EPERM for a file epoll cannot
 * wait on (a regular file); another negative errno. */
int  async__io_watch(async__loop *loop, int fd, int dir, async_frame *f);
/* Stops f's wait, if it still waits. */
void async__io_unwatch(async__loop *loop, int fd, int dir, async_frame *f);

/* io.c: the backend found f's fd ready (f no longer waits). */
void async__io_ready(async__loop *loop, async_frame *f);

/* ------------------------------------------------------------------------
 * thread_pool.c: async_to_thread's workers.
 * ---------------------------------------------------------------------- */
void async__pool_wakeup(async__loop *loop);   /* jobs finished: wake their tasks */
void async__pool_close(async__loop *loop);    /* joins the workers */

/* ------------------------------------------------------------------------
 * print.c: the sorted list of live tasks, shared with the shutdown.
 * ---------------------------------------------------------------------- */
/* Every live task block in creation order, in a fresh array (*n of them);
 * NULL with *n set when memory runs out (then use async__each_task). */
async_task **async__tasks_sorted(async__loop *loop, size_t *n);
void async__each_task(async__loop *loop, void (*fn)(async_task *t, void *arg), void *arg);

#endif
