#!/usr/bin/env python3
"""A probe flow for failure tests: numbered UDP packets every 10 ms on each
of FLOWS flows (source ports), so that with L4 ECMP hashing some flows cross
each ToR.

  probe.py recv PORT OUT DEADLINE_S   receive until the sender's END (or the
                                      deadline, or SIGTERM), then write OUT:
                                      "sent received lost longest_gap_ms";
                                      OUT.flowing appears with the first packet
  probe.py send ADDR PORT             send until SIGTERM, then send END (with
                                      the count) a few times and exit

The receiver measures what arrives: lost = sent - received (distinct
(flow, sequence) pairs), longest gap = the longest run of sequence numbers
missing in one flow, counted up to the last one sent, times 10 ms, plus
10 ms (10 when nothing was lost)."""
import signal
import socket
import struct
import sys
import time

INTERVAL = 0.010
FLOWS = 8
DATA, END = 0, 1
FMT = "!BBI"


def send_one(sock, kind, flow, seq, dst):
    try:
        sock.sendto(struct.pack(FMT, kind, flow, seq), dst)
    except OSError:
        pass  # no route for a moment: that is the loss we measure


def send(addr, port):
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(FLOWS)]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    seq, t = 0, time.monotonic()
    while not stop:
        for flow, sock in enumerate(socks):
            send_one(sock, DATA, flow, seq, (addr, port))
        seq += 1
        t += INTERVAL
        time.sleep(max(0.0, t - time.monotonic()))
    for _ in range(20):
        for flow, sock in enumerate(socks):
            send_one(sock, END, flow, seq, (addr, port))
        time.sleep(INTERVAL)


class Stop(Exception):
    pass


def stop(*_):
    raise Stop()


def recv(port, out, deadline_s):
    signal.signal(signal.SIGTERM, stop)  # write what arrived so far, then exit
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    end = time.monotonic() + float(deadline_s)
    seen, sent = set(), None
    while sent is None:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            kind, flow, seq = struct.unpack(FMT, s.recv(16))
        except (socket.timeout, struct.error):
            continue
        except Stop:
            break
        if kind == END:
            sent = seq * FLOWS
            continue
        if not seen:
            open(out + ".flowing", "w").close()
        seen.add((flow, seq))
    if sent is None:  # the sender's END never came: count what it must have sent
        sent = (max(q for _, q in seen) + 1) * FLOWS if seen else 0
    with open(out, "w") as f:
        f.write("%d %d %d %d\n" % (sent, len(seen), sent - len(seen), longest_gap_ms(seen, sent // FLOWS)))


def longest_gap_ms(seen, per_flow):
    """The longest distance between two received sequence numbers of one
    flow (the flow's start and end count as received), in milliseconds."""
    longest = 1 if per_flow else 0
    for flow in range(FLOWS):
        prev = -1
        for seq in sorted(q for f, q in seen if f == flow) + [per_flow]:
            longest = max(longest, seq - prev)
            prev = seq
    return round(longest * INTERVAL * 1000)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
