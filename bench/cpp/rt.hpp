// rt.hpp - the C++20 coroutine peer of the benchmarks: a minimal task<T>
// with symmetric transfer, a FIFO scheduler, a binary-heap timer queue, and
// frames recycled through free lists by size.
//
// It is deliberately small and deliberately honest.  `co_await f()` on a
// task transfers control straight into f and back (symmetric transfer, no
// trip through the scheduler), as asyncc's inline await does.  A spawned
// task goes through the scheduler: spawn() appends it to the ready queue,
// and when it finishes, its awaiter is appended there too (asyncio's rule,
// and asyncc's).  sleep(0) appends the current task to the tail of the
// ready queue; sleep(s > 0) arms a timer in a binary heap.
//
// Frames come from promise operator new/delete, which keep one free list
// per 16-byte size class, carved from 64 KiB slabs that are never returned
// (the stronger of the two variants DESIGN.md mentions), freed at exit.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <new>
#include <queue>
#include <utility>
#include <vector>

namespace rt {

// ---------------------------------------------------------------------
// Frame pool
// ---------------------------------------------------------------------
struct pool {
    static constexpr std::size_t grain = 16, classes = 256, slab = 64 * 1024;
    struct node { node *next; };
    node *free_[classes] = {};
    char *cur = nullptr, *end = nullptr;
    std::vector<void *> slabs;

    ~pool() {
        for (void *s : slabs)
            std::free(s);
    }

    void *alloc(std::size_t n) {
        std::size_t c = (n + grain - 1) / grain;
        if (c >= classes)
            return ::operator new(n);
        if (node *p = free_[c]) {
            free_[c] = p->next;
            return p;
        }
        std::size_t bytes = c * grain;
        if (std::size_t(end - cur) < bytes) {
            cur = static_cast<char *>(std::malloc(slab));
            if (!cur)
                throw std::bad_alloc();
            slabs.push_back(cur);
            end = cur + slab;
        }
        void *p = cur;
        cur += bytes;
        return p;
    }
    void release(void *p, std::size_t n) {
        std::size_t c = (n + grain - 1) / grain;
        if (c >= classes) {
            ::operator delete(p);
            return;
        }
        node *q = static_cast<node *>(p);
        q->next = free_[c];
        free_[c] = q;
    }
};
inline pool frames;

// ---------------------------------------------------------------------
// Scheduler: a FIFO ready queue (a ring buffer) and a timer heap.
// ---------------------------------------------------------------------
inline double now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct scheduler {
    std::vector<std::coroutine_handle<>> ring = std::vector<std::coroutine_handle<>>(1024);
    std::size_t head = 0, count = 0;

    struct timer {
        double deadline;
        std::uint64_t seq;
        std::coroutine_handle<> h;
        bool operator>(const timer &o) const {
            return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
        }
    };
    std::priority_queue<timer, std::vector<timer>, std::greater<timer>> timers;
    std::uint64_t seq = 0;

    void push(std::coroutine_handle<> h) {
        if (count == ring.size()) {
            std::vector<std::coroutine_handle<>> bigger(ring.size() * 2);
            for (std::size_t i = 0; i < count; i++)
                bigger[i] = ring[(head + i) & (ring.size() - 1)];
            ring.swap(bigger);
            head = 0;
        }
        ring[(head + count) & (ring.size() - 1)] = h;
        count++;
    }
    std::coroutine_handle<> pop() {
        auto h = ring[head];
        head = (head + 1) & (ring.size() - 1);
        count--;
        return h;
    }
    void arm(double deadline, std::coroutine_handle<> h) {
        timers.push(timer{deadline, seq++, h});
    }

    // One iteration: expired timers join the queue, then exactly the
    // entries that were ready when it began run.
    void run_until(const bool &done) {
        while (!done) {
            if (!timers.empty()) {
                double t = now();
                if (count == 0 && timers.top().deadline > t) {
                    double d = timers.top().deadline - t;
                    timespec ts{time_t(d), long((d - double(time_t(d))) * 1e9)};
                    nanosleep(&ts, nullptr);
                    t = now();
                }
                while (!timers.empty() && timers.top().deadline <= t) {
                    push(timers.top().h);
                    timers.pop();
                }
            }
            if (count == 0 && timers.empty())
                break;
            for (std::size_t n = count; n > 0; n--)
                pop().resume();
        }
    }
};
inline scheduler sched;

// ---------------------------------------------------------------------
// task<T>
// ---------------------------------------------------------------------
template <class T> struct task;

struct promise_base {
    std::coroutine_handle<> continuation;  // the awaiter, if any
    bool spawned = false;                  // runs as a task of its own
    bool done = false;

    static void *operator new(std::size_t n) { return frames.alloc(n); }
    static void operator delete(void *p, std::size_t n) { frames.release(p, n); }

    std::suspend_always initial_suspend() noexcept { return {}; }

    struct final_awaiter {
        bool await_ready() noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
            promise_base &p = h.promise();
            p.done = true;
            if (p.spawned) {
                // A task: its awaiter goes to the back of the ready queue.
                if (p.continuation)
                    sched.push(p.continuation);
                return std::noop_coroutine();
            }
            // An inline await: straight back into the caller.
            return p.continuation;
        }
        void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() { std::terminate(); }
};

template <class T> struct promise : promise_base {
    T value{};
    task<T> get_return_object();
    void return_value(T v) { value = std::move(v); }
    T result() { return std::move(value); }
};
template <> struct promise<void> : promise_base {
    task<void> get_return_object();
    void return_void() {}
    void result() {}
};

// A task owns its frame.  co_await on it runs it inline (symmetric
// transfer); spawn() hands it to the scheduler instead.
template <class T> struct [[nodiscard]] task {
    using promise_type = promise<T>;
    using handle = std::coroutine_handle<promise_type>;
    handle h{};

    task() = default;
    explicit task(handle h) : h(h) {}
    task(task &&o) noexcept : h(std::exchange(o.h, {})) {}
    task &operator=(task &&o) noexcept {
        if (h)
            h.destroy();
        h = std::exchange(o.h, {});
        return *this;
    }
    ~task() {
        if (h)
            h.destroy();
    }

    // Awaiting a task that was spawned: wait until it is done.  Awaiting a
    // fresh one: start it at once in the same task.
    struct awaiter {
        handle h;
        bool await_ready() const noexcept { return h.promise().done; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
            h.promise().continuation = awaiting;
            if (h.promise().spawned)
                return std::noop_coroutine();
            return h;
        }
        T await_resume() { return h.promise().result(); }
    };
    awaiter operator co_await() const noexcept { return awaiter{h}; }
};

template <class T> task<T> promise<T>::get_return_object() {
    return task<T>(std::coroutine_handle<promise<T>>::from_promise(*this));
}
inline task<void> promise<void>::get_return_object() {
    return task<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}

// Schedules t as a task of its own; await the returned handle to join it.
template <class T> task<T> spawn(task<T> t) {
    t.h.promise().spawned = true;
    sched.push(t.h);
    return t;
}

// Runs t as the main task to completion and returns its value.
template <class T> T run(task<T> t) {
    t.h.promise().spawned = true;
    sched.push(t.h);
    sched.run_until(t.h.promise().done);
    return t.h.promise().result();
}

// co_await sleep(s): s <= 0 yields for one iteration.
struct sleep {
    double seconds;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
        if (seconds > 0)
            sched.arm(now() + seconds, h);
        else
            sched.push(h);
    }
    void await_resume() const noexcept {}
};

} // namespace rt
