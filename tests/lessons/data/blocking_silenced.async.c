/* The same call, marked as intended: asyncc says nothing. */
#include <async.h>
#include <unistd.h>

async void make_pizza(void)
{
    ASYNC_BLOCKING(sleep(1));
}
