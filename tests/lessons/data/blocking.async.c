/* A blocking call in an async function: asyncc warns. */
#include <async.h>
#include <unistd.h>

async void make_pizza(void)
{
    sleep(1);
}
