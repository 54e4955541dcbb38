/* Awaits in every expression position of DESIGN.md 1.2. */
#include <stdio.h>
#include <async.h>

static int calls;

static async int val(int x)
{
    calls++;
    printf("val(%d)\n", x);
    await(async_sleep(0));
    return x;
}

static async int now(int x)
{
    /* finishes without suspending */
    return x + 100;
}

static async void nothing(void)
{
    printf("nothing\n");
}

static int add(int a, int b) { return a + b; }

struct pair { int a, b; };

static async struct pair mkpair(int a, int b)
{
    struct pair p = {a, b};
    await(async_sleep(0));
    return p;
}

static async int *ptr(int *p)
{
    return p;
}

#define CHECK(e) do { if (!(e)) printf("CHECK failed: %s\n", #e); } while (0)
#define TWICE_SAFE(e) ((e) * 2)

static async int exprs(void)
{
    int x = await(val(1));                       /* initialiser */
    x = await(val(2)) + await(val(3));           /* operands, left to right */
    printf("x=%d\n", x);
    printf("arg %d %d\n", await(val(4)), add(await(val(5)), 1)); /* call args */
    int y = 0 && await(val(99));                 /* not evaluated */
    int z = 1 || await(val(98));
    int w = 1 && await(val(6));
    int v = 0 || await(val(7));
    printf("y=%d z=%d w=%d v=%d\n", y, z, w, v);
    int t = x > 3 ? await(val(8)) : await(val(97)); /* ?: arms */
    int u = x < 3 ? await(val(96)) : await(val(9));
    printf("t=%d u=%d\n", t, u);
    int c = (await(val(10)), await(val(11)));    /* comma */
    printf("c=%d\n", c);
    x = (x = 1, x + await(val(12)));             /* comma sequencing */
    printf("x=%d\n", x);
    int n = await(val(await(val(13)) + 1));      /* nested */
    printf("n=%d\n", n);
    const int k = await(now(1));                 /* const local, no suspension */
    printf("k=%d\n", k);
    struct pair p = await(mkpair(3, 4));         /* struct return */
    printf("p=%d,%d field=%d\n", p.a, p.b, await(mkpair(5, 6)).b);
    int arr[3] = {await(val(14)), 2, await(val(15))}; /* aggregate */
    printf("arr=%d %d %d\n", arr[0], arr[1], arr[2]);
    *await(ptr(&arr[1])) = 42;                   /* awaited pointer as lvalue target */
    printf("arr[1]=%d\n", arr[1]);
    CHECK(await(val(16)) == 16);                 /* macro argument used once */
    printf("twice %d\n", TWICE_SAFE(await(val(17))));
    x += await(val(18));                         /* compound assignment */
    printf("x=%d\n", x);
    (void)await(val(19));
    x > 0 ? await(nothing()) : (void)0;          /* void await in ?: */
    (await(nothing()), printf("after comma\n"));
    if (await(val(20)) == 20 && !await(val(0)))  /* conditions */
        printf("if ok\n");
    switch (await(val(2))) {
    case 1: printf("one\n"); break;
    case 2: printf("two\n"); break;
    }
    return await(val(21)) + x;                   /* return */
}

int main(void)
{
    int r = 0;
    int st = async_run(r = exprs());
    printf("status=%d r=%d calls=%d\n", st, r, calls);
    return 0;
}
