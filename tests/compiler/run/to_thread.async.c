/* await(async_to_thread(fn, arg)): blocking work on the runtime's worker
 * threads, awaited directly, inside an expression, and as tasks that run
 * while the loop keeps going. */
#include <async.h>
#include <stdint.h>
#include <stdio.h>

static void *square(void *arg)
{
    int *p = arg;
    *p = *p * *p;               /* on a worker thread */
    return p;
}

static void *sum_to(void *arg)
{
    long n = (long)(intptr_t)arg, s = 0;
    for (long i = 1; i <= n; i++)
        s += i;
    return (void *)(intptr_t)s;
}

static async int ticker(int n)
{
    for (int i = 0; i < n; i++)
        await(async_sleep(0));
    return n;
}

static async int amain(void)
{
    int x = 7;
    int *r = await(async_to_thread(square, &x));
    printf("square %d, %s pointer\n", *r, r == &x ? "its own" : "another");

    long s = (long)(intptr_t)await(async_to_thread(sum_to, (void *)(intptr_t)1000)) + 1;
    printf("sum + 1 = %ld\n", s);

    int a = 3, b = 4;
    async_task *ta = async_create_task(async_to_thread(square, &a));
    async_task *tb = async_create_task(async_to_thread(square, &b));
    int ticks = await(ticker(3));
    await(ta);
    await(tb);
    async_task_release(ta);
    async_task_release(tb);
    printf("tasks %d %d, ticker %d\n", a, b, ticks);
    return x + a + b;
}

int main(void)
{
    int rc = -1;
    int status = async_run(rc = amain());
    printf("status %d, result %d\n", status, rc);
    return status;
}
