#include <stdio.h>
#include <async.h>

async int fetch(int id);

async void f(int n)
{
    async_defer(printf("ok\n"));
    if (n) {
        async_defer(printf("nested\n"));
    }
    async_defer(await(fetch(1)));
    async_defer(return);
    for (int i = 0; i < n; i++) {
        await(async_sleep(0));
    }
    while (n--) {
        async_defer(break);
    }
}
