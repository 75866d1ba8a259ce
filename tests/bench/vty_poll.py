#!/usr/bin/env python3
"""Talks to an FRR daemon's vty socket directly (the protocol vtysh speaks: a
NUL-terminated command, the answer ends with 0 0 0 <status>), so the benchmark
times bgpd's state and the far router's commands to the millisecond without a
vtysh process per poll.

usage: vty_poll.py SOCKET count PEER N        -> time bgpd has N prefixes from PEER
       vty_poll.py SOCKET prefix PFX present|absent -> time PFX is (not) in bgpd
       vty_poll.py SOCKET peer PEER down|up   -> time the session to PEER is (not) Established
       vty_poll.py SOCKET send CONTEXT... -- CMD...
           -> enters config mode and the CONTEXT commands, prints the time, then
              sends the CMDs (the far router's change, timed from that moment)
       vty_poll.py SOCKET flap MS SECONDS CONTEXT... -- PFX...
           -> every MS ms announces, then withdraws, the PFXs (`network`)
Times are time.time() (CLOCK_REALTIME), comparable with route_count's."""
import json
import socket
import sys
import time


def command(sock, cmd):
    sock.sendall(cmd.encode() + b"\0")
    buf = b""
    while not (len(buf) >= 4 and buf[-4:-1] == b"\0\0\0"):
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise EOFError("vty closed")
        buf += chunk
    if buf[-1] != 0:
        raise RuntimeError("%r: %s" % (cmd, buf[:-4].decode().strip()))
    return buf[:-4].decode()


def poll_until(sock, ready):
    deadline = time.time() + 120
    while time.time() < deadline:
        if ready(sock):
            print("%.6f" % time.time())
            return 0
        time.sleep(0.002)
    print("nan")
    return 1


def has_count(peer, n):
    def ready(sock):
        d = json.loads(command(sock, "show bgp ipv4 unicast summary json") or "{}")
        return d.get("peers", {}).get(peer, {}).get("pfxRcd", 0) >= n
    return ready


def has_prefix(pfx, want):
    def ready(sock):
        d = json.loads(command(sock, "show bgp ipv4 unicast %s json" % pfx) or "{}")
        return bool(d.get("paths")) == want
    return ready


def session_up(peer, want):
    def ready(sock):
        d = json.loads(command(sock, "show bgp neighbors %s json" % peer) or "{}")
        return (d.get(peer, {}).get("bgpState") == "Established") == want
    return ready


def configure(sock, context):
    for c in ["enable", "configure terminal"] + context:
        command(sock, c)


def split_args(args):
    i = args.index("--")
    return args[:i], args[i + 1:]


def send(sock, args):
    context, cmds = split_args(args)
    configure(sock, context)
    print("%.6f" % time.time())
    for c in cmds:
        command(sock, c)
    return 0


def flap(sock, args):
    period, seconds = float(args[0]) / 1000, float(args[1])
    context, prefixes = split_args(args[2:])
    configure(sock, context)
    end, up, n = time.time() + seconds, False, 0
    while time.time() < end:
        up = not up
        for p in prefixes:
            command(sock, ("network " if up else "no network ") + p)
        n += 1
        time.sleep(max(0.0, period - (time.time() % period)))
    if up:
        for p in prefixes:
            command(sock, "no network " + p)
    print(n)
    return 0


def main():
    path, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    if mode == "count":
        return poll_until(s, has_count(args[0], int(args[1])))
    if mode == "prefix":
        return poll_until(s, has_prefix(args[0], args[1] == "present"))
    if mode == "peer":
        return poll_until(s, session_up(args[0], args[1] == "up"))
    if mode == "send":
        return send(s, args)
    if mode == "flap":
        return flap(s, args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
