/* The definition of the async function that include/fetch.h declares. */
#include <fetch.h>

#include "fetch_delay.h"

async int fetch_double(int x)
{
    await(async_sleep(FETCH_DELAY));
    return 2 * x;
}
