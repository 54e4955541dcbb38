/*
 * print.c - async_print_tasks, and finding every task of a loop.
 *
 * The loop keeps no list of its tasks (it would cost every task two
 * pointers); the task pool's slabs and the list of large task blocks hold
 * them all, and a sort by creation number puts them in creation order.
 * This is for the shutdown and for introspection, never for a hot path.
 */
#include "internal.h"

#include <stdlib.h>

void async__each_task(async__loop *loop, void (*fn)(async_task *t, void *arg), void *arg)
{
    async__pool_walk(&loop->tasks, fn, arg);
    for (async__large *h = loop->large.next, *next; h != &loop->large; h = next) {
        next = h->next;
        fn((async_task *)(h + 1), arg);
    }
}

struct collect {
    async_task **v;
    size_t n;
};

static void count_one(async_task *t, void *arg)
{
    (void)t;
    ((struct collect *)arg)->n++;
}

static void collect_one(async_task *t, void *arg)
{
    struct collect *c = arg;
    c->v[c->n++] = t;
}

static int by_seq(const void *a, const void *b)
{
    const async_task *x = *(async_task *const *)a, *y = *(async_task *const *)b;
    int32_t d = (int32_t)(x->seq - y->seq);
    return (d > 0) - (d < 0);
}

async_task **async__tasks_sorted(async__loop *loop, size_t *n)
{
    struct collect c = { NULL, 0 };
    async__each_task(loop, count_one, &c);
    *n = c.n;
    c.v = async__alloc((c.n ? c.n : 1) * sizeof *c.v);
    if (!c.v)
        return NULL;
    c.n = 0;
    async__each_task(loop, collect_one, &c);
    qsort(c.v, c.n, sizeof *c.v, by_seq);
    return c.v;
}

static const char *frame_name(const async_frame *f)
{
    return f->fn->name ? f->fn->name : "?";
}

static void print_task(FILE *out, async__loop *loop, async_task *t)
{
    async_frame *root = ASYNC__ROOT(t);
    fprintf(out, "task %p %s", (void *)t, frame_name(root));
    if (t->flags & T_DONE) {
        int st = async_task_status(t);
        fprintf(out, ": %s\n", st == 0 ? "done" : st == ASYNC_CANCELLED ? "cancelled" : "failed (-ENOMEM)");
        return;
    }
    if (t == loop->current)
        fprintf(out, ": running");
    else if (!(t->flags & T_STARTED))
        fprintf(out, ": not started");
    else if (t->flags & T_READY)
        fprintf(out, ": ready");
    else
        fprintf(out, ": waiting on %s", async__task_waits_on(t));
    if (t->flags & T_CANCEL)
        fprintf(out, ", cancelling");
    fputc('\n', out);

    /* The await chain, innermost first, as a traceback reads upwards. */
    if ((t->flags & T_SLEEP) && !ASYNC__IS_RT(ASYNC__INNER(t)))
        fprintf(out, "    async_sleep\n");   /* an inline sleep has no frame */
    if (t->flags & T_STARTED) {
        for (async_frame *f = ASYNC__INNER(t);; f = f->caller) {
            if (ASYNC__IS_RT(f))
                fprintf(out, "    %s\n", frame_name(f));
            else
                fprintf(out, "    at %s (%s:%u)\n", frame_name(f),
                        f->fn->file ? f->fn->file : "?", async__frame_line(f));
            if (f == root || !f->caller)
                break;      /* the root, or the top frame of a task that
                             * started out of its head (task.c) */
        }
    }
    /* Who waits for it. */
    if (t->waiters) {
        async__waiter *w = t->waiters;
        do {
            w = w->next;
            async_task *by = ((async__waiting_frame *)w->owner)->self;
            fprintf(out, "    awaited by task %p %s (%s)\n", (void *)by,
                    frame_name(ASYNC__ROOT(by)), ASYNC__RT(w->owner)->what);
        } while (w != t->waiters);
    }
}

void async_print_tasks(FILE *out)
{
    async__loop *loop = async__cur;
    if (!out)
        return;
    if (!loop) {
        fprintf(out, "no loop runs in this thread\n");
        return;
    }
    size_t n;
    async_task **all = async__tasks_sorted(loop, &n);
    if (!all) {
        fprintf(out, "async_print_tasks: out of memory\n");
        return;
    }
    fprintf(out, "%zu task%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        print_task(out, loop, all[i]);
    async__free(all);
}
