# Lesson 5's asyncio twin.
import asyncio
import time

start = time.monotonic()


def say(msg):
    print(f"[{time.monotonic() - start:.2f}s] {msg}", flush=True)


async def make_pizza_blocking():
    say("pizza: into the oven (blocking)")
    time.sleep(0.5)
    say("pizza: ready")


async def make_burger_blocking():
    say("burger: on the grill (blocking)")
    time.sleep(0.3)
    say("burger: ready")


async def make_pizza():
    say("pizza: into the oven")
    await asyncio.sleep(0.5)
    say("pizza: ready")


async def make_burger():
    say("burger: on the grill")
    await asyncio.sleep(0.3)
    say("burger: ready")


async def dinner():
    global start
    print("1. The cook who blocks: nanosleep() in async functions")
    start = time.monotonic()
    await asyncio.gather(make_pizza_blocking(), make_burger_blocking())
    say(f"sequential: both served after {time.monotonic() - start:.2f} s")

    print("\n2. The cook who awaits: await(async_sleep())")
    start = time.monotonic()
    await asyncio.gather(make_pizza(), make_burger())
    say(f"concurrent: both served after {time.monotonic() - start:.2f} s")


asyncio.run(dinner())
