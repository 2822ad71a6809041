#!/usr/bin/env python3
"""Network peers for the quarantine tests, run inside a namespace with nsenter -n.

  net_peer.py serve PORT...             echo server on every PORT (threads), until killed
  net_peer.py probe HOST PORT           one connection and one echo within 1 s: exit 0, else 1
  net_peer.py hold HOST PORT FILE       one connection kept open; a round trip every 50 ms;
                                        FILE holds the count of round trips that came back
  net_peer.py udp-send HOST PORT        a datagram every 0.5 ms carrying its send time (ns)
  net_peer.py udp-recv PORT FILE        FILE holds the send time of the newest datagram
"""
import os
import socket
import sys
import threading
import time


def serve(ports):
    def echo(conn):
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                conn.sendall(data)

    def listen(port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(16)
        while True:
            conn, _ = s.accept()
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    for port in ports:
        threading.Thread(target=listen, args=(port,), daemon=True).start()
    while True:
        time.sleep(3600)


def probe(host, port):
    try:
        with socket.create_connection((host, port), timeout=1.0) as s:
            s.settimeout(1.0)
            s.sendall(b"ping")
            return 0 if s.recv(16) == b"ping" else 1
    except OSError:
        return 1


def hold(host, port, path):
    s = socket.create_connection((host, port), timeout=2.0)
    s.settimeout(0.3)
    ok = 0
    while True:
        try:
            s.sendall(b"x")
            if s.recv(16):
                ok += 1
        except socket.timeout:
            pass
        except OSError:
            time.sleep(0.05)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(ok))
        os.replace(tmp, path)
        time.sleep(0.05)


def udp_send(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    while True:
        try:
            s.sendto(str(time.time_ns()).encode(), (host, port))
        except OSError:
            pass  # dropped by a quarantine: EPERM from the output hook
        time.sleep(0.0005)


def udp_recv(port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.05)
    newest, written = 0, 0
    while True:
        try:
            data, _ = s.recvfrom(64)
            newest = max(newest, int(data))
        except socket.timeout:
            pass
        if newest != written:
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                f.write(str(newest))
            os.replace(tmp, path)
            written = newest


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "serve":
        serve([int(p) for p in sys.argv[2:]])
    elif cmd == "probe":
        sys.exit(probe(sys.argv[2], int(sys.argv[3])))
    elif cmd == "hold":
        hold(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "udp-send":
        udp_send(sys.argv[2], int(sys.argv[3]))
    elif cmd == "udp-recv":
        udp_recv(int(sys.argv[2]), sys.argv[3])
