#!/usr/bin/env python3
"""Polls an FRR daemon's vty socket directly (the protocol vtysh speaks: a
NUL-terminated command, the answer ends with 0 0 0 <status>) so the benchmark
can time bgpd state changes to the millisecond without a vtysh process per poll.

usage: vty_poll.py SOCKET count PEER N      -> prints the time bgpd has N prefixes from PEER
       vty_poll.py SOCKET prefix PFX present|absent -> prints the time PFX is (not) in bgpd
Times are time.time() (CLOCK_REALTIME), comparable with `ip -ts monitor`."""
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
    return buf[:-4].decode()


def main():
    path, mode = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    deadline = time.time() + 300
    while time.time() < deadline:
        if mode == "count":
            d = json.loads(command(s, "show bgp ipv4 unicast summary json") or "{}")
            peer = d.get("peers", {}).get(sys.argv[3], {})
            if peer.get("pfxRcd", 0) >= int(sys.argv[4]):
                print("%.6f" % time.time())
                return 0
        else:
            d = json.loads(command(s, "show bgp ipv4 unicast %s json" % sys.argv[3]) or "{}")
            present = bool(d.get("paths"))
            if present == (sys.argv[4] == "present"):
                print("%.6f" % time.time())
                return 0
        time.sleep(0.002)
    return 1


if __name__ == "__main__":
    sys.exit(main())
