/*
 * pool.c - size-class pools carved from slabs.
 *
 * A loop has two pools: one for the frames of inline awaits and one for
 * task blocks (task header and root frame).  A block's size class is its
 * size rounded up to 8 bytes; each class keeps a free list, linked through
 * the block's second word, and the unused rest of its newest slab, from
 * which it bumps.  Blocks carry no header: the frame header's `size`, or
 * the root frame's, says which class a block goes back to.  Slabs start at
 * 4 KiB per class and double up to 1 MiB; a class that already holds 8 MiB
 * takes 8 MiB slabs of transparent huge pages (alloc.c), because faulting
 * in a million task blocks 4 KiB at a time costs more than creating them
 * (8 MiB, not less: 100,000 sleeping tasks stay below it and pay no
 * huge-page slack).
 * Slabs are only given back when the loop closes, and the free lists reuse
 * them meanwhile, so memory follows the peak of live tasks and frames.
 *
 * Alignment: slab data is 16-aligned, so a block of a size that is a
 * multiple of 16 (all a struct with 16-byte alignment can have) is 16-aligned
 * too; other sizes get 8.
 *
 * The task pool keeps word 0 of every free block at 0 (a live task has
 * T_LIVE there, or ASYNC__PAD_MARK when the task starts 8 bytes in), which
 * lets the loop find every task it owns by walking the slabs, at shutdown
 * and in async_print_tasks, without a list through all tasks.  Under
 * AddressSanitizer, free blocks are poisoned (all of a frame block, all but
 * word 0 of a task block).
 */
#include "internal.h"

#include <string.h>

struct async__slab {
    struct async__slab *next;
    size_t bytes;           /* of data, which follows */
};

#define SLAB_FIRST ((size_t)4096)
#define SLAB_MAX   ((size_t)1 << 20)
/* A class holding this much takes its next slabs in huge pages. */
#define HUGE_FROM  ((size_t)8 << 20)
#define HUGE_SLAB  ((size_t)8 << 20)

static char *slab_data(struct async__slab *s)
{
    return (char *)(s + 1);
}

void async__pool_init(async__pool *p, bool tasks)
{
    memset(p, 0, sizeof *p);
    p->tasks = tasks;
    p->counting = async__alloc_fail_at != 0;
}

void async__pool_destroy(async__pool *p)
{
    for (size_t i = 0; i < ASYNC__POOL_NCLASS; i++) {
        struct async__slab *s = p->cls[i].slabs;
        while (s) {
            struct async__slab *next = s->next;
            ASYNC__UNPOISON(slab_data(s), s->bytes);
            if (s->bytes + sizeof *s == HUGE_SLAB)
                async__free_huge(s, HUGE_SLAB);
            else
                async__free(s);
            s = next;
        }
    }
    memset(p->cls, 0, sizeof p->cls);
    memset(p->free, 0, sizeof p->free);
}

/* The slow path of async__pool_get: the free list is empty, or a test armed
 * an allocation failure and every block counts. */
void *async__pool_grow(async__pool *p, size_t size)
{
    if (p->counting && async__alloc_should_fail())
        return NULL;
    size_t i = (size + ASYNC__POOL_GRAIN - 1) / ASYNC__POOL_GRAIN;
    async__pool_class *c = &p->cls[i];
    size_t bs = async__pool_round(size);
    void *b = p->free[i];
    if (b) {
        ASYNC__UNPOISON(b, bs);
        p->free[i] = ((void **)b)[1];
        return b;
    }
    if (c->bump == NULL || (size_t)(c->end - c->bump) < bs) {
        /* Each slab as big as the class's slabs so far (geometric growth)
         * up to 1 MiB; 8 MiB slabs of huge pages for a class already big. */
        struct async__slab *s;
        size_t bytes;
        if (c->bytes >= HUGE_FROM) {
            bytes = HUGE_SLAB - sizeof *s;
            s = async__alloc_huge(HUGE_SLAB);
        } else {
            bytes = c->bytes < SLAB_FIRST ? SLAB_FIRST : c->bytes > SLAB_MAX ? SLAB_MAX : c->bytes;
            s = async__alloc(sizeof *s + bytes);
        }
        if (!s)
            return NULL;
        s->next = c->slabs;
        s->bytes = bytes;
        c->slabs = s;
        c->bytes += bytes;
        c->bump = slab_data(s);
        c->end = c->bump + bytes;
        ASYNC__POISON(c->bump, bytes);
    }
    b = c->bump;
    c->bump += bs;
    ASYNC__UNPOISON(b, bs);
    return b;
}

void async__pool_walk(async__pool *p, void (*fn)(async_task *t, void *arg), void *arg)
{
    for (size_t i = 1; i < ASYNC__POOL_NCLASS; i++) {
        async__pool_class *c = &p->cls[i];
        size_t bs = i * ASYNC__POOL_GRAIN;
        for (struct async__slab *s = c->slabs; s; s = s->next) {
            char *b = slab_data(s);
            char *end = s == c->slabs ? c->bump : b + s->bytes / bs * bs;
            for (; b < end; b += bs) {
                /* The walker may be handed a block that fn frees: read
                 * nothing of it after the call. */
                uint32_t w0 = *(uint32_t *)(void *)b;
                if (w0 & T_LIVE)
                    fn((async_task *)(void *)b, arg);
                else if (w0 == ASYNC__PAD_MARK)
                    fn((async_task *)(void *)(b + ASYNC__TASK_PAD), arg);
            }
        }
    }
}

size_t async__pool_live(const async__pool *p)
{
    size_t live = 0;
    for (size_t i = 1; i < ASYNC__POOL_NCLASS; i++) {
        const async__pool_class *c = &p->cls[i];
        size_t bs = i * ASYNC__POOL_GRAIN;
        for (struct async__slab *s = c->slabs; s; s = s->next) {
            const char *b = slab_data(s);
            const char *end = s == c->slabs ? c->bump : b + s->bytes / bs * bs;
            live += (size_t)(end - b) / bs;
        }
        for (void *f = p->free[i]; f;) {
            live--;
            ASYNC__UNPOISON((char *)f + sizeof(void *), sizeof(void *));
            void *next = ((void **)f)[1];
            ASYNC__POISON((char *)f + sizeof(void *), sizeof(void *));
            f = next;
        }
    }
    return live;
}
