/*
 * expect_abort.h - runs fn() in a child process and checks that it aborts
 * (SIGABRT) with `message` on its stderr: how the misuse tests check that
 * the runtime fails loudly rather than corrupting state.
 */
#ifndef TESTS_RUNTIME_EXPECT_ABORT_H
#define TESTS_RUNTIME_EXPECT_ABORT_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void expect_abort(void (*fn)(void), const char *message)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        fn();
        _exit(0);
    }
    close(fds[1]);
    char buf[1024];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    if (!strstr(buf, message))
        fail_msg("stderr was: %s", buf);
}

#endif
