# Lesson 3's asyncio twin.
import asyncio
import time

start = time.monotonic()


def say(msg):
    print(f"[{time.monotonic() - start:.2f}s] {msg}", flush=True)


async def cook(dish, steps):
    say(f"{dish}: start, {steps} steps of 0.1 s")
    for step in range(1, steps + 1):
        await asyncio.sleep(0.1)
        say(f"{dish}: step {step} of {steps}{', ready' if step == steps else ''}")


async def dinner():
    say("dinner: three orders at once")
    await asyncio.gather(cook("pizza", 5), cook("burger", 3), cook("fries", 2))
    say(f"dinner: served after {time.monotonic() - start:.2f} s, "
        "the longest order, not the sum (1.00 s)")


asyncio.run(dinner())
