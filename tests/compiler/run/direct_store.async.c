/* `x = await(f(...))` with x in the frame: f stores straight into x (no
 * temporary); the value, the order of evaluation and the other forms stay
 * as C says. */
#include <async.h>
#include <stdio.h>

static async int inc(int x)
{
    await(async_sleep(0));
    return x + 1;
}

static async long widen(int x)
{
    await(async_sleep(0));
    return (long)x * 1000;
}

static async int stores(int k)
{
    int x = 0;
    long w = 0;
    x = await(inc(x));                  /* its own old value as argument */
    x = await(inc(x));
    printf("x %d\n", x);
    w = await(inc(x));                  /* int into long: converted */
    printf("w %ld\n", w);
    short s = 0;
    s = await(inc(40));                 /* int into short */
    printf("s %d\n", s);
    for (int i = 0; i < 3; i++)
        x = await(inc(x));
    printf("x %d\n", x);
    w = await(widen(x));
    printf("w %ld\n", w);
    switch (k) {
    case 1:
        x = 10;
        x = await(inc(x));
        /* fall through */
    default:
        x += 100;
    }
    return x;
}

int main(void)
{
    int r = 0;
    int status = async_run(r = stores(1));
    printf("status %d, result %d\n", status, r);
    return status;
}
