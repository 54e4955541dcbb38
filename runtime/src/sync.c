/*
 * sync.c - asyncio's Event, Lock, Semaphore and Queue.
 *
 * Each primitive keeps a FIFO of waiting frames (async__waitq, doubly
 * linked so that a cancelled waiter leaves in O(1)).  A waiting frame is
 * one struct for all of them: its task, its links, the primitive, and for
 * a queue the item.
 *
 * Lock and Semaphore hand ownership over: a release with waiters gives the
 * lock (or the unit) to the first of them directly, so no task that comes
 * later can take it first (FIFO fairness, as DESIGN.md asks).  A waiter
 * that was handed the lock but is cancelled before it runs gives it on, as
 * asyncio's does.  Event wakes every waiter.  Queue wakes the first waiter
 * of the other side after each put or get, and the woken task tries again,
 * as asyncio's Queue does (a task that comes between may take the slot or
 * the item; the woken one then waits again, at the tail).
 *
 * An await that can go on at once (an event that is set, a free lock, an
 * item in the queue) does its work in the entry point and allocates no
 * frame (task.c's ASYNC__SP_NOP).
 */
#include "internal.h"

#include <string.h>

struct async__syncwait {
    async_frame hdr;
    async_task *self;               /* as in async__waiting_frame */
    struct async__syncwait *next, *prev;
    async__waitq *q;                /* the list it is on, or NULL */
    void *obj;                      /* the primitive */
    void *item;                     /* a queue's item: to put, or to fill */
    bool woken;                     /* made ready by the primitive */
};
typedef struct async__syncwait syncwait;

static void wq_push(async__waitq *q, syncwait *w)
{
    w->q = q;
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
}

static void wq_remove(syncwait *w)
{
    async__waitq *q = w->q;
    if (!q)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->q = NULL;
    w->next = w->prev = NULL;
}

/* Wakes the first waiter of q, if any: true when there was one. */
static bool wake_first(async__waitq *q)
{
    syncwait *w = q->head;
    if (!w)
        return false;
    wq_remove(w);
    w->woken = true;
    async__make_ready(async__cur, w->self);
    return true;
}

static int suspend(syncwait *w, async__waitq *q)
{
    w->self = async__cur->current;
    w->woken = false;
    wq_push(q, w);
    w->hdr.state = 1;
    return ASYNC__SUSPENDED;
}

/* The task waits here and its cancellation was asked for: it leaves the
 * list and runs, to unwind. */
static void sync_cancel(async_task *t, async_frame *f)
{
    wq_remove((syncwait *)f);
    async__make_ready(async__cur, t);
}

static async_frame *nop(void)
{
    return &async__cur->special[ASYNC__SP_NOP];
}

static async_frame *sync_new(unsigned mode, const async__rtinfo *info, void *obj, void *item)
{
    syncwait *w = (syncwait *)async__frame_new(sizeof *w, &info->info, mode);
    if (!w)
        return NULL;
    w->self = NULL;
    w->next = w->prev = NULL;
    w->q = NULL;
    w->obj = obj;
    w->item = item;
    w->woken = false;
    return &w->hdr;
}

#define CHECK(p, func) \
    do { if (!(p)) async__die(func, "NULL argument"); } while (0)

/* ------------------------------------------------------------------------
 * Event.
 * ---------------------------------------------------------------------- */
void async_event_init(async_event *ev)
{
    CHECK(ev, "async_event_init");
    memset(ev, 0, sizeof *ev);
}

void async_event_set(async_event *ev)
{
    CHECK(ev, "async_event_set");
    ev->set = true;
    while (wake_first(&ev->waiters))
        ;
}

void async_event_clear(async_event *ev)
{
    CHECK(ev, "async_event_clear");
    ev->set = false;
}

bool async_event_is_set(const async_event *ev)
{
    return ev && ev->set;
}

static int event_resume(async_frame *f)
{
    syncwait *w = (syncwait *)f;
    async_event *ev = w->obj;
    switch (f->state) {
    case 0:
        if (ev->set)
            return ASYNC__DONE;
        return suspend(w, &ev->waiters);
    case 1:
        return ASYNC__DONE;
    default:
        wq_remove(w);
        return ASYNC__DONE;
    }
}

static const async__rtinfo event_info = {
    { event_resume, "async_event_wait", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "event", sync_cancel, NULL, NULL,
};

async_frame *async__new_async_event_wait(unsigned mode, async_event *ev)
{
    CHECK(ev, "async_event_wait");
    if (mode == ASYNC__AWAIT && async__cur && ev->set)
        return nop();
    return sync_new(mode, &event_info, ev, NULL);
}

/* ------------------------------------------------------------------------
 * Lock.
 * ---------------------------------------------------------------------- */
void async_lock_init(async_lock *lock)
{
    CHECK(lock, "async_lock_init");
    memset(lock, 0, sizeof *lock);
}

void async_lock_release(async_lock *lock)
{
    CHECK(lock, "async_lock_release");
    if (!lock->locked)
        async__die("async_lock_release", "the lock is not held");
    if (!wake_first(&lock->waiters))
        lock->locked = false;       /* else handed to the first waiter */
}

static int lock_resume(async_frame *f)
{
    syncwait *w = (syncwait *)f;
    async_lock *lock = w->obj;
    switch (f->state) {
    case 0:
        if (!lock->locked && !lock->waiters.head) {
            lock->locked = true;
            return ASYNC__DONE;
        }
        return suspend(w, &lock->waiters);
    case 1:
        return ASYNC__DONE;         /* handed over by a release */
    default:
        if (w->q)
            wq_remove(w);
        else if (w->woken)
            async_lock_release(lock);   /* handed over, never used */
        return ASYNC__DONE;
    }
}

static const async__rtinfo lock_info = {
    { lock_resume, "async_lock_acquire", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "lock", sync_cancel, NULL, NULL,
};

async_frame *async__new_async_lock_acquire(unsigned mode, async_lock *lock)
{
    CHECK(lock, "async_lock_acquire");
    if (mode == ASYNC__AWAIT && async__cur && !lock->locked && !lock->waiters.head) {
        lock->locked = true;
        return nop();
    }
    return sync_new(mode, &lock_info, lock, NULL);
}

/* ------------------------------------------------------------------------
 * Semaphore: bounded by its initial value.
 * ---------------------------------------------------------------------- */
void async_semaphore_init(async_semaphore *sem, unsigned value)
{
    CHECK(sem, "async_semaphore_init");
    memset(sem, 0, sizeof *sem);
    sem->value = sem->bound = value;
}

void async_semaphore_release(async_semaphore *sem)
{
    CHECK(sem, "async_semaphore_release");
    if (wake_first(&sem->waiters))
        return;                     /* the unit goes to the first waiter */
    if (sem->value >= sem->bound)
        async__die("async_semaphore_release", "released above its initial value");
    sem->value++;
}

static int semaphore_resume(async_frame *f)
{
    syncwait *w = (syncwait *)f;
    async_semaphore *sem = w->obj;
    switch (f->state) {
    case 0:
        if (sem->value > 0 && !sem->waiters.head) {
            sem->value--;
            return ASYNC__DONE;
        }
        return suspend(w, &sem->waiters);
    case 1:
        return ASYNC__DONE;
    default:
        if (w->q)
            wq_remove(w);
        else if (w->woken)
            async_semaphore_release(sem);
        return ASYNC__DONE;
    }
}

static const async__rtinfo semaphore_info = {
    { semaphore_resume, "async_semaphore_acquire", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "semaphore", sync_cancel, NULL, NULL,
};

async_frame *async__new_async_semaphore_acquire(unsigned mode, async_semaphore *sem)
{
    CHECK(sem, "async_semaphore_acquire");
    if (mode == ASYNC__AWAIT && async__cur && sem->value > 0 && !sem->waiters.head) {
        sem->value--;
        return nop();
    }
    return sync_new(mode, &semaphore_info, sem, NULL);
}

/* ------------------------------------------------------------------------
 * Queue: a ring of capacity items of item_size bytes.
 * ---------------------------------------------------------------------- */
int async_queue_init(async_queue *q, size_t capacity, size_t item_size)
{
    if (!q || capacity == 0 || item_size == 0)
        return -EINVAL;
    memset(q, 0, sizeof *q);
    if (capacity > SIZE_MAX / item_size)
        return -ENOMEM;
    q->buf = async__alloc(capacity * item_size);
    if (!q->buf)
        return -ENOMEM;
    q->capacity = capacity;
    q->item_size = item_size;
    return 0;
}

void async_queue_destroy(async_queue *q)
{
    if (!q)
        return;
    if (q->getters.head || q->putters.head)
        async__die("async_queue_destroy", "tasks are waiting on the queue");
    async__free(q->buf);
    memset(q, 0, sizeof *q);
}

size_t async_queue_size(const async_queue *q)
{
    return q ? q->count : 0;
}

static bool try_put(async_queue *q, const void *item)
{
    if (q->count == q->capacity)
        return false;
    size_t tail = (q->head + q->count) % q->capacity;
    memcpy(q->buf + tail * q->item_size, item, q->item_size);
    q->count++;
    wake_first(&q->getters);
    return true;
}

static bool try_get(async_queue *q, void *item)
{
    if (q->count == 0)
        return false;
    memcpy(item, q->buf + q->head * q->item_size, q->item_size);
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    wake_first(&q->putters);
    return true;
}

static int put_resume(async_frame *f)
{
    syncwait *w = (syncwait *)f;
    async_queue *q = w->obj;
    if (f->state != ASYNC__UNWIND) {
        if (try_put(q, w->item))
            return ASYNC__DONE;
        return suspend(w, &q->putters);
    }
    if (w->q)
        wq_remove(w);
    else if (w->woken && q->count < q->capacity)
        wake_first(&q->putters);    /* the room it was woken for */
    return ASYNC__DONE;
}

static int get_resume(async_frame *f)
{
    syncwait *w = (syncwait *)f;
    async_queue *q = w->obj;
    if (f->state != ASYNC__UNWIND) {
        if (try_get(q, w->item))
            return ASYNC__DONE;
        return suspend(w, &q->getters);
    }
    if (w->q)
        wq_remove(w);
    else if (w->woken && q->count > 0)
        wake_first(&q->getters);    /* the item it was woken for */
    return ASYNC__DONE;
}

static const async__rtinfo put_info = {
    { put_resume, "async_queue_put", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "queue put", sync_cancel, NULL, NULL,
};

static const async__rtinfo get_info = {
    { get_resume, "async_queue_get", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "queue get", sync_cancel, NULL, NULL,
};

async_frame *async__new_async_queue_put(unsigned mode, async_queue *q, const void *item)
{
    CHECK(q && q->buf && item, "async_queue_put");
    if (mode == ASYNC__AWAIT && async__cur && try_put(q, item))
        return nop();
    return sync_new(mode, &put_info, q, (void *)(uintptr_t)item);
}

async_frame *async__new_async_queue_get(unsigned mode, async_queue *q, void *item)
{
    CHECK(q && q->buf && item, "async_queue_get");
    if (mode == ASYNC__AWAIT && async__cur && try_get(q, item))
        return nop();
    return sync_new(mode, &get_info, q, item);
}
