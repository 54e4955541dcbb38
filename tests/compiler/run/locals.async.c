/* Locals, frames and names (DESIGN.md 1.3). */
#include <stdio.h>
#include <string.h>
#include <async.h>

static async int val(int x)
{
    await(async_sleep(0));
    return x;
}

static async int fib(int n)             /* recursion: a frame per call */
{
    if (n < 2)
        return n;
    return await(fib(n - 1)) + await(fib(n - 2));
}

static async int even(int n);            /* mutual recursion, static prototype */
static async int odd(int n)
{
    return n == 0 ? 0 : await(even(n - 1));
}
static async int even(int n)
{
    return n == 0 ? 1 : await(odd(n - 1));
}

static async int counter(void)
{
    static int count;                    /* stays static */
    await(async_sleep(0));
    printf("in %s\n", __func__);         /* the user's name, not the resume function's */
    return ++count;
}

struct point { int x, y; };

static async int names(int state, int frame)  /* names that must not clash */
{
    int self = 1, ret = 2, ctx = 3;
    int *p = &self;                      /* addresses stay valid */
    await(async_sleep(0));
    *p += 10;
    return state + frame + self + ret + ctx;
}

static async void scopes(void)
{
    int x = 1;
    {
        int x = 2;                       /* shadowing */
        await(async_sleep(0));
        printf("inner x %d\n", x);
        {
            int x = await(val(3));
            printf("innermost x %d\n", x);
        }
        printf("inner x again %d\n", x);
    }
    printf("outer x %d\n", x);
    char buf[16] = "hello";              /* array with string initialiser */
    int arr[] = {1, 2, 3};
    struct point pt = {.y = 7};
    const char *msg = "msg";
    await(async_sleep(0));
    strcat(buf, "!");
    printf("%s %d %d %d %d %d %s\n", buf, arr[0], arr[1], arr[2], pt.x, pt.y, msg);
    for (int i = 0; i < 3; i++) {
        int sq = i * i;                  /* never spans an await: plain local */
        printf("sq %d\n", sq);
    }
    for (int i = 0; i < 2; i++) {
        int acc[2] = {i, i + 1};         /* initialiser runs on every pass */
        await(async_sleep(0));
        printf("acc %d %d\n", acc[0], acc[1]);
    }
    typedef int myint;
    myint m = 5;
    enum { RED = 3 };
    printf("local types %d %d\n", m, RED);
}

static async int local_types(int k)
{
    struct item { int id; const char *name; };     /* same tags as below */
    typedef struct item item_t;
    enum { SCALE = 3 };
    item_t it = {k, "first"};
    struct { int a, b; } pair = {1, 2};
    await(async_sleep(0));
    printf("item %d %s pair %d %d\n", it.id, it.name, pair.a, pair.b);
    return it.id * SCALE + (int)sizeof(struct item) / (int)sizeof(struct item);
}

static async int local_types2(void)
{
    struct item { double weight; };
    enum { SCALE = 10 };
    struct item it = {2.5};
    await(async_sleep(0));
    return (int)(it.weight * SCALE);
}

int main(void)
{
    int r = 0;
    async_run(r = fib(10));
    printf("fib %d\n", r);
    async_run(r = odd(7));
    printf("odd(7) %d\n", r);
    async_run(r = counter());
    async_run(r = counter());
    printf("counter %d\n", r);
    async_run(r = names(100, 200));
    printf("names %d\n", r);
    async_run(scopes());
    async_run(r = local_types(4));
    printf("local_types %d\n", r);
    async_run(r = local_types2());
    printf("local_types2 %d\n", r);
    return 0;
}
