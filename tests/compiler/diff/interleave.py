# The asyncio twin of interleave.async.c.
import asyncio


async def worker(name, n):
    total = 0
    for i in range(n):
        print(f"{name} step {i}")
        total += i
        await asyncio.sleep(0)
    print(f"{name} done")
    return total


async def child(x):
    print(f"child {x} starts")
    await asyncio.sleep(0)
    print(f"child {x} ends")
    return x * 10


async def amain():
    a = asyncio.create_task(worker("a", 3))
    b = asyncio.create_task(worker("b", 2))
    print("created")
    r = await child(1)
    print(f"child returned {r}")
    await a
    await b
    x, y = await asyncio.gather(child(2), child(3))
    print(f"gathered {x} {y}")
    n = 0
    while await child(n) < 20:
        n += 1
    print(f"n={n}")


asyncio.run(amain())
print("end")
