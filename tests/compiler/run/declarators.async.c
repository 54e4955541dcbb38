/* Declarators the frame must spell: arrays of function pointers, 2-D arrays,
 * const arrays, functions returning function pointers, awaited pointers. */
#include <stdio.h>
#include <async.h>
struct node { int v; struct node *next; };
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static struct node n2 = {2, NULL}, n1 = {1, &n2};
static async struct node *first(void) { await(async_sleep(0)); return &n1; }
static async const char *name(void) { return "name"; }
static async int (*pick(int i))(int, int) { await(async_sleep(0)); return i ? sub : add; }
static async void run(void)
{
    int (*ops[2])(int, int) = {add, sub};
    int grid[2][3] = {{1, 2, 3}, {4, 5, 6}};
    const char *const names[] = {"a", "b"};
    await(async_sleep(0));
    printf("%d %d %d %s\n", ops[0](2, 3), ops[1](2, 3), grid[1][2], names[1]);
    printf("%d %d\n", await(first())->v, await(first())->next->v);
    printf("%s %d\n", await(name()), await(pick(1))(10, 4));
    int (*f)(int, int) = await(pick(0));
    printf("%d\n", f(1, 2));
}
int main(void) { return async_run(run()); }
