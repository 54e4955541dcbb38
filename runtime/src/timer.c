/*
 * timer.c - the timer heap.
 *
 * A binary min-heap of tasks, ordered by deadline and then by the order in
 * which the timers were armed (a 32-bit sequence number compared modulo
 * 2^32, which is exact while fewer than 2^31 timers are armed at once), so
 * timers with equal deadlines fire in arming order, as §1.7 asks.
 *
 * Why tasks and not timer nodes: a task waits on at most one timer at a time
 * (its sleep, or its wait_for), and while it does it is in no ready queue,
 * so its deadline shares a union with the ready-queue link, and the heap
 * index and the sequence number sit beside it in the task header.  A
 * sleeping task so costs the heap one pointer and nothing else.
 */
#include "internal.h"

static bool earlier(const async_task *a, const async_task *b)
{
    if (a->u.deadline != b->u.deadline)
        return a->u.deadline < b->u.deadline;
    return (int32_t)(a->timer_seq - b->timer_seq) < 0;
}

static void place(async__loop *loop, uint32_t i, async_task *t)
{
    loop->heap[i] = t;
    t->heap_index = i;
}

static void sift_up(async__loop *loop, uint32_t i, async_task *t)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        async_task *p = loop->heap[parent];
        if (!earlier(t, p))
            break;
        place(loop, i, p);
        i = parent;
    }
    place(loop, i, t);
}

static void sift_down(async__loop *loop, uint32_t i, async_task *t)
{
    uint32_t n = loop->nheap;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && earlier(loop->heap[c + 1], loop->heap[c]))
            c++;
        if (!earlier(loop->heap[c], t))
            break;
        place(loop, i, loop->heap[c]);
        i = c;
    }
    place(loop, i, t);
}

int async__timer_arm(async__loop *loop, async_task *t, uint64_t deadline, uint32_t kind)
{
    if (loop->nheap == loop->heapcap) {
        uint32_t cap = loop->heapcap ? loop->heapcap * 2 : 64;
        async_task **h = async__realloc(loop->heap, cap * sizeof *h);
        if (!h)
            return -ENOMEM;
        loop->heap = h;
        loop->heapcap = cap;
    }
    t->u.deadline = deadline;
    t->timer_seq = loop->timer_seq++;
    t->flags |= T_ARMED | kind;
    sift_up(loop, loop->nheap++, t);
    return 0;
}

/* Takes t out of the heap. */
static void take(async__loop *loop, async_task *t)
{
    uint32_t i = t->heap_index;
    async_task *last = loop->heap[--loop->nheap];
    if (last != t) {
        if (i > 0 && earlier(last, loop->heap[(i - 1) / 2]))
            sift_up(loop, i, last);
        else
            sift_down(loop, i, last);
    }
    t->flags &= ~(uint32_t)(T_ARMED | T_SLEEP);
}

void async__timer_disarm(async__loop *loop, async_task *t)
{
    if (t->flags & T_ARMED)
        take(loop, t);
}

void async__timer_run(async__loop *loop)
{
    while (loop->nheap > 0 && loop->heap[0]->u.deadline <= loop->now) {
        async_task *t = loop->heap[0];
        bool sleep = (t->flags & T_SLEEP) != 0;
        take(loop, t);
        if (sleep) {
            async__ready_push(loop, t);
        } else {
            async_frame *f = ASYNC__INNER(t);
            ASYNC__RT(f)->fire(t, f);
        }
    }
}

uint64_t async__timer_next(const async__loop *loop)
{
    return loop->nheap ? loop->heap[0]->u.deadline : UINT64_MAX;
}

uint64_t async__deadline(double seconds)
{
    double ns = seconds * 1e9;
    if (!(ns < 9.0e18))
        return UINT64_MAX;
    uint64_t d = (uint64_t)ns;
    if ((double)d < ns)
        d++;                /* never early: round up to the next ns */
    /* From a fresh reading, as asyncio's call_later (loop.time() + delay):
     * the loop's time was read when the iteration began, and the task may
     * have worked for a while since. */
    uint64_t t = async__clock_ns() + d;  /* both below 2^63: no overflow */
    /* Rounded up to a multiple of q = min(1 ms, d / 8): fresh readings
     * put deadlines a few ns or us apart, and 100,000 sleeps of whole
     * milliseconds would wake the loop some 15,000 times a second instead
     * of at most 1,000.  A timer so fires at most 1 ms, and at most an
     * eighth of its duration, late; never early.  (libuv rounds to 1 ms.) */
    uint64_t q = d / 8 < 1000000u ? d / 8 : 1000000u;
    if (q > 1)
        t = (t + q - 1) / q * q;
    return t;
}
