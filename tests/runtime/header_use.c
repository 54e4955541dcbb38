/*
 * header_use.c - async.h compiles on its own, warning-free, in the C and
 * C++ dialects its users write: C99 and C11 with -pedantic, and C++17
 * (tests/runtime/CMakeLists.txt, runtime.header.*).  The inline parts of
 * the generated-code ABI (async__frame_new, async__new_async_sleep) are
 * compiled here too, through a call.
 */
#include <async.h>

int header_use(void);

int header_use(void)
{
    async_frame *f = async__new_async_sleep(ASYNC__AWAIT, 0.0);
    return f == NULL && !async_task_done(NULL);
}
