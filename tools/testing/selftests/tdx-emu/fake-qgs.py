#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A scriptable quoting service for testing the emulator's QGS client.

usage: fake-qgs.py SOCKET STATE_DIR

Serves the QGS protocol (tdx-interfaces.md section 5) on a unix socket,
one request per connection. Before each reply it reads STATE_DIR/mode:

  ok [LEN]   a well-formed GET_QUOTE_RESP with a LEN-byte quote (default
             5000): b"QUOTE" + the TDREPORT's REPORTDATA, repeated
  v4 [LEN]   the same with a quote shaped like a TDX Quote v4: version 4
             in a 48-byte header, the TDREPORT's REPORTDATA at 568, zeros
             elsewhere (no signature: only the emulator reads it)
  v5 [LEN]   ... Quote v5: version 5, body type 2 and size 584 at 48 and
             50, REPORTDATA at 574
  error      a bare 24-byte reply with error_code 0x12001
  badver     version 1.0 instead of 1.1
  badtype    type GET_COLLATERAL_RESP
  badsize    quote_size one less than the message holds
  selid      a 4-byte selected id before the quote
  close      close the connection without a reply
  short      announce a quote and close halfway through it
  hang       never reply

Each request is checked and logged to STATE_DIR/log as "req-ok HEX" or
"req-bad HEX", HEX being the REPORTDATA of the TDREPORT it carried.
"""
import os
import socket
import struct
import sys
import time


def recvn(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def reply(conn, msg_type, err, quote, minor=1, selid=b"", size_delta=0):
    size = 24 + len(selid) + len(quote)
    msg = struct.pack("<HHIIIII", 1, minor, msg_type, size, err, len(selid),
                      len(quote) + size_delta) + selid + quote
    conn.sendall(struct.pack(">I", size) + msg)


def shaped_quote(version, reportdata, qlen):
    # Header: version, attestation key type 2 (ECDSA P-256), TEE type TDX
    quote = struct.pack("<HHI", version, 2, 0x81).ljust(48, b"\0")
    if version == 5:
        quote += struct.pack("<HI", 2, 584)
    body = bytearray(584)
    body[520:584] = reportdata
    quote += bytes(body)
    return quote.ljust(qlen, b"\0")[:qlen]


def serve(conn, state):
    n = struct.unpack(">I", recvn(conn, 4))[0]
    msg = recvn(conn, n)
    major, minor, typ, size, err, rsize, idsize = struct.unpack("<HHIIIII",
                                                               msg[:24])
    report = msg[24:24 + rsize]
    good = (n == 1048 and (major, minor, typ, size, err) == (1, 1, 0, n, 0)
            and rsize == 1024 and idsize == 0 and len(report) == 1024)
    with open(os.path.join(state, "log"), "a") as log:
        log.write("%s %s\n" % ("req-ok" if good else "req-bad",
                               report[128:192].hex()))

    with open(os.path.join(state, "mode")) as f:
        words = f.read().split()
    mode = words[0] if words else "ok"
    qlen = int(words[1]) if len(words) > 1 else 5000
    unit = b"QUOTE" + report[128:192]
    quote = (unit * (qlen // len(unit) + 1))[:qlen]

    if mode == "ok":
        reply(conn, 1, 0, quote)
    elif mode in ("v4", "v5"):
        reply(conn, 1, 0, shaped_quote(int(mode[1]), report[128:192], qlen))
    elif mode == "error":
        reply(conn, 1, 0x12001, b"")
    elif mode == "badver":
        reply(conn, 1, 0, quote, minor=0)
    elif mode == "badtype":
        reply(conn, 3, 0, quote)
    elif mode == "badsize":
        reply(conn, 1, 0, quote, size_delta=-1)
    elif mode == "selid":
        reply(conn, 1, 0, quote, selid=b"\x01\x02\x03\x04")
    elif mode == "short":
        size = 24 + len(quote)
        conn.sendall(struct.pack(">I", size) +
                     struct.pack("<HHIIIII", 1, 1, 1, size, 0, 0, len(quote)) +
                     quote[:len(quote) // 2])
    elif mode == "hang":
        time.sleep(3600)
    # "close": nothing


def main():
    path, state = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(32)
    open(os.path.join(state, "ready"), "w").close()
    while True:
        conn, _ = srv.accept()
        pid = os.fork()
        if pid == 0:
            srv.close()
            try:
                serve(conn, state)
            except (EOFError, OSError):
                pass
            os._exit(0)
        conn.close()
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break


if __name__ == "__main__":
    main()
