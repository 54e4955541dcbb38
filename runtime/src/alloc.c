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
