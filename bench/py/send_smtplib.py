#!/usr/bin/python3
"""Peer for `carepulse send`: smtplib sending N invitation messages over
one SMTP connection, the same messages bench_smtp sends.

usage: send_smtplib.py HOST PORT N
"""
import smtplib
import sys
import time


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    t0 = time.monotonic()
    with smtplib.SMTP(host, port) as smtp:
        for i in range(n):
            to = f"<m{i:06d}@example.org>"
            text = (
                "From: Team Pulse <pulse@example.org>\r\n"
                f"To: {to}\r\n"
                "Subject: How is your team doing? (2 minutes)\r\n"
                f"Message-ID: <{i}.bench@example.org>\r\n"
                "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                "\r\n"
                "Hello,\r\n\r\nplease answer this pulse, anonymously:\r\n"
                f"http://127.0.0.1:8080/r/{(i * 2654435761) & (2**64 - 1):032x}\r\n")
            smtp.sendmail("pulse@example.org", [to], text)
    t = time.monotonic() - t0
    print(f"sent={n} send_s={t:.3f} msgs_per_s={n / t:.0f} connections=1")


if __name__ == "__main__":
    main()
