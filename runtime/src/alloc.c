/*
 * alloc.c - the one allocator of libasyncc.
 *
 * Every byte the runtime holds comes from here: slabs of the pools, large
 * frames, the timer heap, the loop itself.  That gives tests one place to
 * make the Nth allocation fail and to count what is still held.  The pools
 * add their own counting point per block while a failure is armed (see
 * async__pool_get), so "the Nth allocation" covers every frame and task too.
 */
#define _DEFAULT_SOURCE
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

_Thread_local unsigned long async__alloc_fail_at;
static _Thread_local unsigned long calls;
static _Thread_local long live;

bool async__alloc_should_fail(void)
{
    ++calls;
    if (async__alloc_fail_at != 0 && calls == async__alloc_fail_at)
        return true;
    return false;
}

void *async__alloc(size_t size)
{
    if (async__alloc_should_fail())
        return NULL;
    void *p = malloc(size);
    if (p)
        live++;
    return p;
}

void *async__realloc(void *p, size_t size)
{
    if (async__alloc_should_fail())
        return NULL;
    void *q = realloc(p, size);
    if (q && !p)
        live++;
    return q;
}

void async__free(void *p)
{
    if (p) {
        live--;
        free(p);
    }
}

/* Big slabs: mapped at a 2 MiB boundary and offered to transparent huge
 * pages, so that a pool of hundreds of megabytes takes one page fault per
 * 2 MiB rather than per 4 KiB (the faults, not the work, dominate a tree of
 * a million short tasks).  `size` is a multiple of 2 MiB. */
#define HUGE ((size_t)2 << 20)
#ifndef ASYNC__MAP_EXTRA
#define ASYNC__MAP_EXTRA 0
#endif
#ifndef ASYNC__USE_THP
#define ASYNC__USE_THP 1
#endif

void *async__alloc_huge(size_t size)
{
    if (async__alloc_should_fail())
        return NULL;
    char *p = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | ASYNC__MAP_EXTRA, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t head = (HUGE - (uintptr_t)p % HUGE) % HUGE;
    if (head)
        munmap(p, head);
    if (HUGE - head)
        munmap(p + head + size, HUGE - head);
    p += head;
#if defined(MADV_HUGEPAGE) && ASYNC__USE_THP
    madvise(p, size, MADV_HUGEPAGE);
#endif
    live++;
    return p;
}

/* Faulting in a fresh huge slab (the kernel zeroes 2 MiB per fault) is
 * most of the cost of creating a million tasks.  A pool that takes huge
 * slabs keeps one spare, and a helper thread faults it in with
 * MADV_POPULATE_WRITE while the loop works on the current one: with a
 * free core, the zeroing leaves the loop's path.  The advice never
 * changes what the memory holds, so the loop may use the spare before the
 * helper is done (it then faults in the rest itself).  One helper per
 * process, a few jobs queued: a job that finds the queue full is dropped. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PF_JOBS 4               /* a power of 2 */
static pthread_mutex_t pf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pf_cond = PTHREAD_COND_INITIALIZER;
static struct { void *addr; size_t len; } pf_job[PF_JOBS];
static unsigned pf_head, pf_tail;   /* jobs pf_head..pf_tail-1; the helper
                                     * removes one when it is done with it */
static bool pf_started, pf_broken;

static void *pf_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pf_lock);
    for (;;) {
        while (pf_head == pf_tail)
            pthread_cond_wait(&pf_cond, &pf_lock);
        void *addr = pf_job[pf_head % PF_JOBS].addr;
        size_t len = pf_job[pf_head % PF_JOBS].len;
        pthread_mutex_unlock(&pf_lock);
        int r = madvise(addr, len, MADV_POPULATE_WRITE);
        pthread_mutex_lock(&pf_lock);
        if (r != 0 && errno == EINVAL)
            pf_broken = true;   /* a kernel before 5.14 */
        pf_head++;
        pthread_cond_broadcast(&pf_cond);
    }
    return NULL;
}

#ifndef ASYNC__PREFAULT
#define ASYNC__PREFAULT 1       /* -DASYNC__PREFAULT=0: no helper, to compare */
#endif

bool async__prefault(void *p, size_t size)
{
    bool queued = false;
    if (!ASYNC__PREFAULT)
        return false;
    pthread_mutex_lock(&pf_lock);
    if (!pf_started && !pf_broken) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 64 << 10);
        if (pthread_create(&th, &attr, pf_main, NULL) == 0)
            pf_started = true;
        else
            pf_broken = true;
        pthread_attr_destroy(&attr);
    }
    if (pf_started && !pf_broken && pf_tail - pf_head < PF_JOBS) {
        pf_job[pf_tail % PF_JOBS].addr = p;
        pf_job[pf_tail % PF_JOBS].len = size;
        pf_tail++;
        pthread_cond_broadcast(&pf_cond);
        queued = true;
    }
    pthread_mutex_unlock(&pf_lock);
    return queued;
}

void async__prefault_wait(void)
{
    pthread_mutex_lock(&pf_lock);
    while (pf_head != pf_tail)
        pthread_cond_wait(&pf_cond, &pf_lock);
    pthread_mutex_unlock(&pf_lock);
}

void async__free_huge(void *p, size_t size)
{
    if (p) {
        live--;
        munmap(p, size);
    }
}

void async__test_fail_alloc_at(unsigned long n)
{
    async__alloc_fail_at = n;
    calls = 0;
}

unsigned long async__test_alloc_calls(void)
{
    return calls;
}

long async__test_alloc_live(void)
{
    return live;
}
