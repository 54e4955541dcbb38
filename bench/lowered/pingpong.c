/*
 * round robin (ping-pong), hand-lowered: bench/asyncc/pingpong.async.c at
 * the level of the ABI (docs/abi.md), as the translator would write it.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <stdlib.h>

#include "../common/bench.h"

static long long switches;

/* static async void player(long long n) */
struct player_frame {
    async_frame hdr;
    long long n;
};

static int player_resume(async_frame *frame);
static const unsigned player_lines[] = {14, 18};
static const async__fninfo player_info = {player_resume, "player", __FILE__, player_lines, 2,
    sizeof(struct player_frame), 0,
    _Alignof(struct player_frame)};

static inline async_frame *async__new_player(unsigned mode, long long n)
{
    struct player_frame *f =
        (struct player_frame *)async__frame_new(sizeof *f, &player_info, mode);
    if (f == NULL)
        return NULL;
    f->n = n;
    return &f->hdr;
}

static int player_resume(async_frame *frame)
{
    struct player_frame *self = (struct player_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    default: goto unwind;
    }
    while (switches < self->n) {
        switches++;
        /* await(async_sleep(0)) */
        self->hdr.state = 1;
        if (async__await(&self->hdr, async__new_async_sleep(ASYNC__AWAIT, 0)))
            return ASYNC__SUSPENDED;
    resume_1:;
    }
unwind:
    return ASYNC__DONE;
}

/* static async long long game(long long n) */
struct game_frame {
    async_frame hdr;
    long long *ret;
    long long n;
    async_task *a, *b;
};

static int game_resume(async_frame *frame);
static const unsigned game_lines[] = {22, 28, 29};
static const async__fninfo game_info = {game_resume, "game", __FILE__, game_lines, 3,
    sizeof(struct game_frame), offsetof(struct game_frame, n) + sizeof(long long),
    _Alignof(struct game_frame)};

static inline async_frame *async__new_game(unsigned mode, long long *ret, long long n)
{
    struct game_frame *f = (struct game_frame *)async__frame_new(sizeof *f, &game_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->n = n;
    return &f->hdr;
}

static int game_resume(async_frame *frame)
{
    struct game_frame *self = (struct game_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    case 2: goto resume_2;
    default: goto unwind;
    }
    self->a = async__spawn(async__new_player(ASYNC__TASK, self->n));
    self->b = async__spawn(async__new_player(ASYNC__TASK, self->n));
    if (self->a == NULL || self->b == NULL)
        abort();
    if (!async_task_done(self->a)) {
        self->hdr.state = 1;
        if (async__await(&self->hdr, async__new_async__task_await(ASYNC__AWAIT, NULL, self->a)))
            return ASYNC__SUSPENDED;
    }
resume_1:
    if (!async_task_done(self->b)) {
        self->hdr.state = 2;
        if (async__await(&self->hdr, async__new_async__task_await(ASYNC__AWAIT, NULL, self->b)))
            return ASYNC__SUSPENDED;
    }
resume_2:
    async_task_release(self->a);
    async_task_release(self->b);
    if (self->ret)
        *self->ret = switches;
unwind:
    return ASYNC__DONE;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 10000000);
    long long got = -1;
    double t0 = bench_now();
    int status = async__run(async__new_game(ASYNC__MAIN, &got, n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "pingpong/lowered: async_run: %d\n", status);
        return 1;
    }
    bench_report("pingpong", "asyncc-lowered", n, got, n, t, "");
    return 0;
}
