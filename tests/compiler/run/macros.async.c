/* Awaits in macro arguments: assert (both of glibc's forms), variadic
 * macros, nested macros, and a macro type name (bool) in a declaration. */
#include <assert.h>
#include <stdio.h>
#include <stdbool.h>
#include <async.h>
#define LOG(fmt, ...) printf("[log] " fmt "\n", __VA_ARGS__)
#define ADD1(x) ((x) + 1)
static async int val(int x) { await(async_sleep(0)); return x; }
static async bool ok(void) { return true; }
static async void run(void)
{
    assert(await(val(2)) == 2);
    LOG("%d %d", await(val(3)), ADD1(await(val(4))));
    bool b = await(ok());
    if (b && await(ok()))
        LOG("%s", "both");
    int n = ADD1(ADD1(await(val(5))));
    LOG("%d", n);
}
int main(void) { return async_run(run()); }
