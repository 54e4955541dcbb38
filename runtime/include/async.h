/*
 * async.h - the one public header of asyncc.
 *
 * It serves two readers.  In an annotated source file (NAME.async.c) it
 * defines the keywords `async` and `await(...)` and the task-level macros as
 * ordinary C that clang parses without complaint, so that editors and clangd
 * understand the file; the translator `asyncc` then finds them in the AST and
 * rewrites them.  In the generated file it declares the runtime, libasyncc,
 * including the small ABI that generated code calls (the `async__` names; see
 * docs/abi.md).  The prefix `async__` is reserved for asyncc in every file
 * that includes this header.
 *
 * Every error is a negative errno value, as in libuv.
 */
#ifndef ASYNC_H
#define ASYNC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is what a shared libasyncc exports; the
 * library is built with -fvisibility=hidden, so its internals are not. */
#if defined(__GNUC__)
#  pragma GCC visibility push(default)
#endif

#define ASYNC_VERSION_MAJOR 0
#define ASYNC_VERSION_MINOR 1
#define ASYNC_VERSION_PATCH 0
#define ASYNC_VERSION_STRING "0.1.0"

/* A task's status, and the value of gather and wait_for, beside 0 and the
 * runtime's own errors (-ENOMEM, -EINVAL). Usable as case labels. */
#define ASYNC_CANCELLED (-ECANCELED)
#define ASYNC_TIMEOUT   (-ETIMEDOUT)

typedef struct async_task async_task;
typedef struct async_frame async_frame;

/* ------------------------------------------------------------------------
 * The annotations.
 *
 * `async` is an annotate attribute that only clang knows; gcc (which never
 * sees an annotated file that was translated, only headers with async
 * prototypes in them) gets nothing, so that it does not warn.
 *
 * Compiled without translation, every marker below is a call to a function
 * declared with the `error` attribute: the compiler stops with a message that
 * says what to do.  A syntax-only parse (clangd, -fsyntax-only) reports
 * nothing, because that attribute acts at code generation.
 * ---------------------------------------------------------------------- */
#if defined(__clang__)
#  define async_function __attribute__((annotate("async")))
#else
#  define async_function
#endif

#if defined(__has_attribute)
#  if __has_attribute(error)
#    define ASYNC__UNTRANSLATED \
        __attribute__((error("this file uses async/await: translate it with asyncc first (see README)")))
#  endif
#endif
#ifndef ASYNC__UNTRANSLATED
#  define ASYNC__UNTRANSLATED
#endif

ASYNC__UNTRANSLATED void async__await_marker(void);
ASYNC__UNTRANSLATED void async__defer_marker(void);
ASYNC__UNTRANSLATED async_task *async__create_task_marker(void);
ASYNC__UNTRANSLATED int async__run_marker(void);
ASYNC__UNTRANSLATED int async__gather_marker(int items);
ASYNC__UNTRANSLATED int async__wait_for_marker(int item, double seconds);

/* await(E): E is a call of an async function, an async_task *, or one of
 * the runtime's awaitables.  Its value is E's value. */
#define async_await(e) (async__await_marker(), (e))

/* async_defer(stmt-or-block): run at the function's exit, return or
 * cancellation, last registered first. */
#define async_defer(...) \
    do { if (0) { __VA_ARGS__; } async__defer_marker(); } while (0)

/* async_create_task(f(x)) or async_create_task(r = f(x)): an async_task *. */
#define async_create_task(call) ((void)(call), async__create_task_marker())

/* async_run(f(x)) or async_run(r = f(x)): runs a loop; the main task's status. */
#define async_run(call) ((void)(call), async__run_marker())

/* await(async_gather(ITEM, ...)): items are CALL, lvalue = CALL, or tasks. */
/* async_gather's items, each cast to void so that a task handle among them
 * draws no unused-value warning in a syntax-only parse; at most 32 items. */
#define ASYNC__NARG(...) ASYNC__NARG_(__VA_ARGS__, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ASYNC__NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, n, ...) n
#define ASYNC__CAT(a, b) ASYNC__CAT_(a, b)
#define ASYNC__CAT_(a, b) a##b
#define ASYNC__VOIDS(...) ASYNC__CAT(ASYNC__VOIDS, ASYNC__NARG(__VA_ARGS__))(__VA_ARGS__)
#define ASYNC__VOIDS1(a) (void)(a)
#define ASYNC__VOIDS2(a, ...) (void)(a), ASYNC__VOIDS1(__VA_ARGS__)
#define ASYNC__VOIDS3(a, ...) (void)(a), ASYNC__VOIDS2(__VA_ARGS__)
#define ASYNC__VOIDS4(a, ...) (void)(a), ASYNC__VOIDS3(__VA_ARGS__)
#define ASYNC__VOIDS5(a, ...) (void)(a), ASYNC__VOIDS4(__VA_ARGS__)
#define ASYNC__VOIDS6(a, ...) (void)(a), ASYNC__VOIDS5(__VA_ARGS__)
#define ASYNC__VOIDS7(a, ...) (void)(a), ASYNC__VOIDS6(__VA_ARGS__)
#define ASYNC__VOIDS8(a, ...) (void)(a), ASYNC__VOIDS7(__VA_ARGS__)
#define ASYNC__VOIDS9(a, ...) (void)(a), ASYNC__VOIDS8(__VA_ARGS__)
#define ASYNC__VOIDS10(a, ...) (void)(a), ASYNC__VOIDS9(__VA_ARGS__)
#define ASYNC__VOIDS11(a, ...) (void)(a), ASYNC__VOIDS10(__VA_ARGS__)
#define ASYNC__VOIDS12(a, ...) (void)(a), ASYNC__VOIDS11(__VA_ARGS__)
#define ASYNC__VOIDS13(a, ...) (void)(a), ASYNC__VOIDS12(__VA_ARGS__)
#define ASYNC__VOIDS14(a, ...) (void)(a), ASYNC__VOIDS13(__VA_ARGS__)
#define ASYNC__VOIDS15(a, ...) (void)(a), ASYNC__VOIDS14(__VA_ARGS__)
#define ASYNC__VOIDS16(a, ...) (void)(a), ASYNC__VOIDS15(__VA_ARGS__)
#define ASYNC__VOIDS17(a, ...) (void)(a), ASYNC__VOIDS16(__VA_ARGS__)
#define ASYNC__VOIDS18(a, ...) (void)(a), ASYNC__VOIDS17(__VA_ARGS__)
#define ASYNC__VOIDS19(a, ...) (void)(a), ASYNC__VOIDS18(__VA_ARGS__)
#define ASYNC__VOIDS20(a, ...) (void)(a), ASYNC__VOIDS19(__VA_ARGS__)
#define ASYNC__VOIDS21(a, ...) (void)(a), ASYNC__VOIDS20(__VA_ARGS__)
#define ASYNC__VOIDS22(a, ...) (void)(a), ASYNC__VOIDS21(__VA_ARGS__)
#define ASYNC__VOIDS23(a, ...) (void)(a), ASYNC__VOIDS22(__VA_ARGS__)
#define ASYNC__VOIDS24(a, ...) (void)(a), ASYNC__VOIDS23(__VA_ARGS__)
#define ASYNC__VOIDS25(a, ...) (void)(a), ASYNC__VOIDS24(__VA_ARGS__)
#define ASYNC__VOIDS26(a, ...) (void)(a), ASYNC__VOIDS25(__VA_ARGS__)
#define ASYNC__VOIDS27(a, ...) (void)(a), ASYNC__VOIDS26(__VA_ARGS__)
#define ASYNC__VOIDS28(a, ...) (void)(a), ASYNC__VOIDS27(__VA_ARGS__)
#define ASYNC__VOIDS29(a, ...) (void)(a), ASYNC__VOIDS28(__VA_ARGS__)
#define ASYNC__VOIDS30(a, ...) (void)(a), ASYNC__VOIDS29(__VA_ARGS__)
#define ASYNC__VOIDS31(a, ...) (void)(a), ASYNC__VOIDS30(__VA_ARGS__)
#define ASYNC__VOIDS32(a, ...) (void)(a), ASYNC__VOIDS31(__VA_ARGS__)
#define async_gather(...) async__gather_marker((ASYNC__VOIDS(__VA_ARGS__), 0))

/* await(async_wait_for(ITEM, seconds)) */
#define async_wait_for(item, seconds) \
    async__wait_for_marker(((void)(item), 0), (seconds))

/* ASYNC_BLOCKING(call): marks a blocking call inside an async function as
 * intended, which silences asyncc's blocking-call warning for that call. */
#define ASYNC_BLOCKING(call) (call)

#ifndef ASYNC_NO_KEYWORDS
#  define async async_function
#  define await(e) async_await(e)
#endif

/* ------------------------------------------------------------------------
 * Tasks (DESIGN.md 1.4).
 * ---------------------------------------------------------------------- */
bool async_task_done(const async_task *t);
bool async_task_cancelled(const async_task *t);
int  async_task_status(const async_task *t);
bool async_task_cancel(async_task *t);
void async_task_release(async_task *t);
async_task *async_current_task(void);
void async_print_tasks(FILE *out);

/* ------------------------------------------------------------------------
 * Time (DESIGN.md 1.5).
 * ---------------------------------------------------------------------- */
double async_time(void);
async_function void async_sleep(double seconds);

/* ------------------------------------------------------------------------
 * Synchronisation (DESIGN.md 1.8): asyncio's Event, Lock, Semaphore and
 * Queue, for the tasks of one loop.  The structs are the user's to allocate
 * (statically, on the heap, in a frame); their fields are the runtime's.
 * Waiters are served first come, first served.  Misuse a void function
 * cannot report (releasing a lock that is not held, a semaphore above its
 * initial value, destroying a queue that tasks wait on) aborts with
 * "asyncc: FUNCTION: reason".
 * ---------------------------------------------------------------------- */
struct async__syncwait;
typedef struct async__waitq {   /* waiting frames, first come first */
    struct async__syncwait *head, *tail;
} async__waitq;

typedef struct async_event {
    async__waitq waiters;
    bool set;
} async_event;

typedef struct async_lock {
    async__waitq waiters;
    bool locked;
} async_lock;

typedef struct async_semaphore {
    async__waitq waiters;
    unsigned value, bound;
} async_semaphore;

typedef struct async_queue {
    async__waitq getters, putters;
    unsigned char *buf;
    size_t capacity, item_size, head, count;
} async_queue;

void async_event_init(async_event *ev);
void async_event_set(async_event *ev);          /* wakes every waiter */
void async_event_clear(async_event *ev);
bool async_event_is_set(const async_event *ev);
async_function void async_event_wait(async_event *ev);

void async_lock_init(async_lock *lock);
async_function void async_lock_acquire(async_lock *lock); /* FIFO fairness */
void async_lock_release(async_lock *lock);

void async_semaphore_init(async_semaphore *sem, unsigned value);
async_function void async_semaphore_acquire(async_semaphore *sem);
void async_semaphore_release(async_semaphore *sem);

/* 0, or -EINVAL (a capacity or item size of 0), or -ENOMEM. */
int  async_queue_init(async_queue *q, size_t capacity, size_t item_size);
void async_queue_destroy(async_queue *q);
async_function void async_queue_put(async_queue *q, const void *item); /* waits while full */
async_function void async_queue_get(async_queue *q, void *item);       /* waits while empty */
size_t async_queue_size(const async_queue *q);

/* ------------------------------------------------------------------------
 * I/O on non-blocking fds (DESIGN.md 1.8).  A count or 0 on success, a
 * negative errno on failure; EAGAIN never reaches the caller.  Accepted and
 * connected fds are non-blocking and close-on-exec; a write to a closed
 * peer is -EPIPE and never raises SIGPIPE; a regular file is read and
 * written directly; a second task waiting on the same fd in the same
 * direction gets -EBUSY.
 * ---------------------------------------------------------------------- */
async_function ssize_t async_read(int fd, void *buf, size_t len);        /* at most len; 0 at EOF */
async_function ssize_t async_write(int fd, const void *buf, size_t len); /* all of it, or an error */
async_function ssize_t async_recv(int fd, void *buf, size_t len, int flags);
async_function ssize_t async_send(int fd, const void *buf, size_t len, int flags);
async_function int async_accept(int listen_fd, struct sockaddr *addr, socklen_t *addrlen);
async_function int async_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
async_function int async_wait_readable(int fd);
async_function int async_wait_writable(int fd);
int                async_tcp_listen(const char *host, int port, int backlog); /* non-blocking fd */
async_function int async_tcp_connect(const char *host, int port);            /* resolves, connects */

/* ------------------------------------------------------------------------
 * Blocking work, as asyncio.to_thread: runs fn(arg) on a worker thread and
 * resumes the caller with its result.  A thread cannot be stopped, so a
 * cancelled caller unwinds once fn has returned (arg must stay valid until
 * then), and the result is dropped.  ASYNC_THREADS sets the most workers a
 * loop starts (4).
 * ---------------------------------------------------------------------- */
async_function void *async_to_thread(void *(*fn)(void *), void *arg);

/* ------------------------------------------------------------------------
 * The ABI between generated code and the runtime.  Not for hand-written
 * code; docs/abi.md explains it.  In short: every async function
 *
 *     async T f(P1 a, P2 b);
 *
 * is compiled into a frame struct, a resume function, and one exported
 * entry point whose signature follows from the prototype alone:
 *
 *     async_frame *async__new_f(unsigned mode, T *ret, P1 a, P2 b);
 *
 * (no `ret` parameter when T is void).  It allocates the frame the way
 * `mode` says, stores the arguments and returns it, NULL when memory or a
 * running loop is missing.  The caller then awaits it, spawns it as a task,
 * or runs it as the main task.
 * ---------------------------------------------------------------------- */

/* What a resume function returns. */
#define ASYNC__DONE      0
#define ASYNC__SUSPENDED 1

/* The frame state the runtime sets before calling resume to unwind a
 * cancelled (or out-of-memory) frame: run the defers, return ASYNC__DONE. */
#define ASYNC__UNWIND UINT32_MAX

/* How async__new_F allocates the frame. */
#define ASYNC__AWAIT 0u /* an inline await: from the running loop's frame pool */
#define ASYNC__TASK  1u /* the root frame of a new task on the running loop */
#define ASYNC__MAIN  2u /* the root frame of async_run's main task; no loop needed */

/* Static facts about one async function, one per function, for the runtime's
 * introspection (async_print_tasks, traces). */
typedef struct async__fninfo {
    int (*resume)(async_frame *self);
    const char *name;       /* the function's name */
    const char *file;       /* the annotated source file */
    const unsigned *lines;  /* lines[state]: source line of each await point;
                               lines[0]: the line of the function */
    unsigned nlines;
    /* A task's block holds only the head of its root frame (the header,
     * `ret` and the arguments: the first head_size bytes) until the task
     * starts; the runtime then moves it into a whole frame of frame_size
     * bytes from the frame pool, so that a million created tasks cost only
     * their arguments.  head_size 0: the frame is never split. */
    uint32_t frame_size;
    uint32_t head_size;
    uint32_t frame_align;   /* _Alignof the frame struct; 0: not known */
} async__fninfo;

/* head_size of a frame struct whose head ends with `member`. */
#define ASYNC__HEAD_SIZE(type, member) \
    (uint32_t)(offsetof(type, member) + sizeof(((type *)0)->member))

/* The header of every frame; generated frame structs start with it. */
struct async_frame {
    const async__fninfo *fn;
    async_frame *caller;    /* the awaiting frame in the same task, or NULL */
    uint32_t state;         /* 0 at entry, then the await point to resume at */
    uint32_t size;          /* bytes, for the pool */
};

/* Thread-local storage for the two pointers below, in C++, C11 and the C
 * before it (GNU's __thread), so that the header stays usable from C99. */
#if defined(__cplusplus)
#  define ASYNC__THREAD_LOCAL thread_local
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#  define ASYNC__THREAD_LOCAL _Thread_local
#else
#  define ASYNC__THREAD_LOCAL __thread
#endif

/* Allocates a zeroed-header frame of `size` bytes for `fn`, as `mode` says.
 * NULL when out of memory, or for ASYNC__AWAIT and ASYNC__TASK when no loop
 * runs in this thread.  async__frame_new below is the same with the common
 * case inline. */
async_frame *async__frame_make(size_t size, const async__fninfo *fn, unsigned mode);

/* The free lists of the frame pool of the loop running in this thread, by
 * size class: lists[(size + 7) / 8] holds free blocks of that size rounded
 * up to 8 bytes, linked through their second word.  NULL when no loop runs,
 * and whenever the runtime must see every allocation (a test counting
 * them, a runtime built with AddressSanitizer, which poisons free blocks).
 * It lets an inline await take its frame without a call: the allocation is
 * a quarter of what a nested await costs. */
extern ASYNC__THREAD_LOCAL void **async__frame_lists;
#define ASYNC__FRAME_LIST_MAX 1024  /* bytes: bigger frames always call */

static inline async_frame *async__frame_new(size_t size, const async__fninfo *fn, unsigned mode)
{
    void **lists = async__frame_lists;
    if (mode == ASYNC__AWAIT && size <= ASYNC__FRAME_LIST_MAX && lists != NULL) {
        void **head = &lists[(size + 7) / 8];
        async_frame *f = (async_frame *)*head;
        if (f != NULL) {
            /* The link is read with memcpy, not as a void *: the header
             * stores below write the same word as another type. */
            memcpy(head, (char *)f + sizeof(void *), sizeof(void *));
            f->fn = fn;
            f->caller = NULL;
            f->state = 0;
            f->size = (uint32_t)size;
            return f;
        }
    }
    return async__frame_make(size, fn, mode);
}

/* Runs `child` (from async__new_F(ASYNC__AWAIT, ...)) on the current task
 * at once, on behalf of `self`, whose state the caller has already set to the
 * await point.  ASYNC__DONE: the child finished (its result is stored) and
 * has been freed; go on.  ASYNC__SUSPENDED: return ASYNC__SUSPENDED; the
 * runtime resumes `self` at its state later.  A NULL child (out of memory)
 * suspends, and the task then unwinds with status -ENOMEM. */
int async__await(async_frame *self, async_frame *child);

/* Schedules a root frame from async__new_F(ASYNC__TASK, ...) as a new task
 * and returns its handle; NULL passes through. */
async_task *async__spawn(async_frame *root);

/* Runs a root frame from async__new_F(ASYNC__MAIN, ...) as async_run does.
 * NULL gives -ENOMEM. */
int async__run(async_frame *root);

/* An item of gather or wait_for: a task, and whether the gather created it
 * from a CALL (and so releases it; NULL then means out of memory, otherwise
 * a NULL task is -EINVAL). */
typedef struct async__item {
    async_task *task;
    bool created;
} async__item;

/* The runtime's own awaitables that generated code calls by these names.
 * await(t) on a task handle is async__task_await; gather and wait_for copy
 * their items before they return. */
async_function async_task *async__task_await(async_task *t);
async_function int async__gather(size_t n, const async__item *items);
async_function int async__wait_for(async__item item, double seconds);

/* Entry points of the runtime's awaitables, by the rule above.
 * async_sleep's is inline for its commonest use, the yield of
 * `await(async_sleep(0))`: the running loop's frame that stands for a yield
 * (async__yield_frame, NULL when no loop runs), without a call. */
async_frame *async__sleep_new(unsigned mode, double seconds);
extern ASYNC__THREAD_LOCAL async_frame *async__yield_frame;
static inline async_frame *async__new_async_sleep(unsigned mode, double seconds)
{
    async_frame *yield = async__yield_frame;
    if (mode == ASYNC__AWAIT && !(seconds > 0) && yield != NULL)
        return yield;
    return async__sleep_new(mode, seconds);
}
async_frame *async__new_async__task_await(unsigned mode, async_task **ret, async_task *t);
async_frame *async__new_async__gather(unsigned mode, int *ret, size_t n, const async__item *items);
async_frame *async__new_async__wait_for(unsigned mode, int *ret, async__item item, double seconds);
async_frame *async__new_async_event_wait(unsigned mode, async_event *ev);
async_frame *async__new_async_lock_acquire(unsigned mode, async_lock *lock);
async_frame *async__new_async_semaphore_acquire(unsigned mode, async_semaphore *sem);
async_frame *async__new_async_queue_put(unsigned mode, async_queue *q, const void *item);
async_frame *async__new_async_queue_get(unsigned mode, async_queue *q, void *item);
async_frame *async__new_async_read(unsigned mode, ssize_t *ret, int fd, void *buf, size_t len);
async_frame *async__new_async_write(unsigned mode, ssize_t *ret, int fd, const void *buf, size_t len);
async_frame *async__new_async_recv(unsigned mode, ssize_t *ret, int fd, void *buf, size_t len, int flags);
async_frame *async__new_async_send(unsigned mode, ssize_t *ret, int fd, const void *buf, size_t len, int flags);
async_frame *async__new_async_accept(unsigned mode, int *ret, int listen_fd, struct sockaddr *addr, socklen_t *addrlen);
async_frame *async__new_async_connect(unsigned mode, int *ret, int fd, const struct sockaddr *addr, socklen_t addrlen);
async_frame *async__new_async_wait_readable(unsigned mode, int *ret, int fd);
async_frame *async__new_async_wait_writable(unsigned mode, int *ret, int fd);
async_frame *async__new_async_tcp_connect(unsigned mode, int *ret, const char *host, int port);
async_frame *async__new_async_to_thread(unsigned mode, void **ret, void *(*fn)(void *), void *arg);

#if defined(__GNUC__)
#  pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* ASYNC_H */
