/**
 * Sample lines of every form, each with the record it must parse to. The test suite runs
 * every sample through the parser, and the service-file samples back through the formatter.
 * The service lines are the shapes Debian's xinetd 2.3.15.3 wrote on loopback.
 */
import type { LineForm } from './parse.js';
import type { LogRecord } from './record.js';

export interface Sample {
  form: LineForm;
  line: string;
  expected: Partial<LogRecord>;
}

export const SAMPLES: readonly Sample[] = [
  {
    form: 'file',
    line: '26/12/4@19:47:27: START: echo-stream pid=9849 from=127.0.0.1',
    expected: { kind: 'START', service: 'echo-stream', pid: 9849, sourceIp: '127.0.0.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:47:27: START: echo-dgram pid=0 from=127.0.0.1',
    expected: { kind: 'START', service: 'echo-dgram', pid: 0, sourceIp: '127.0.0.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:47:27: EXIT: echo-stream status=0 pid=9849 duration=0(sec)',
    expected: { kind: 'EXIT', service: 'echo-stream', status: 0, pid: 9849, durationMs: 0 },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:04: EXIT: envdump signal=9 pid=10147 duration=12(sec)',
    expected: { kind: 'EXIT', service: 'envdump', signal: 9, status: null, pid: 10147, durationMs: 12000 },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:04: FAIL: denied address from=127.0.0.1',
    expected: { kind: 'FAIL', service: 'denied', reason: 'address', sourceIp: '127.0.0.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:04: START: v6 pid=10173 from=::1',
    expected: { kind: 'START', service: 'v6', pid: 10173, sourceIp: '::1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:04: START: mapped pid=10174 from=::ffff:127.0.0.1',
    expected: { kind: 'START', service: 'mapped', pid: 10174, sourceIp: '127.0.0.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:13: FAIL: limited service_limit from=127.0.0.1',
    expected: { kind: 'FAIL', service: 'limited', reason: 'service_limit', sourceIp: '127.0.0.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:24: FAIL: cpsvc connections per second from=127.0.0.1',
    expected: { kind: 'FAIL', service: 'cpsvc', reason: 'connections per second', sourceIp: '127.0.0.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:25: FAIL: quiet address',
    expected: { kind: 'FAIL', service: 'quiet', reason: 'address', sourceIp: null },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:55: TRAFFIC: redir in=17(bytes) out=0(bytes)',
    expected: { kind: 'TRAFFIC', service: 'redir', bytesIn: 17, bytesOut: 0 },
  },
  {
    form: 'file',
    line: '26/12/4@19:50:24: START: tcpwait pid=11802 from=<no address>',
    expected: { kind: 'START', service: 'tcpwait', pid: 11802, sourceIp: null },
  },
  {
    form: 'file',
    line: '26/12/4@19:51:27: USERID: uid1 UNIX : joe',
    expected: { kind: 'USERID', service: 'uid1', text: 'UNIX : joe' },
  },
  {
    form: 'file',
    line: '26/12/4@19:51:41: NOID: idonly 127.0.0.1 no server',
    expected: { kind: 'NOID', service: 'idonly', sourceIp: '127.0.0.1', reason: 'no server' },
  },
  {
    form: 'file',
    line: '26/12/4@19:51:45: START: quiet',
    expected: { kind: 'START', service: 'quiet', pid: null, sourceIp: null },
  },
  {
    form: 'filelog',
    line: '26/12/4@19:47:10 xinetd[9724]: NOTICE: Started working: 23 available services',
    expected: { kind: 'MESSAGE', severity: 'NOTICE', writerPid: 9724, text: 'Started working: 23 available services' },
  },
  {
    form: 'filelog',
    line: '26/12/4@19:48:24 xinetd[9724]: ERROR: Deactivating service cpsvc due to excessive incoming connections.  Restarting in 3 seconds.',
    expected: {
      kind: 'MESSAGE',
      severity: 'ERROR',
      text: 'Deactivating service cpsvc due to excessive incoming connections.  Restarting in 3 seconds.',
    },
  },
  {
    form: 'syslog',
    line: 'May 15 17:38:49 boo xinetd[16256]: FAIL: telnet address from=198.51.100.169',
    expected: { kind: 'FAIL', service: 'telnet', reason: 'address', sourceIp: '198.51.100.169', host: 'boo', writerPid: 16256 },
  },
  {
    form: 'syslog',
    line: 'Aug  3 14:38:49 backup xinetd[31234]: FAIL: amanda libwrap from=198.51.100.223',
    expected: { kind: 'FAIL', service: 'amanda', reason: 'libwrap', sourceIp: '198.51.100.223', host: 'backup' },
  },
  {
    form: 'syslog',
    line: '<133>Dec  4 19:51:27 xinetd[13119]: EXIT: uid1 status=0 pid=13195 duration=0(sec)',
    expected: { kind: 'EXIT', service: 'uid1', status: 0, pid: 13195, host: null, writerPid: 13119 },
  },
  {
    form: 'syslog',
    line: 'Dec  4 19:49:04 gw xinetd-ipv6[9724]: 9724 {process_sensor} Adding 127.0.0.1 to the global_no_access list for 1 minutes',
    expected: { kind: 'MESSAGE', severity: 'CRITICAL', text: 'Adding 127.0.0.1 to the global_no_access list for 1 minutes' },
  },
  {
    form: 'jsonl',
    line: '{"level":30,"time":"2026-12-04T19:57:24.000Z","host":"gw","event":"START","service":"echo-stream","pid":17537,"source":{"ip":"127.0.0.1","port":40112}}',
    expected: { kind: 'START', service: 'echo-stream', pid: 17537, sourceIp: '127.0.0.1', sourcePort: 40112, host: 'gw' },
  },
  {
    form: 'jsonl',
    line: '{"level":30,"time":"2026-12-04T19:57:25.000Z","host":"gw","event":"EXIT","service":"echo-stream","pid":17537,"status":0,"signal":null,"duration_ms":812}',
    expected: { kind: 'EXIT', service: 'echo-stream', pid: 17537, status: 0, signal: null, durationMs: 812 },
  },
  {
    form: 'jsonl',
    line: '{"level":40,"time":"2026-12-04T19:57:26.000Z","host":"gw","event":"FAIL","service":"echo-stream","reason":"address","source":{"ip":"127.0.0.2","port":40200}}',
    expected: { kind: 'FAIL', service: 'echo-stream', reason: 'address', sourceIp: '127.0.0.2' },
  },
  {
    form: 'jsonl',
    line: '{"level":30,"time":"2026-12-04T19:57:20.000Z","host":"gw","event":"MESSAGE","severity":"NOTICE","msg":"Started working: 3 available services"}',
    expected: { kind: 'MESSAGE', severity: 'NOTICE', text: 'Started working: 3 available services' },
  },
  {
    form: 'syslog',
    line: 'Dec  4 19:51:30 gw xinetd-ipv6[9724]: START: telnet pid=16256 from=::ffff:198.51.100.7',
    expected: { kind: 'START', service: 'telnet', pid: 16256, sourceIp: '198.51.100.7', host: 'gw', writerPid: 9724 },
  },
  {
    form: 'syslog',
    line: 'Dec  4 19:51:31 gw xinetd[16256]: FAIL: telnet per_source_limit from=2001:db8::7',
    expected: { kind: 'FAIL', service: 'telnet', reason: 'per_source_limit', sourceIp: '2001:db8::7', writerPid: 16256 },
  },
  {
    form: 'syslog',
    line: 'Dec  4 19:51:32 gw xinetd[9724]: Deactivating service echo due to excessive incoming connections.  Restarting in 10 seconds.',
    expected: { kind: 'MESSAGE', text: 'Deactivating service echo due to excessive incoming connections.  Restarting in 10 seconds.', severity: null },
  },
  {
    form: 'syslog',
    line: 'Dec  4 19:51:33 gw xinetd[9724]: Starting reconfiguration',
    expected: { kind: 'MESSAGE', text: 'Starting reconfiguration' },
  },
  {
    form: 'syslog',
    line: '2018-11-06T11:19:04Z host1 xinetd EXIT: rsync status=0 pid=4311 duration=33(sec)',
    expected: { kind: 'EXIT', service: 'rsync', status: 0, pid: 4311, durationMs: 33000, host: 'host1', writerPid: null },
  },
  {
    form: 'syslog',
    line: '2026-12-04T19:51:25.123456+01:00 gw xinetd[42]: NOID: auth 192.0.2.9 timeout',
    expected: { kind: 'NOID', service: 'auth', sourceIp: '192.0.2.9', reason: 'timeout', host: 'gw', writerPid: 42 },
  },
  {
    form: 'syslog',
    line: '<30>1 2026-12-04T18:51:25.5Z gw xinetd 9724 - - FAIL: tftp libwrap from=192.0.2.10',
    expected: { kind: 'FAIL', service: 'tftp', reason: 'libwrap', sourceIp: '192.0.2.10', host: 'gw', writerPid: 9724 },
  },
  {
    form: 'syslog',
    line: '<30>1 2026-12-04T18:51:26Z - xinetd - - [meta sequenceId="1"] USERID: login UNIX : joe',
    expected: { kind: 'USERID', service: 'login', text: 'UNIX : joe', host: null, writerPid: null },
  },
  {
    form: 'syslog',
    line: '2026 May  3 23:13:12 UTC router xinetd[341]: FAIL: telnet service_limit from=::ffff:192.0.2.11',
    expected: { kind: 'FAIL', service: 'telnet', reason: 'service_limit', sourceIp: '192.0.2.11', host: 'router' },
  },
  {
    form: 'syslog',
    line: 'Dec  4 19:51:34 gw xinetd[9724]: EXIT: telnet signal=15 pid=16256 duration=3(sec)',
    expected: { kind: 'EXIT', service: 'telnet', signal: 15, status: null, pid: 16256, durationMs: 3000 },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:30: FAIL: svc time from=192.0.2.1',
    expected: { kind: 'FAIL', reason: 'time', sourceIp: '192.0.2.1' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:31: FAIL: svc fork from=192.0.2.1',
    expected: { kind: 'FAIL', reason: 'fork' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:32: FAIL: svc process_limit from=192.0.2.1',
    expected: { kind: 'FAIL', reason: 'process_limit' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:33: FAIL: svc load from=192.0.2.1',
    expected: { kind: 'FAIL', reason: 'load' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:34: FAIL: svc libwrap from=192.0.2.1',
    expected: { kind: 'FAIL', reason: 'libwrap' },
  },
  {
    form: 'file',
    line: '26/12/4@19:48:35: FAIL: svc per_source_limit from=192.0.2.1',
    expected: { kind: 'FAIL', reason: 'per_source_limit' },
  },
  {
    form: 'jsonl',
    line: '{"level":30,"time":"2026-12-04T19:57:27.000Z","host":"gw","event":"TRAFFIC","service":"redir","bytes_in":17,"bytes_out":5}',
    expected: { kind: 'TRAFFIC', service: 'redir', bytesIn: 17, bytesOut: 5 },
  },
];
