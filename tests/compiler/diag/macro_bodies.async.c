#include <stdlib.h>
#include <async.h>

async void work(void);

#define START() async_run(work())
#define CLEANUP(p) async_defer(free(p))

async void f(void)
{
    char *p = malloc(1);
    CLEANUP(p);
    await(work());
}

int main(void)
{
    return START();
}
