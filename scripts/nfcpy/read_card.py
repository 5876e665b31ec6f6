"""nfcpy drives `jpki-verify reader-sim --model rcs380` — software we did not write, as an
independent check of the simulator (and so of our driver, which passes the same simulator).

nfcpy's RC-S380 driver (`nfc.clf.rcs380`) talks to its USB transport only through `write`,
`read`, `close`, `manufacturer_name` and `product_name` (readers-webusb.md §5). `TcpTransport`
replaces nfcpy's libusb transport with the reader-sim TCP contract (docs/kiosk.md): every bulk
transfer is a 2-byte big-endian length and its bytes. nfcpy's own `USB.write` sends a
zero-length packet after a frame that fills whole packets; so does this transport (64-byte
packets). Everything above the transport is nfcpy's unmodified code: the RC-S380 chipset
driver, Type B polling and activation (`clf.connect`, target 106B) and ISO-DEP
(`Type4BTag.send_apdu`).

Reads the JPKI authentication certificate (no PIN), then VERIFYs the signature password and
reads the signature certificate; prints `nfcpy read N bytes, sha256 HEX` for each, and the
transfer counts as JSON with --stats. The password comes from $JPKI_SIM_SIGN_PASSWORD (never
argv).
"""

import argparse
import errno
import hashlib
import json
import os
import socket
import struct
import sys
import time

import nfc
import nfc.clf.rcs380

JPKI_AID = bytes.fromhex("D392F000260100000001")
AUTH_CERT, SIGN_CERT, SIGN_PIN = b"\x00\x0a", b"\x00\x01", b"\x00\x1b"
MAX_PACKET = 64


class TcpTransport:
    """nfcpy's transport seam (nfc.clf.transport.USB) over the reader-sim TCP contract."""

    manufacturer_name = "SONY"
    product_name = "RC-S380/P (jpki-verify reader-sim)"

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.out_transfers = 0
        self.in_transfers = 0

    def _send(self, data):
        self.sock.sendall(struct.pack(">H", len(data)) + data)
        self.out_transfers += 1

    def write(self, frame, timeout=0):
        self._send(bytes(frame))
        if len(frame) % MAX_PACKET == 0:
            self._send(b"")

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise IOError(errno.ENODEV, "reader unplugged (connection closed)")
            data += chunk
        return data

    def read(self, timeout=0):
        # nfcpy: timeout in ms, 0 = wait forever; a timeout is IOError(ETIMEDOUT).
        self.sock.settimeout(None if timeout == 0 else timeout / 1000.0)
        try:
            (n,) = struct.unpack(">H", self._recv_exact(2))
            self.sock.settimeout(10)
            data = self._recv_exact(n)
        except socket.timeout:
            raise IOError(errno.ETIMEDOUT, "timeout")
        if not data:
            raise IOError(errno.EIO, "zero-length read")
        self.in_transfers += 1
        return bytearray(data)

    def close(self):
        self.sock.close()


def read_binary_all(send_apdu):
    """READ BINARY of the current EF: the DER header first, then the rest in ≤ 256-byte reads
    (nfcpy's Type 4B tag has no extended length)."""
    head = send_apdu(0x00, 0xB0, 0x00, 0x00, mrl=4)
    if head[1] & 0x80:
        n = head[1] & 0x7F
        total = 2 + n + int.from_bytes(head[2 : 2 + n], "big")
    else:
        total = 2 + head[1]
    data = bytearray()
    while len(data) < total:
        want = min(256, total - len(data))
        off = len(data)
        data += send_apdu(0x00, 0xB0, off >> 8, off & 0xFF, mrl=want)
    return bytes(data[:total])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--connect", required=True, help="HOST:PORT of jpki-verify reader-sim")
    ap.add_argument("--out", help="folder to write auth.der and sign.der into")
    ap.add_argument("--stats", help="file to write the transfer counts into (JSON)")
    ap.add_argument("--only", choices=["auth", "sign"], help="read only this certificate")
    a = ap.parse_args()
    host, port = a.connect.rsplit(":", 1)
    password = os.environ.get("JPKI_SIM_SIGN_PASSWORD", "ABC123").encode()

    transport = TcpTransport(host, int(port))
    device = nfc.clf.rcs380.init(transport)  # nfcpy's chipset init: ACK, drain, command type 1 …
    device._path = "sim:rcs380"
    clf = nfc.ContactlessFrontend()
    clf.device = device
    deadline = time.time() + 10
    tag = clf.connect(
        rdwr={"targets": ["106B"], "on-connect": lambda t: False},
        terminate=lambda: time.time() > deadline,
    )
    if tag is None or tag is False:
        print("nfcpy: no Type B card found", file=sys.stderr)
        return 1
    apdus = 0

    def apdu(*args, **kwargs):
        nonlocal apdus
        apdus += 1
        return tag.send_apdu(*args, **kwargs)

    read = []
    apdu(0x00, 0xA4, 0x04, 0x0C, JPKI_AID)
    if a.only in (None, "auth"):
        apdu(0x00, 0xA4, 0x02, 0x0C, AUTH_CERT)
        read.append(("auth", read_binary_all(apdu)))
    if a.only in (None, "sign"):
        apdu(0x00, 0xA4, 0x02, 0x0C, SIGN_PIN)
        apdu(0x00, 0x20, 0x00, 0x80, password)
        apdu(0x00, 0xA4, 0x02, 0x0C, SIGN_CERT)
        read.append(("sign", read_binary_all(apdu)))
    for name, der in read:
        print(f"nfcpy read {len(der)} bytes, sha256 {hashlib.sha256(der).hexdigest()} ({name} certificate)")
        if a.out:
            with open(os.path.join(a.out, f"{name}.der"), "wb") as f:
                f.write(der)
    if a.stats:
        with open(a.stats, "w") as f:
            json.dump(
                {
                    "usb_out": transport.out_transfers,
                    "usb_in": transport.in_transfers,
                    "apdus": apdus,
                    "bytes": sum(len(der) for _, der in read),
                },
                f,
            )
    clf.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
