#!/usr/bin/env python3
"""Hostile control-socket clients for the agent's tests: `slowloris SOCK SECS`
sends one byte of a request every 1.5 s; `idle SOCK SECS N` holds N
connections that send nothing. Both reconnect when the agent closes them, so
the pressure lasts SECS seconds."""
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def slowloris(path, secs):
    end = time.monotonic() + secs
    req = b'{"command":"status"}' * 100
    s, i = connect(path), 0
    while time.monotonic() < end:
        try:
            s.send(req[i % len(req):i % len(req) + 1])
            i += 1
        except OSError:
            s.close()
            s = connect(path)
        time.sleep(1.5)


def idle(path, secs, n):
    end = time.monotonic() + secs
    socks = [connect(path) for _ in range(n)]
    while time.monotonic() < end:
        time.sleep(0.2)
        for k, s in enumerate(socks):
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    raise OSError
            except BlockingIOError:
                continue
            except OSError:
                pass
            s.close()
            socks[k] = connect(path)


if __name__ == "__main__":
    if sys.argv[1] == "slowloris":
        slowloris(sys.argv[2], float(sys.argv[3]))
    else:
        idle(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
