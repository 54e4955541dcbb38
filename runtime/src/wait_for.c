/*
 * wait_for.c - async_wait_for.
 *
 * The frame waits for its item's task as a waiter and arms a timer.  The
 * first of the two to happen wins: the item finishing disarms the timer and
 * makes the awaiter ready; the timer firing cancels the item, and the
 * awaiter then waits for it to unwind and gets ASYNC_TIMEOUT.  An item done
 * by the time the timer would fire has already woken the awaiter and
 * disarmed the timer, so it counts as finished in time.  A timeout that is
 * not positive cancels the item at once, as asyncio does.
 */
#include "internal.h"

struct wait_for_frame {
    async_frame hdr;
    async_task *self;       /* as in async__waiting_frame */
    int *ret;
    async__item item;
    double seconds;
    async__waiter w;
    bool timed_out;
};

static void finish_item(struct wait_for_frame *wf)
{
    if (wf->item.created)
        async_task_release(wf->item.task);
}

static int wait_for_resume(async_frame *f)
{
    struct wait_for_frame *wf = (struct wait_for_frame *)f;
    async__loop *loop = async__cur;
    async_task *it = wf->item.task;
    int result;
    switch (f->state) {
    case 0:
        if (!it) {
            result = wf->item.created ? -ENOMEM : -EINVAL;
            break;
        }
        if (it->flags & T_DONE) {
            result = async_task_status(it);
            finish_item(wf);
            break;
        }
        wf->self = loop->current;
        if (it == wf->self)
            async__die("async_wait_for", "a task cannot await itself");
        async__waiter_add(it, &wf->w, f);
        f->state = 1;
        if (!(wf->seconds > 0)) {
            wf->timed_out = true;
            async_task_cancel(it);
        } else {
            if (async__timer_arm(loop, wf->self, async__deadline(wf->seconds), 0) < 0)
                wf->self->flags |= T_NOMEM;
        }
        return ASYNC__SUSPENDED;
    case 1:
        result = wf->timed_out ? ASYNC_TIMEOUT : async_task_status(it);
        finish_item(wf);
        break;
    default:
        /* Unwinding: the loop has disarmed the timer. */
        if (wf->self && it) {
            async__waiter_remove(it, &wf->w);
            if (wf->item.created) {
                async_task_cancel(it);
                async_task_release(it);
            }
        }
        return ASYNC__DONE;
    }
    if (wf->ret)
        *wf->ret = result;
    return ASYNC__DONE;
}

static void wait_for_cancel(async_task *t, async_frame *f)
{
    async__timer_disarm(async__cur, t);
    async_task_cancel(((struct wait_for_frame *)f)->item.task);
}

static void wait_for_wake(async__waiter *w)
{
    struct wait_for_frame *wf = (struct wait_for_frame *)w->owner;
    async__timer_disarm(async__cur, wf->self);
    async__make_ready(async__cur, wf->self);
}

static void wait_for_fire(async_task *t, async_frame *f)
{
    (void)t;
    struct wait_for_frame *wf = (struct wait_for_frame *)f;
    wf->timed_out = true;
    async_task_cancel(wf->item.task);
}

static const async__rtinfo wait_for_info = {
    { wait_for_resume, "async_wait_for", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "wait_for", wait_for_cancel, wait_for_wake, wait_for_fire,
};

async_frame *async__new_async__wait_for(unsigned mode, int *ret, async__item item, double seconds)
{
    struct wait_for_frame *wf = (struct wait_for_frame *)
        async__frame_new(sizeof *wf, &wait_for_info.info, mode);
    if (!wf) {
        if (item.created && item.task) {
            async_task_cancel(item.task);
            async_task_release(item.task);
        }
        return NULL;
    }
    wf->ret = ret;
    wf->self = NULL;
    wf->item = item;
    wf->seconds = seconds;
    wf->w.next = NULL;
    wf->w.owner = NULL;
    wf->timed_out = false;
    return &wf->hdr;
}
