# The asyncio twin of cancel.async.c.
import asyncio


async def leaf(i):
    try:
        print(f"leaf {i} waits")
        await asyncio.sleep(100)
        print(f"leaf {i} not reached")
    finally:
        print(f"leaf {i} finally")


async def middle(i):
    try:
        await leaf(i)
        print(f"middle {i} not reached")
    finally:
        print(f"middle {i} finally")


async def amain():
    t1 = asyncio.create_task(middle(1))
    t2 = asyncio.create_task(middle(2))
    await asyncio.sleep(0)
    print("cancelling")
    t2.cancel()
    t1.cancel()
    try:
        await t1
    except asyncio.CancelledError:
        pass
    print(f"t1 cancelled: {int(t1.cancelled())}")
    try:
        await t2
    except asyncio.CancelledError:
        pass
    print(f"t2 cancelled: {int(t2.cancelled())}")


asyncio.run(amain())
