/* The definition of the async function that include/fetch.h declares. */
#include <fetch.h>

#include "fetch_delay.h"

async int fetch_double(int x)
{
    double delay = FETCH_DELAY;

    await(async_sleep(delay));
    return 2 * x;
}
