"""Loopback servers for the network.mde tests (stdlib + the openssl CLI only).

A test PKI generated at run time, TLS servers that present a chosen chain, a server that accepts
and never answers, and an HTTP CONNECT proxy that logs every CONNECT and can answer 407. Every
socket binds 127.0.0.1; nothing here resolves or contacts another host.
"""

import os
import select
import socket
import ssl
import subprocess
import threading

LOOPBACK = "127.0.0.1"
# No probe holds a connection longer; the cap keeps a stuck client from pinning a thread.
HOLD_SECONDS = 30


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class Pki:
    """A root CA and a leaf for 127.0.0.1 / localhost, made with the openssl CLI in `folder`."""

    def __init__(self, folder, name):
        self.folder = folder
        self.name = name
        root_key, root_cert = f"{name}-root.key", f"{name}-root.pem"
        leaf_key, leaf_csr, leaf_cert = f"{name}-leaf.key", f"{name}-leaf.csr", f"{name}-leaf.pem"
        ext = os.path.join(folder, f"{name}-leaf.ext")
        with open(ext, "w", encoding="ascii") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        self.root_subject = f"/C=US/O=mde-preflight tests/CN={name} Root CA"
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-nodes", "-keyout", root_key, "-out", root_cert, "-days", "2",
                 "-subj", self.root_subject, "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", leaf_key, "-out", leaf_csr, "-subj", f"/CN=localhost ({name})",
                 cwd=folder)
        _openssl("x509", "-req", "-in", leaf_csr, "-CA", root_cert, "-CAkey", root_key,
                 "-CAcreateserial", "-out", leaf_cert, "-days", "2", "-extfile", ext, cwd=folder)
        self.root_pem = os.path.join(folder, root_cert)
        self.leaf_key = os.path.join(folder, leaf_key)
        # The server presents leaf then root, as a server that sends its whole chain does.
        self.chain_pem = os.path.join(folder, f"{name}-chain.pem")
        with open(self.chain_pem, "w", encoding="ascii") as out:
            for part in (leaf_cert, root_cert):
                with open(os.path.join(folder, part), encoding="ascii") as f:
                    out.write(f.read())

    def root_spki_sha256(self):
        pub = subprocess.run(["openssl", "x509", "-in", self.root_pem, "-pubkey", "-noout"],
                             check=True, capture_output=True).stdout
        der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                             check=True, capture_output=True).stdout
        import hashlib
        return hashlib.sha256(der).hexdigest()

    def root_name_rfc2253(self):
        return subprocess.run(["openssl", "x509", "-in", self.root_pem, "-noout", "-subject",
                               "-nameopt", "RFC2253"], check=True, capture_output=True,
                              text=True).stdout.strip().removeprefix("subject=")


class _Server:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()

    def serve(self, handle):
        def loop():
            while not self.stopped.is_set():
                ready, _, _ = select.select([self.sock], [], [], 0.1)
                if not ready:
                    continue
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    return
                threading.Thread(target=self._guard, args=(handle, conn), daemon=True).start()
        threading.Thread(target=loop, daemon=True).start()

    @staticmethod
    def _guard(handle, conn):
        conn.settimeout(HOLD_SECONDS)
        try:
            handle(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def stop(self):
        self.stopped.set()
        self.sock.close()


def _read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class TlsServer(_Server):
    """Answers every HTTPS GET with 204, presenting `pki`'s leaf + root."""

    def __init__(self, pki):
        super().__init__()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(pki.chain_pem, pki.leaf_key)
        self.serve(self.handle)

    def handle(self, conn):
        with self.context.wrap_socket(conn, server_side=True) as tls:
            _read_head(tls)
            tls.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")


class SilentServer(_Server):
    """Completes TCP handshakes (the kernel's listen backlog) and never says a word."""

    def __init__(self):
        super().__init__()  # never accepts: the backlog holds the connections


class ConnectProxy(_Server):
    """HTTP CONNECT proxy to loopback only; logs "CONNECT host:port" per request to `log_path`.
    With `demand_auth`, every CONNECT gets 407 Proxy Authentication Required."""

    def __init__(self, log_path, demand_auth=False):
        super().__init__()
        self.log_path = log_path
        self.demand_auth = demand_auth
        self.lock = threading.Lock()
        self.serve(self.handle)

    def log(self, line):
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def handle(self, conn):
        head = _read_head(conn).decode("latin-1")
        request = head.split("\r\n", 1)[0]
        self.log(request)
        parts = request.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if self.demand_auth:
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = parts[1].rpartition(":")
        if host not in ("127.0.0.1", "localhost", "[::1]"):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection((LOOPBACK, int(port)), timeout=HOLD_SECONDS)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        _pipe(conn, upstream)


def _pipe(a, b):
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], HOLD_SECONDS)
            if not ready:
                return
            for src in ready:
                data = src.recv(65536)
                if not data:
                    return
                (b if src is a else a).sendall(data)
    finally:
        b.close()
