#include <alloca.h>
#include <async.h>

async void f(int n)
{
    int v[n];
    char *b = alloca(16);
    v[0] = b[0];
    await(async_sleep(0));
}
