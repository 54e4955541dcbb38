/* No include guard: dep.async.c includes it twice, and the depfile names it
 * once. */
int cli_twice_decl(void);
