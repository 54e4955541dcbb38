#include <unistd.h>
#include <stdlib.h>
#include <async.h>

async void make_pizza(void)
{
    sleep(1);
    ASYNC_BLOCKING(usleep(10));
    if (system("true") == 0)
        await(async_sleep(0));
}

void ordinary(void)
{
    sleep(1);
}
