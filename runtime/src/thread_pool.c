/*
 * thread_pool.c - async_to_thread: blocking work on worker threads.
 *
 * A loop starts workers when it first needs them, one more each time a job
 * finds them all busy, up to ASYNC_THREADS (4 unless the environment says
 * otherwise).  A job lives in the awaiting frame: the frame cannot go away
 * before the job is done, because a thread cannot be stopped, so the task
 * waits for fn to return even when it is cancelled, and unwinds only then
 * (the result is dropped).  Workers take jobs from a FIFO and put the done
 * ones on a list, both under one mutex, then write to an eventfd that the
 * loop watches through the I/O backend while jobs are out; the loop takes
 * the list and makes the tasks ready, in the order the jobs finished.
 * async_run joins the workers before it returns.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct job {
    async_frame hdr;
    async_task *self;               /* as in async__waiting_frame */
    void **ret;
    void *(*fn)(void *);
    void *arg;
    void *result;
    struct job *next;
    bool finished;                  /* set by the loop, from the done list */
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *head, *tail;        /* to run */
    struct job *done;               /* finished, newest first */
    int efd;
    int nthreads, idle, max;
    bool stop;
    size_t out;                     /* jobs not yet handed back to the loop */
    pthread_t threads[64];
};

static void *worker(void *p_)
{
    struct pool *p = p_;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stop) {
            p->idle++;
            pthread_cond_wait(&p->cv, &p->mu);
            p->idle--;
        }
        if (!p->head)
            break;
        struct job *j = p->head;
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        pthread_mutex_unlock(&p->mu);
        j->result = j->fn(j->arg);
        pthread_mutex_lock(&p->mu);
        j->next = p->done;
        p->done = j;
        uint64_t one = 1;
        ssize_t w = write(p->efd, &one, sizeof one);
        (void)w;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static struct pool *get_pool(async__loop *loop)
{
    struct pool *p = loop->pool;
    if (p)
        return p;
    p = async__alloc(sizeof *p);
    if (!p)
        return NULL;
    p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->efd < 0) {
        async__free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->head = p->tail = p->done = NULL;
    p->nthreads = p->idle = 0;
    p->stop = false;
    p->out = 0;
    const char *env = getenv("ASYNC_THREADS");
    int max = env ? atoi(env) : 4;
    p->max = max < 1 ? 1 : max > 64 ? 64 : max;
    loop->pool = p;
    return p;
}

/* Queues j; 0, or -ENOMEM when no worker could be started. */
static int submit(async__loop *loop, struct job *j)
{
    struct pool *p = get_pool(loop);
    if (!p)
        return -ENOMEM;
    if (p->out == 0) {
        int r = async__io_watch(loop, p->efd, ASYNC__IO_READ, &loop->special[ASYNC__SP_POOL]);
        if (r < 0)
            return r;
    }
    pthread_mutex_lock(&p->mu);
    if (p->idle == 0 && p->nthreads < p->max &&
        pthread_create(&p->threads[p->nthreads], NULL, worker, p) == 0)
        p->nthreads++;
    if (p->nthreads == 0) {
        pthread_mutex_unlock(&p->mu);
        if (p->out == 0)
            async__io_unwatch(loop, p->efd, ASYNC__IO_READ, &loop->special[ASYNC__SP_POOL]);
        return -ENOMEM;
    }
    j->next = NULL;
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    p->out++;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

void async__pool_wakeup(async__loop *loop)
{
    struct pool *p = loop->pool;
    uint64_t n;
    ssize_t r = read(p->efd, &n, sizeof n);
    (void)r;
    pthread_mutex_lock(&p->mu);
    struct job *done = p->done;
    p->done = NULL;
    pthread_mutex_unlock(&p->mu);
    /* Oldest first. */
    struct job *rev = NULL;
    while (done) {
        struct job *next = done->next;
        done->next = rev;
        rev = done;
        done = next;
    }
    for (struct job *j = rev; j; j = j->next) {
        j->finished = true;
        p->out--;
        async__make_ready(loop, j->self);
    }
    /* Watch again while jobs are out (the backend stopped on this wake). */
    if (p->out > 0)
        async__io_watch(loop, p->efd, ASYNC__IO_READ, &loop->special[ASYNC__SP_POOL]);
}

void async__pool_close(async__loop *loop)
{
    struct pool *p = loop->pool;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    close(p->efd);
    async__free(p);
    loop->pool = NULL;
}

static int job_resume(async_frame *f)
{
    struct job *j = (struct job *)f;
    async__loop *loop = async__cur;
    switch (f->state) {
    case 0:
        j->self = loop->current;
        j->finished = false;
        if (submit(loop, j) < 0) {
            j->self->flags |= T_NOMEM;  /* the task unwinds: -ENOMEM */
            return ASYNC__SUSPENDED;
        }
        f->state = 1;
        return ASYNC__SUSPENDED;
    case 1:
        if (j->ret)
            *j->ret = j->result;
        return ASYNC__DONE;
    default:
        /* Unwinding: fn has returned (a task waiting here runs only then);
         * the result is dropped. */
        return ASYNC__DONE;
    }
}

/* Cancelled while fn runs: nothing to do now; the task runs, and unwinds,
 * when fn has returned. */
static void job_cancel(async_task *t, async_frame *f)
{
    (void)t;
    (void)f;
}

static const async__rtinfo job_info = {
    { job_resume, "async_to_thread", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "thread", job_cancel, NULL, NULL,
};

async_frame *async__new_async_to_thread(unsigned mode, void **ret, void *(*fn)(void *), void *arg)
{
    if (!fn)
        async__die("async_to_thread", "NULL function");
    struct job *j = (struct job *)async__frame_new(sizeof *j, &job_info.info, mode);
    if (!j)
        return NULL;
    j->self = NULL;
    j->ret = ret;
    j->fn = fn;
    j->arg = arg;
    j->result = NULL;
    j->next = NULL;
    j->finished = false;
    return &j->hdr;
}
