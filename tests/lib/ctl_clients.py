#!/usr/bin/env python3
"""Hostile clients of the agent's control socket (TARGET a path) or metrics
endpoint (TARGET "tcp:ADDRESS:PORT"): `slowloris TARGET SECS` sends one byte
of a request every 1.5 s; `idle TARGET SECS N` holds N connections that send
nothing; `garbage TARGET SECS` sends random bytes; `noread TARGET SECS N` sends
N complete requests and never reads the answers. All reconnect when the agent
closes them, so the pressure lasts SECS seconds."""
import os
import socket
import sys
import time

HTTP_GET = b"GET /metrics HTTP/1.1\r\nHost: agent\r\n\r\n"


def connect(target):
    if target.startswith("tcp:"):
        host, port = target[4:].rsplit(":", 1)
        s = socket.create_connection((host.strip("[]"), int(port)))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        return s
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(target)
    return s


def request(target):
    return HTTP_GET if target.startswith("tcp:") else b'{"command":"status"}'


def slowloris(path, secs):
    end = time.monotonic() + secs
    req = request(path) * 100
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


def garbage(target, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            s = connect(target)
            s.sendall(os.urandom(4096))
            s.close()
        except OSError:
            pass
        time.sleep(0.05)


def noread(target, secs, n):
    socks = []
    for _ in range(n):
        s = connect(target)
        try:
            s.sendall(request(target) * 50)  # pipelined; answers pile up unread
        except OSError:
            pass
        socks.append(s)
    time.sleep(secs)


if __name__ == "__main__":
    mode, target, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if mode == "slowloris":
        slowloris(target, secs)
    elif mode == "garbage":
        garbage(target, secs)
    elif mode == "noread":
        noread(target, secs, int(sys.argv[4]))
    else:
        idle(target, secs, int(sys.argv[4]))
