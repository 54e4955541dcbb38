/*
 * alloc.c - the one allocator of libasyncc.
 *
 * Every byte the runtime holds comes from here: slabs of the pools, large
 * frames, the timer heap, the loop itself.  That gives tests one place to
 * make the Nth allocation fail and to count what is still held.  The pools
 * add their own counting point per block while a failure is armed (see
 * async__pool_get), so "the Nth allocation" covers every frame and task too.
 */
#include "internal.h"

#include <stdlib.h>

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
