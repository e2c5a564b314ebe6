/**
 * Every finding code: one case that produces it at the exact range with the expected value in
 * the message, and one near miss that does not produce it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_FINDINGS, analyze } from '../../src/core/index';
import { applyFix, established, finWait2, handshake, lines, strayEnglish } from '../helpers';

interface Case {
  code: string;
  text: string;
  /** 1-based line:column of the finding. */
  at: string;
  /** Text the message must contain (the expected value). */
  says: string;
  /** A near miss: almost the same text, without this finding. */
  near: string;
  /** The fix makes the finding go away. */
  fixes?: boolean;
}

const cases: Case[] = [
  { code: 'TF1001', text: lines('title "unterminated'), at: '1:7', says: '"', near: lines('title "terminated"'), fixes: true },
  { code: 'TF1002', text: lines('client C', 'server S', 'C -> S SYN seq=1 $'), at: '3:18', says: '$', near: lines('client C', 'server S', 'C -> S SYN seq=1') },
  { code: 'TF1003', text: lines('client C', 'server S', 'C -> S SYN seq='), at: '3:16', says: 'a number or a name', near: lines('client C', 'server S', 'C -> S SYN seq=0') },
  { code: 'TF1004', text: lines('client C', 'server S', 'C -> S SYN sequence=1'), at: '3:12', says: 'sequence', near: lines('client C', 'server S', 'C -> S SYN seq=1') },
  { code: 'TF1005', text: lines('client C', 'server S', 'C -> S SYN seq=4294967296'), at: '3:16', says: '4294967295', near: lines('client C', 'server S', 'C -> S SYN seq=4294967295') },
  { code: 'TF1006', text: lines('client C', 'server S', 'C -> S SYN seq=1 seq=2'), at: '3:18', says: 'seq', near: lines('client C', 'server S', 'C -> S SYN seq=1') },
  { code: 'TF1007', text: lines('client C', 'C: HALF_OPEN'), at: '2:4', says: 'ESTABLISHED', near: lines('client C', 'C: CLOSED') },
  { code: 'TF1008', text: lines('client C', 'server S', 'C -> S SYN seq=1', 'C: SYN_SEND'), at: '4:4', says: 'SYN_SENT', near: lines('client C', 'server S', 'C -> S SYN seq=1', 'C: SYN_SENT'), fixes: true },
  { code: 'TF1009', text: lines('client C', 'server S', 'C -> S SYN seq=x+y'), at: '3:18', says: 'x', near: lines('client C', 'server S', 'C -> S SYN seq=x+1') },
  { code: 'TF1010', text: lines('client C', '-> S SYN'), at: '2:1', says: '->', near: lines('client C') },

  { code: 'TF2001', text: established('C -> S SYN seq=1001'), at: '6:8', says: 'never sends SYN', near: established('C -> S ACK seq=1001 ack=5001') },
  { code: 'TF2002', text: lines('endpoint C ESTABLISHED', 'server S', 'C -> S ACK seq=100 ack=200'), at: '3:8', says: 'RST seq=200', near: lines('endpoint C ESTABLISHED', 'server S', 'C -> S ACK seq=100 ack=200', 'S -> C RST seq=200') },
  { code: 'TF2003', text: handshake('C: SYN_SENT'), at: '6:4', says: 'ESTABLISHED', near: handshake('C: ESTABLISHED'), fixes: true },
  { code: 'TF2004', text: finWait2('S -> C FIN ACK seq=5001 ack=1002', 'C -> S ACK seq=1002 ack=5002', 'C -> S SYN seq=9000'), at: '10:8', says: '2MSL', near: finWait2('S -> C FIN ACK seq=5001 ack=1002', 'C -> S ACK seq=1002 ack=5002', 'wait 2MSL', 'C -> S SYN seq=9000') },
  { code: 'TF2005', text: lines('server S backlog=1', 'client A', 'client B', 'A -> S SYN seq=1', 'B -> S SYN seq=2'), at: '5:3', says: 'backlog=1', near: lines('server S backlog=1', 'client A', 'client B', 'A -> S SYN seq=1', 'B -> S SYN seq=2 dropped') },
  { code: 'TF2006', text: handshake('S listen'), at: '6:3', says: 'CLOSED', near: lines('client C', 'C listen') },
  { code: 'TF2007', text: established('S -> C RST seq=999999'), at: '6:16', says: 'dropped', near: established('S -> C RST seq=999999 dropped') },
  { code: 'TF2008', text: established('S -> C RST seq=5100'), at: '6:16', says: 'RCV.NXT=5001', near: established('S -> C RST seq=5001') },
  { code: 'TF2009', text: established('C -> S ACK seq=1001 ack=5001 len=10 dropped'), at: '6:37', says: 'S accepts', near: established('C -> S ACK seq=1001 ack=5001 len=10') },

  { code: 'TF2010', text: established('C -> S PSH seq=1001 len=5'), at: '6:8', says: 'ack=5001', near: established('C -> S PSH ACK seq=1001 ack=5001 len=5'), fixes: true },
  { code: 'TF2011', text: lines('server S acceptq=1', 'client A', 'client B', 'A -> S SYN seq=1', 'S -> A SYN ACK seq=1 ack=2', 'A -> S ACK seq=2 ack=2', 'B -> S SYN seq=1', 'S -> B SYN ACK seq=1 ack=2', 'B -> S ACK seq=2 ack=2'), at: '9:3', says: 'acceptq=1', near: lines('server S acceptq=1', 'client A', 'client B', 'A -> S SYN seq=1', 'S -> A SYN ACK seq=1 ack=2', 'A -> S ACK seq=2 ack=2', 'B -> S SYN seq=1', 'S -> B SYN ACK seq=1 ack=2', 'S accept', 'B -> S ACK seq=2 ack=2') },
  { code: 'TF2012', text: established('C -> S ACK seq=1001 ack=5001 len=10', 'S read 20'), at: '7:8', says: 'read 10', near: established('C -> S ACK seq=1001 ack=5001 len=10', 'S read 10'), fixes: true },

  { code: 'TF3001', text: lines('client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x'), at: '4:26', says: 'x+1', near: lines('client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1'), fixes: true },
  { code: 'TF3002', text: established('C -> S ACK seq=1005 ack=5001'), at: '6:16', says: '1001', near: established('C -> S ACK seq=1001 ack=5001'), fixes: true },
  { code: 'TF3003', text: established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=1002'), at: '7:16', says: 'seq should be 5001', near: established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002'), fixes: true },
  { code: 'TF3004', text: established('C -> S ACK seq=1001 ack=1001'), at: '6:25', says: '5001', near: established('C -> S ACK seq=1001 ack=5001'), fixes: true },
  { code: 'TF3005', text: lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN seq=5000 ack=1001'), at: '4:21', says: 'ACK', near: lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001'), fixes: true },
  { code: 'TF3006', text: lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000'), at: '4:12', says: 'ack=1001', near: lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001'), fixes: true },
  { code: 'TF3007', text: lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN=1 ACK=1001 seq=5000'), at: '4:14', says: 'ack=1001', near: lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN=1 ACK=1 ack=1001 seq=5000'), fixes: true },
  { code: 'TF3008', text: lines('client C', 'server S', 'C -> S SYN seq=1000 len=10'), at: '3:21', says: '10 bytes', near: lines('client C', 'server S', 'C -> S SYN seq=1000') },
  { code: 'TF3009', text: established('S -> C ACK seq=5001 ack=1001 win=100', 'C -> S ACK seq=1001 ack=5001 len=200'), at: '7:30', says: '1101', near: established('S -> C ACK seq=5001 ack=1001 win=100', 'C -> S ACK seq=1001 ack=5001 len=100') },
  { code: 'TF3010', text: established('C -> S ACK seq=1001 ack=6000'), at: '6:25', says: '5001', near: established('C -> S ACK seq=1001 ack=5001'), fixes: true },
  { code: 'TF3011', text: established('C -> S ACK seq=1001 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1101 win=50').replace('server S', 'server S rcvbuf=100'), at: '7:34', says: 'win=0', near: established('C -> S ACK seq=1001 ack=5001 len=100', 'S read 50', 'S -> C ACK seq=5001 ack=1101 win=50').replace('server S', 'server S rcvbuf=100'), fixes: true },
  { code: 'TF3012', text: established('C -> S ACK seq=1001 ack=5001 len=1000', 'S -> C ACK seq=5001 ack=2001 win=0', 'S read 100', 'S -> C ACK seq=5001 ack=2001 win=100').replace('server S', 'server S rcvbuf=1000'), at: '9:34', says: 'win=0', near: established('C -> S ACK seq=1001 ack=5001 len=1000', 'S -> C ACK seq=5001 ack=2001 win=0', 'S read 600', 'S -> C ACK seq=5001 ack=2001 win=100').replace('server S', 'server S rcvbuf=1000'), fixes: true },

  { code: 'TF4001', text: lines('client C', 'C -> X SYN seq=1'), at: '2:6', says: "'X'", near: lines('client C', 'server X', 'C -> X SYN seq=1') },
  { code: 'TF4002', text: lines('client C', 'server C'), at: '2:8', says: "'C'", near: lines('client C', 'server S') },
  { code: 'TF4003', text: lines('client C', 'C -> C SYN seq=1'), at: '2:6', says: 'itself', near: lines('client C', 'server S', 'C -> S SYN seq=1') },
  { code: 'TF4004', text: lines('client C', 'server S', 'deliver d1'), at: '3:9', says: 'd1', near: lines('client C', 'server S', 'C -> S SYN seq=1 delay=d1', 'deliver d1') },
  { code: 'TF4005', text: lines('client C', 'server S', 'C -> S SYN seq=1 delay=d1'), at: '3:24', says: 'deliver d1', near: lines('client C', 'server S', 'C -> S SYN seq=1 delay=d1', 'deliver d1') },
  { code: 'TF4006', text: lines('client C', 'server S', 'C -> S SYN seq=1 delay=d1', 'C -> S SYN seq=1 delay=d1', 'deliver d1'), at: '4:24', says: 'd1', near: lines('client C', 'server S', 'C -> S SYN seq=1 delay=d1', 'C -> S SYN seq=1 delay=d2', 'deliver d1', 'deliver d2') },

  { code: 'TF5001', text: established('S -> C ACK seq=5001 ack=1001 len=50 tls ServerHello'), at: '6:41', says: 'ClientHello', near: established('C -> S ACK seq=1001 ack=5001 len=50 tls ClientHello') },
  { code: 'TF5002', text: established('C -> S ACK seq=1001 ack=5001 len=50 tls ClientHello', 'C -> S ACK seq=1051 ack=5001 len=50 tls ApplicationData'), at: '7:41', says: 'Finished', near: established('C -> S ACK seq=1001 ack=5001 len=50 tls ClientHello', 'C -> S ACK seq=1051 ack=5001 len=50 tls Alert') },
  { code: 'TF5003', text: lines('client C', 'server S', 'C -> S SYN seq=1000', 'C -> S ACK seq=1001 len=10 http "GET / HTTP/1.1"'), at: '4:28', says: 'SYN_SENT', near: established('C -> S ACK seq=1001 ack=5001 len=10 http "GET / HTTP/1.1"') },
  { code: 'TF5004', text: established('C -> S ACK seq=1001 ack=5001 len=10 http "GET / HTTP/1.0"', 'S -> C ACK seq=5001 ack=1011 len=10 http "HTTP/1.0 200 OK"', 'C -> S ACK seq=1011 ack=5011 len=10 http "GET /2 HTTP/1.0"'), at: '8:37', says: 'new connection', near: established('C -> S ACK seq=1001 ack=5001 len=10 http "GET / HTTP/1.1"', 'S -> C ACK seq=5001 ack=1011 len=10 http "HTTP/1.1 200 OK"', 'C -> S ACK seq=1011 ack=5011 len=10 http "GET /2 HTTP/1.1"') },
  { code: 'TF5005', text: established('S -> C ACK seq=5001 ack=1001 len=10 http "HTTP/1.1 200 OK"'), at: '6:37', says: 'no request', near: established('C -> S ACK seq=1001 ack=5001 len=10 http "GET / HTTP/1.1"', 'S -> C ACK seq=5001 ack=1011 len=10 http "HTTP/1.1 200 OK"') },
];

describe('finding codes', () => {
  it('every code in the table has a case here', () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = ALL_FINDINGS.map((d) => d.code).filter((c) => !covered.has(c));
    assert.deepEqual(missing, []);
  });

  for (const c of cases) {
    describe(c.code, () => {
      it(`is reported at ${c.at} and names ${c.says}`, () => {
        const a = analyze(c.text);
        const hits = a.findings.filter((f) => f.code === c.code);
        assert.equal(hits.length, 1, `expected one ${c.code}, got: ${a.findings.map((f) => `${f.code} ${f.message}`).join(' | ')}`);
        const f = hits[0];
        const p = a.lines.positionAt(f.start);
        assert.equal(`${p.line + 1}:${p.character + 1}`, c.at, f.message);
        assert.ok(f.message.includes(c.says), `message "${f.message}" should mention ${c.says}`);
        const zh = analyze(c.text, { locale: 'zh-cn' }).findings.find((g) => g.code === c.code)!;
        assert.notEqual(zh.message, f.message, 'a Chinese message exists');
        // Its rule, named in both messages; no English in the Chinese one besides the allow-list
        // and the names the flow itself wrote.
        if (f.rule) assert.ok(f.message.includes(f.rule) && zh.message.includes(f.rule), `${f.message} | ${zh.message} names ${f.rule}`);
        assert.deepEqual(strayEnglish(zh.message, new Set(c.text.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? [])), [], zh.message);
        if (c.fixes) {
          assert.ok(f.fix, 'has a fix');
          const fixed = applyFix(c.text, f.fix.edits);
          const after = analyze(fixed).findings.filter((g) => g.code === c.code);
          assert.deepEqual(after.map((g) => g.message), [], `fix leaves: ${fixed}`);
        }
      });
      it('near miss is not reported', () => {
        const a = analyze(c.near);
        assert.deepEqual(a.findings.filter((f) => f.code === c.code).map((f) => f.message), []);
      });
    });
  }
});
