#include <stdio.h>
#include <async.h>

async int fetch(int id);

#define SHOW() printf("%d\n", count)

async void f(void)
{
    int count = 0;
    await(fetch(1));
    count++;
    SHOW();
}
