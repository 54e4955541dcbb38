/* Built by app/, one directory over. */
#include <async.h>
#include <stdio.h>

#include "hello_text.h"

static async void hello(void)
{
    await(async_sleep(0));
    puts(HELLO_TEXT);
}

int main(void)
{
    return async_run(hello()) != 0;
}
