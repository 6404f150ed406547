"""A relay in another region, on 127.0.0.1: a TCP proxy that delays every byte by half a round trip
each way, in front of an SMTP server. Used by bench/digest.py (LATENCY=20).

    python bench/slow_relay.py LISTEN_PORT UPSTREAM_PORT ROUND_TRIP_MS

Order is kept in each direction; what arrives together leaves together (so pipelined commands
cost one round trip, as on a real network).
"""

from __future__ import annotations

import asyncio
import sys


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    queue: asyncio.Queue = asyncio.Queue()
    loop = asyncio.get_running_loop()

    async def deliver() -> None:
        while True:
            due, chunk = await queue.get()
            if chunk is None:
                writer.close()
                return
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((loop.time() + delay, chunk))
    except ConnectionError:
        pass
    queue.put_nowait((loop.time() + delay, None))
    await sender


async def main(listen: int, upstream: int, round_trip_ms: float) -> None:
    delay = round_trip_ms / 2000

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(pump(reader, up_writer, delay), pump(up_reader, writer, delay), return_exceptions=True)

    server = await asyncio.start_server(client, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))


class PipeliningSink:
    """aiosmtpd's Sink, offering PIPELINING (RFC 2920) as real relays do: the bench's server,
    run with `python -m aiosmtpd -c slow_relay.PipeliningSink` (bench/ on PYTHONPATH)."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
