# Lesson 4's asyncio twin (the guide's asyncio.py).
import asyncio
import time

start = time.monotonic()


def say(msg):
    print(f"[{time.monotonic() - start:.2f}s] {msg}", flush=True)


async def make_pizza():
    say("make_pizza: into the oven")
    await asyncio.sleep(0.5)
    say("make_pizza: ready")
    return 8


async def make_burger():
    say("make_burger: on the grill")
    await asyncio.sleep(0.3)
    say("make_burger: ready")
    return 1


async def order():
    pizza = asyncio.create_task(make_pizza())
    burger = asyncio.create_task(make_burger())
    say("order: two tasks scheduled; neither has started yet")
    slices = await pizza
    say(f"order: await(pizza) is back: {slices} slices; the burger is "
        f"{'done too' if burger.done() else 'not done'}")
    burgers = await burger
    say(f"order: await(burger) is back at once: {burgers} burger")
    say("order: again, with async_gather(make_pizza(), make_burger())")
    slices, burgers = await asyncio.gather(make_pizza(), make_burger())
    say(f"order: gather is back with 0: {slices} slices, {burgers} burger; "
        f"{time.monotonic() - start:.2f} s in all")


asyncio.run(order())
