/* Tasks, gather, wait_for, cancellation unwinding and async_defer. */
#include <stdio.h>
#include <stdlib.h>
#include <async.h>

static async int square(int x)
{
    await(async_sleep(0.001 * x));
    return x * x;
}

static async void slow(const char *name)
{
    char *mem = malloc(16);
    async_defer(free(mem); printf("%s: freed\n", name));
    async_defer({
        printf("%s: cleanup (registered second, runs first)\n", name);
    });
    printf("%s: sleeping\n", name);
    await(async_sleep(10));
    printf("%s: not reached\n", name);
}

static async int inner(int depth)
{
    async_defer(printf("inner %d unwinds\n", depth));
    if (depth == 0) {
        await(async_sleep(10));
        return 0;
    }
    return await(inner(depth - 1)) + 1;
}

static async int with_return(int x)
{
    int result = x;
    async_defer(printf("defer sees result=%d\n", result));
    result = x * 10;
    if (x > 0)
        return result + 1;      /* value computed, then defers run */
    return -1;
}

static async int early(int x)
{
    if (x)
        return 1;
    async_defer(printf("never registered\n"));
    return 0;
}

static async int amain(void)
{
    int sums[4] = {0};
    async_task *tasks[4];
    for (int i = 0; i < 4; i++)
        tasks[i] = async_create_task(sums[i] = square(i + 1));
    for (int i = 0; i < 4; i++) {
        await(tasks[i]);
        async_task_release(tasks[i]);
    }
    printf("sums %d %d %d %d\n", sums[0], sums[1], sums[2], sums[3]);

    int a = 0, b = 0;
    int st = await(async_gather(a = square(2), b = square(3), async_sleep(0.001)));
    printf("gather %d a=%d b=%d\n", st, a, b);

    st = await(async_wait_for(slow("waited"), 0.01));
    printf("wait_for %s\n", st == ASYNC_TIMEOUT ? "timed out" : "finished");

    async_task *t = async_create_task(inner(2));
    await(async_sleep(0.001));
    printf("cancel: %d\n", async_task_cancel(t));
    await(t);
    printf("cancelled: %d status %d\n", async_task_cancelled(t), async_task_status(t) == ASYNC_CANCELLED);
    async_task_release(t);

    printf("with_return %d\n", await(with_return(4)));
    printf("early %d\n", await(early(1)));
    async_create_task(slow("detached"));   /* released, unwound at shutdown */
    await(async_sleep(0));
    return 7;
}

int main(void)
{
    int r = 0;
    int st = async_run(r = amain());
    printf("run %d r=%d\n", st, r);
    return 0;
}
