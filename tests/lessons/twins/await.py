# Lesson 2's asyncio twin.
import asyncio
import time

start = time.monotonic()


def say(msg):
    print(f"[{time.monotonic() - start:.2f}s] {msg}", flush=True)


async def clock_ticks(ticks):
    for tick in range(1, ticks + 1):
        await asyncio.sleep(0.1)
        say(f"    clock: tick {tick}")


async def make_pizza():
    say("make_pizza: into the oven, await(async_sleep(0.5))")
    await asyncio.sleep(0.5)
    say("make_pizza: ready")
    return 8


async def kitchen():
    clock = asyncio.create_task(clock_ticks(5))
    say("kitchen: await(make_pizza())")
    slices = await make_pizza()
    say(f"kitchen: a pizza of {slices} slices; the clock ticked meanwhile")
    say("kitchen: a burger on a blocking grill, nanosleep(0.3 s)")
    time.sleep(0.3)
    say("kitchen: burger ready; the clock stood still meanwhile")
    await clock
    say("kitchen: done, and so is the clock")


asyncio.run(kitchen())
