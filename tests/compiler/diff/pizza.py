# The asyncio twin of pizza.async.c.
import asyncio


async def make_pizza(i, oven):
    print(f"pizza {i}: waiting for the oven")
    await oven.acquire()
    print(f"pizza {i}: baking")
    await asyncio.sleep(0)
    oven.release()
    print(f"pizza {i}: done")
    return i * 10


async def waiter(name, ready, orders):
    await ready.wait()
    print(f"{name}: the kitchen is open")
    order = await orders.get()
    print(f"{name}: took order {order}")


async def never_done():
    await asyncio.sleep(100)


async def amain():
    ready = asyncio.Event()
    oven = asyncio.Lock()
    orders = asyncio.Queue(4)
    w = [asyncio.create_task(waiter("ann", ready, orders)),
         asyncio.create_task(waiter("bob", ready, orders))]
    await asyncio.sleep(0)
    print("opening")
    ready.set()
    for i in range(1, 3):
        await orders.put(i)
    await asyncio.gather(*w, return_exceptions=True)
    print("waiters: 0")
    results = await asyncio.gather(make_pizza(1, oven), make_pizza(2, oven), make_pizza(3, oven))
    print(f"results {results[0]} {results[1]} {results[2]}")
    try:
        await asyncio.wait_for(never_done(), 0.01)
        print("wait_for: other")
    except asyncio.TimeoutError:
        print("wait_for: timeout")
    return sum(results)


total = asyncio.run(amain())
print(f"status 0 total {total}")
