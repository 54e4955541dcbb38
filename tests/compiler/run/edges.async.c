/* Corners: single-statement bodies, empty functions, early returns with
 * defers, switch declarations, goto back into a loop, nested awaits in
 * conditions of every loop kind. */
#include <stdio.h>
#include <async.h>

static async int val(int x)
{
    await(async_sleep(0));
    return x;
}

static async void empty(void)
{
}

static async void early(int n)
{
    async_defer(printf("early(%d) done\n", n));
    if (n == 0)
        return;
    await(async_sleep(0));
    if (n == 1) return;
    printf("early(%d) end\n", n);
}

static async int single_statements(void)
{
    int i = 0, n = 0;
    while (await(val(i)) < 3) i++;
    do n += await(val(1)); while (n < 2);
    for (i = 0; i < await(val(2)); i++) n += await(val(i));
    if (n > 0) n = await(val(n)) * 2; else n = -1;
    return n;
}

static async int switch_decls(int k)
{
    int out = 0;
    switch (k) {
    case 0: {
        int a = await(val(5));
        out = a;
        break;
    }
    case 1:
        out = await(val(7));
        /* fall through */
    default:
        out += 100;
    }
    return out;
}

static async int back_into_loop(void)
{
    int count = 0;
    for (int i = 0; i < 2; i++) {
again:
        count++;
        await(async_sleep(0));
        if (count == 1)
            goto again;
    }
    return count;
}

static async int nested_conditions(void)
{
    int hits = 0;
    for (int i = 0; i < 4 && await(val(i)) != 2; i++)
        hits++;
    while (await(val(hits)) && hits < 5 ? 1 : 0)
        hits++;
    return hits;
}

int main(void)
{
    int r = 0;
    async_run(empty());
    async_run(early(0));
    async_run(early(1));
    async_run(early(2));
    async_run(r = single_statements());
    printf("single %d\n", r);
    async_run(r = switch_decls(0));
    printf("switch0 %d\n", r);
    async_run(r = switch_decls(1));
    printf("switch1 %d\n", r);
    async_run(r = switch_decls(2));
    printf("switch2 %d\n", r);
    async_run(r = back_into_loop());
    printf("back %d\n", r);
    async_run(r = nested_conditions());
    printf("nested %d\n", r);
    return 0;
}
