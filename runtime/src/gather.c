/*
 * gather.c - async_gather.
 *
 * The frame holds a copy of the items, each with a waiter that the item's
 * task wakes when it finishes; a count of items still running makes the
 * awaiting task ready when it reaches 0.  Every item runs to its end (a
 * failing one does not cut the others short, as with asyncio's
 * return_exceptions=True), and the value is the first non-zero status in
 * argument order.  Tasks the gather created from CALL items are its own: it
 * releases them once they are done.
 */
#include "internal.h"

#include <string.h>

struct gather_item {
    async_task *task;
    bool created;
    async__waiter w;
};

struct gather_frame {
    async_frame hdr;
    async_task *self;       /* as in async__waiting_frame */
    int *ret;
    uint32_t n, pending;
    struct gather_item items[];
};

static int item_status(const struct gather_item *it)
{
    if (!it->task)
        return it->created ? -ENOMEM : -EINVAL;
    return async_task_status(it->task);
}

static int gather_resume(async_frame *f)
{
    struct gather_frame *g = (struct gather_frame *)f;
    if (f->state == 0) {
        g->self = async__cur->current;
        g->pending = 0;
        for (uint32_t i = 0; i < g->n; i++) {
            struct gather_item *it = &g->items[i];
            if (!it->task || (it->task->flags & T_DONE))
                continue;
            if (it->task == g->self)
                async__die("async_gather", "a task cannot await itself");
            async__waiter_add(it->task, &it->w, f);
            g->pending++;
        }
        if (g->pending > 0) {
            f->state = 1;
            return ASYNC__SUSPENDED;
        }
    }
    if (f->state != ASYNC__UNWIND) {
        int result = 0;
        for (uint32_t i = 0; i < g->n; i++) {
            int st = item_status(&g->items[i]);
            if (result == 0)
                result = st;
            if (g->items[i].created)
                async_task_release(g->items[i].task);
        }
        if (g->ret)
            *g->ret = result;
        return ASYNC__DONE;
    }
    /* Unwinding.  Normally the items are all done (cancelling the awaiter
     * cancelled them, and it ran once they had finished). */
    for (uint32_t i = 0; i < g->n; i++) {
        struct gather_item *it = &g->items[i];
        if (!it->task)
            continue;
        async__waiter_remove(it->task, &it->w);
        if (it->created) {
            async_task_cancel(it->task);
            async_task_release(it->task);
        }
    }
    return ASYNC__DONE;
}

static void gather_cancel(async_task *t, async_frame *f)
{
    (void)t;
    struct gather_frame *g = (struct gather_frame *)f;
    for (uint32_t i = 0; i < g->n; i++)
        async_task_cancel(g->items[i].task);
}

static void gather_wake(async__waiter *w)
{
    struct gather_frame *g = (struct gather_frame *)w->owner;
    if (--g->pending == 0)
        async__make_ready(async__cur, g->self);
}

static const async__rtinfo gather_info = {
    { gather_resume, "async_gather", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "gather", gather_cancel, gather_wake, NULL,
};

async_frame *async__new_async__gather(unsigned mode, int *ret, size_t n, const async__item *items)
{
    struct gather_frame *g = NULL;
    if (n <= (UINT32_MAX - sizeof *g) / sizeof(struct gather_item))
        g = (struct gather_frame *)
            async__frame_new(sizeof *g + n * sizeof(struct gather_item), &gather_info.info, mode);
    if (!g) {
        /* The tasks it would have owned have no other owner. */
        for (size_t i = 0; i < n; i++) {
            if (items[i].created && items[i].task) {
                async_task_cancel(items[i].task);
                async_task_release(items[i].task);
            }
        }
        return NULL;
    }
    g->ret = ret;
    g->self = NULL;
    g->n = (uint32_t)n;
    g->pending = 0;
    for (size_t i = 0; i < n; i++) {
        g->items[i].task = items[i].task;
        g->items[i].created = items[i].created;
        g->items[i].w.next = NULL;
        g->items[i].w.owner = NULL;
    }
    return &g->hdr;
}
