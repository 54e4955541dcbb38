# Lesson 1's asyncio twin: the same story, printed the same way.
import asyncio
import time

start = time.monotonic()


def say(msg):
    print(f"[{time.monotonic() - start:.2f}s] {msg}", flush=True)


async def make_pizza(topping):
    say(f"make_pizza: dough, tomato, {topping}; into the oven")
    await asyncio.sleep(0.5)
    say("make_pizza: out of the oven")
    return 8


say('main: async_run(slices = make_pizza("basil"))')
slices = asyncio.run(make_pizza("basil"))
say(f"main: async_run returned 0; the pizza has {slices} slices")
