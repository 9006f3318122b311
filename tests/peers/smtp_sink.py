#!/usr/bin/python3
"""A real SMTP server on loopback for the tests (Debian's aiosmtpd).

Each message is written to DIR as msg-N.eml with its envelope in
msg-N.env (MAIL FROM, then one RCPT TO per line): the message first, so that
a reader who sees the envelope finds the message, each through a temporary
name and a rename. Connections are counted in DIR/connections. The server
listens on 127.0.0.1 on a free port, written to DIR/port, and stops by
itself after --lifetime seconds.
"""
import argparse
import asyncio
import itertools
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Handler:
    def __init__(self, args):
        self.args = args
        self.counter = itertools.count(1)
        self.tempfails = args.tempfail_first

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.args.reject:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfails > 0:
            self.tempfails -= 1
            return "451 4.3.0 try again later"
        if self.args.delay:
            await asyncio.sleep(self.args.delay)
        n = next(self.counter)
        base = os.path.join(self.args.dir, "msg-%d-%06d" % (os.getpid(), n))
        env = "\n".join([envelope.mail_from] + envelope.rcpt_tos) + "\n"
        # The message first: readers look for the envelope and expect the
        # message beside it.
        write(base + ".eml", envelope.original_content)
        write(base + ".env", env.encode())
        return "250 2.0.0 queued"


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        path = os.path.join(ARGS.dir, "connections")
        with open(path, "a") as f:
            f.write("1\n")
        super().connection_made(transport)


async def main(args):
    loop = asyncio.get_running_loop()
    handler = Handler(args)
    tls = None
    if args.cert:
        # STARTTLS offered (and required before MAIL) with this certificate.
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    server = await loop.create_server(
        lambda: CountingSMTP(handler, hostname="sink.test", tls_context=tls,
                             require_starttls=tls is not None),
        "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    write(os.path.join(args.dir, "port"), b"%d\n" % port)
    await asyncio.sleep(args.lifetime)
    server.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--lifetime", type=float, default=120)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--tempfail-first", type=int, default=0)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--cert", help="offer STARTTLS with this PEM certificate")
    p.add_argument("--key", help="the private key of --cert")
    ARGS = p.parse_args()
    os.makedirs(ARGS.dir, exist_ok=True)
    try:
        asyncio.run(main(ARGS))
    except KeyboardInterrupt:
        sys.exit(0)
