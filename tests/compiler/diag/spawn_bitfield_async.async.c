#include <async.h>

async int fetch(int id);

struct flags { unsigned bit : 1; };

async void f(void)
{
    struct flags fl;
    async_task *t = async_create_task(fl.bit = fetch(2));
    await(t);
}
