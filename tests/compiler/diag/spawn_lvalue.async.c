#include <async.h>

async int fetch(int id);

struct flags { unsigned bit : 1; };

void start(void)
{
    struct flags fl;
    register int r;
    async_task *t1 = async_create_task(fl.bit = fetch(1));
    async_task *t2 = async_create_task(r = fetch(2));
    (void)t1;
    (void)t2;
}
