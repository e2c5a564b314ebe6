#!/usr/bin/env python3
"""Socket hands for scripts/oracle/run.mjs.

Node's `net` cannot set SO_RCVBUF, TCP_KEEPINTVL, TCP_FASTOPEN or send with MSG_FASTOPEN, so the
scenarios that need them drive real sockets through this process: one JSON command per line on
stdin, one JSON reply per line on stdout. Sockets are kept by name. Every call blocks until it is
done (a read waits for the bytes it asked for), which keeps each conversation in a fixed order.

Commands (all carry "op"; "name" names a socket):
  listen  name port [backlog] [rcvbuf] [fastopen] [v6]  bind 127.0.0.1:port (::1 with v6) and listen
  accept  name listener                                  take the next connection
  connect name port [rcvbuf] [maxseg] [keepalive:{idle,intvl,cnt}] [data] [fastopen]
          [bind] [v6] [timeout]                          data + fastopen: sendto(MSG_FASTOPEN);
                                                         bind: the local port (SO_REUSEADDR)
  send    name size | text [oob] [times]                 send size bytes (or the text), times times; oob: MSG_OOB
  recv    name size                                      read exactly size bytes (less at EOF)
  recvall name                                           read until EOF
  shutdown name [how: wr | rd | rdwr]
  linger0 name                                           SO_LINGER {on, 0}: close sends RST
  cork    name on                                        TCP_CORK on or off
  close   name
  info    name                                           local and peer address
  tls     name role version [cert key]                   TLS handshake on the socket (role server|client,
                                                         version 1.2|1.3); later send/recv go through TLS
  unwrap  name                                           send TLS close_notify and wait for the peer's
  seqs    name                                           RCV.NXT and SND.NXT (TCP_REPAIR, needs CAP_NET_ADMIN)
  inject  src dst seq [ack] flags                        a TCP segment from 127.0.0.1:src to 127.0.0.1:dst through a
                                                         raw socket, as a third party would forge it (needs root)
Any command may carry "at": the epoch time (seconds) at which to run it.
Replies: {"ok": true, ...} or {"ok": false, "error": "..."}.
"""
import json
import ssl
import socket
import sys
import time

SOCKS = {}
TCP_FASTOPEN_CONNECT = getattr(socket, 'TCP_FASTOPEN_CONNECT', 30)


def addr(sock, peer=False):
    try:
        a = sock.getpeername() if peer else sock.getsockname()
        return ('[%s]:%d' if ':' in a[0] else '%s:%d') % (a[0], a[1])
    except OSError:
        return None


def apply_opts(sock, cmd):
    if cmd.get('rcvbuf'):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(cmd['rcvbuf']))
    if cmd.get('maxseg'):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(cmd['maxseg']))
    if cmd.get('sndbuf'):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, int(cmd['sndbuf']))
    ka = cmd.get('keepalive')
    if ka:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, int(ka['idle']))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, int(ka['intvl']))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, int(ka.get('cnt', 5)))


TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ = 19, 20, 21
TCP_RECV_QUEUE, TCP_SEND_QUEUE = 1, 2
TCP_REPAIR_OFF_NO_WP = -1
FLAG_BITS = {'FIN': 0x01, 'SYN': 0x02, 'RST': 0x04, 'PSH': 0x08, 'ACK': 0x10, 'URG': 0x20}


def seqs(sock):
    """RCV.NXT and SND.NXT of a connected socket, read in repair mode (left without a probe)."""
    sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE)
        rcv = sock.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ) & 0xFFFFFFFF
        sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE)
        snd = sock.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ) & 0xFFFFFFFF
    finally:
        sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP)
    return rcv, snd


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(int.from_bytes(data[i:i + 2], 'big') for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def inject(cmd):
    flags = 0
    for f in cmd['flags'].split(','):
        flags |= FLAG_BITS[f]
    header = bytearray(20)
    header[0:2] = int(cmd['src']).to_bytes(2, 'big')
    header[2:4] = int(cmd['dst']).to_bytes(2, 'big')
    header[4:8] = (int(cmd['seq']) & 0xFFFFFFFF).to_bytes(4, 'big')
    header[8:12] = (int(cmd.get('ack', 0)) & 0xFFFFFFFF).to_bytes(4, 'big')
    header[12] = 5 << 4
    header[13] = flags
    header[14:16] = int(cmd.get('win', 512)).to_bytes(2, 'big')
    pseudo = socket.inet_aton('127.0.0.1') * 2 + bytes([0, socket.IPPROTO_TCP]) + len(header).to_bytes(2, 'big')
    header[16:18] = checksum(pseudo + bytes(header)).to_bytes(2, 'big')
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    try:
        raw.sendto(bytes(header), ('127.0.0.1', 0))
    finally:
        raw.close()


def payload(cmd):
    if 'text' in cmd:
        return cmd['text'].encode()
    return bytes((i * 7 + 13) & 0xFF for i in range(int(cmd['size'])))


def run(cmd):
    op = cmd['op']
    name = cmd.get('name')
    if 'at' in cmd:  # start at this time (seconds since the epoch), to race another process
        while time.time() < cmd['at'] - 0.003:
            time.sleep(0.001)
        while time.time() < cmd['at']:
            pass
    family, host = (socket.AF_INET6, '::1') if cmd.get('v6') else (socket.AF_INET, '127.0.0.1')
    if op == 'listen':
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        apply_opts(s, cmd)
        if cmd.get('fastopen'):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, int(cmd['fastopen']))
        s.bind((host, int(cmd['port'])))
        s.listen(int(cmd.get('backlog', 16)))
        SOCKS[name] = s
        return {'local': addr(s)}
    if op == 'accept':
        c, _ = SOCKS[cmd['listener']].accept()
        SOCKS[name] = c
        return {'local': addr(c), 'peer': addr(c, True)}
    if op == 'connect':
        s = socket.socket(family, socket.SOCK_STREAM)
        apply_opts(s, cmd)
        if cmd.get('bind'):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, int(cmd['bind'])))
        SOCKS[name] = s
        if cmd.get('timeout'):
            s.settimeout(float(cmd['timeout']))
        target = (host, int(cmd['port']))
        try:
            if cmd.get('fastopen') and 'data' in cmd:
                s.sendto(cmd['data'].encode(), socket.MSG_FASTOPEN, target)
            else:
                s.connect(target)
                if 'data' in cmd:
                    s.sendall(cmd['data'].encode())
        except OSError as e:
            return {'ok': False, 'error': e.__class__.__name__ + ': ' + str(e), 'local': addr(s)}
        s.settimeout(None)
        return {'local': addr(s), 'peer': addr(s, True)}
    if op == 'inject':
        inject(cmd)
        return {}
    s = SOCKS[name]
    if op == 'tls':
        server = cmd['role'] == 'server'
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
        version = ssl.TLSVersion.TLSv1_3 if cmd['version'] == '1.3' else ssl.TLSVersion.TLSv1_2
        ctx.minimum_version = ctx.maximum_version = version
        if server:
            ctx.load_cert_chain(cmd['cert'], cmd['key'])
        else:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        SOCKS[name] = ctx.wrap_socket(s, server_side=server)
        return {'version': SOCKS[name].version()}
    if op == 'unwrap':
        SOCKS[name] = s.unwrap()
        return {}
    if op == 'seqs':
        rcv, snd = seqs(s)
        return {'rcvNxt': rcv, 'sndNxt': snd}
    if op == 'send':
        data = payload(cmd)
        for _ in range(int(cmd.get('times', 1))):
            if cmd.get('oob'):
                s.send(data, socket.MSG_OOB)
            else:
                s.sendall(data)
        return {'sent': len(data) * int(cmd.get('times', 1))}
    if op == 'recv':
        want = int(cmd['size'])
        got = bytearray()
        while len(got) < want:
            b = s.recv(min(65536, want - len(got)))
            if not b:
                break
            got += b
        return {'received': len(got), 'text': got[:80].decode('latin-1')}
    if op == 'recvall':
        n = 0
        while True:
            b = s.recv(65536)
            if not b:
                break
            n += len(b)
        return {'received': n}
    if op == 'shutdown':
        how = {'wr': socket.SHUT_WR, 'rd': socket.SHUT_RD, 'rdwr': socket.SHUT_RDWR}[cmd.get('how', 'wr')]
        s.shutdown(how)
        return {}
    if op == 'linger0':
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, (1).to_bytes(4, sys.byteorder) + (0).to_bytes(4, sys.byteorder))
        return {}
    if op == 'cork':
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1 if cmd.get('on') else 0)
        return {}
    if op == 'close':
        s.close()
        del SOCKS[name]
        return {}
    if op == 'info':
        return {'local': addr(s), 'peer': addr(s, True)}
    raise ValueError('unknown op ' + op)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            reply = run(cmd)
            reply.setdefault('ok', True)
        except Exception as e:  # reported to the scenario, which decides
            reply = {'ok': False, 'error': e.__class__.__name__ + ': ' + str(e)}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
