"""The Python asyncio peer of the benchmarks: the same workloads, the same
checks and the same RESULT line as the C programs (see bench/common/bench.h).

    python3 peer.py WORKLOAD [N]

asyncio is slow enough that bench/run gives it a smaller N for most
workloads; every figure it prints is per item, so they compare.
"""
import asyncio
import resource
import sys
import time

SEED = 42
DEPTH = 100


def peak_rss_kb():
    """VmHWM; ru_maxrss would include the RSS of the process that forked us."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def next_delay_ms(state):
    state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return state, (state >> 33) % 1001


async def skynet(num, size):
    if size == 1:
        return num
    step = size // 10
    kids = [asyncio.create_task(skynet(num + i * step, step)) for i in range(10)]
    return sum(await asyncio.gather(*kids))


async def trivial(i):
    return i


async def spawn_join(n):
    tasks = [asyncio.create_task(trivial(i)) for i in range(n)]
    total = 0
    for t in tasks:
        total += await t
    return total


async def pingpong(n):
    switches = 0

    async def player():
        nonlocal switches
        while switches < n:
            switches += 1
            await asyncio.sleep(0)

    a = asyncio.create_task(player())
    b = asyncio.create_task(player())
    await a
    await b
    return switches


async def chain(d):
    if d == 1:
        return 1
    return await chain(d - 1) + 1


async def await_depth(n):
    total = 0
    for _ in range(n // DEPTH):
        total += await chain(DEPTH)
    return total


async def sleepers(n, extra):
    woken = 0

    async def sleeper(ms):
        nonlocal woken
        await asyncio.sleep(ms / 1000)
        woken += 1

    state, longest, tasks = SEED, 0, []
    for _ in range(n):
        state, ms = next_delay_ms(state)
        longest = max(longest, ms)
        tasks.append(asyncio.create_task(sleeper(ms)))
    for t in tasks:
        await t
    extra["longest"] = longest / 1000
    return woken


async def echo(n, extra):
    """A TCP echo server on 127.0.0.1 (port printed as "PORT n") that serves
    n connections and returns the bytes it echoed once all have closed."""
    echoed, closed = 0, 0
    all_closed = asyncio.Event()

    async def serve(reader, writer):
        nonlocal echoed, closed
        while True:
            data = await reader.read(4096)
            if not data:
                break
            writer.write(data)
            await writer.drain()
            echoed += len(data)
        writer.close()
        closed += 1
        if closed == n:
            all_closed.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=1024)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    await all_closed.wait()
    server.close()
    await server.wait_closed()
    extra["expected"] = echoed
    return echoed


def main():
    workload = sys.argv[1]
    defaults = {"skynet": 1000000, "spawn_join": 1000000, "pingpong": 10000000,
                "sleepers": 100000, "await_depth": 10000000, "echo": 50}
    n = int(sys.argv[2]) if len(sys.argv) > 2 else defaults[workload]
    extra = {}
    expected = {"skynet": n * (n - 1) // 2, "spawn_join": n * (n - 1) // 2,
                "pingpong": n, "sleepers": n, "await_depth": n // DEPTH * DEPTH,
                "echo": None}[workload]
    coro = {"skynet": lambda: skynet(0, n), "spawn_join": lambda: spawn_join(n),
            "pingpong": lambda: pingpong(n), "sleepers": lambda: sleepers(n, extra),
            "await_depth": lambda: await_depth(n), "echo": lambda: echo(n, extra)}[workload]
    t0 = time.monotonic()
    value = asyncio.run(coro())
    seconds = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    more = ""
    if workload == "sleepers":
        more = " overshoot=%.6f" % (seconds - extra["longest"])
    print("RESULT workload=%s peer=python n=%d value=%d seconds=%.9f maxrss_kb=%d cpu=%.6f%s"
          % (workload, n, value, seconds, peak_rss_kb(), ru.ru_utime + ru.ru_stime, more),
          flush=True)
    if expected is None:
        expected = extra["expected"]    # echo: the driver checks the byte count
    if value != expected:
        print("%s/python: wrong result %d, expected %d" % (workload, value, expected),
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
