import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { formatDiagnostic, loadConfig } from './index.js';
import {
  codes, externalService, findDiagnostic, internalService, problemCodes, Sandbox, service, serviceIds,
} from './test-support.js';
import type { Diagnostic } from './types.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  sandbox.remove();
});

/** A configuration in the style Debian ships, with one file per service. */
const DEBIAN_STYLE = `# Simple configuration file for xinetd
defaults
{
	log_type        = FILE /var/log/xinetd-services.log 1M
	log_on_success  = HOST PID DURATION
	log_on_failure  = HOST
	instances       = 60
	only_from       = 127.0.0.1 ::1 10.0.0.0
}

includedir @DIR@/xinetd.d
`;

const SERVICE_FILES: Record<string, string> = {
  'echo': `# default: off
service echo
{
	disable		= yes
	type		= INTERNAL
	id		= echo-stream
	socket_type	= stream
	protocol	= tcp
	user		= root
	wait		= no
}

service echo
{
	type		= INTERNAL
	id		= echo-dgram
	socket_type	= dgram
	protocol	= udp
	user		= root
	wait		= yes
}
`,
  'daytime': `service daytime
{
	type		= INTERNAL
	id		= daytime-stream
	socket_type	= stream
	wait		= no
	only_from	+= 192.168.{1,2}
	no_access	= 10.0.0.13
}
`,
  'ftp': `service ftp
{
	socket_type	= stream
	wait		= no
	user		= ftpd
	server		= @SERVER@
	server_args	= -l -a
	log_on_success	+= USERID
	instances	= 10
	flags		= REUSE KEEPALIVE
}
`,
  'private': `service private
{
	type		= UNLISTED
	socket_type	= stream
	protocol	= tcp
	port		= 4000
	wait		= no
	user		= 4242
	server		= @SERVER@
	bind		= 127.0.0.1
	log_type	= SYSLOG local3 notice
}
`,
};

function writeDebianStyle(): void {
  sandbox.write('xinetd.conf', DEBIAN_STYLE.replaceAll('@DIR@', sandbox.dir));
  for (const [name, text] of Object.entries(SERVICE_FILES)) sandbox.write(`xinetd.d/${name}`, text.replaceAll('@SERVER@', sandbox.server));
  sandbox.write('xinetd.d/ftp.dpkg-dist', 'this file is skipped');
}

describe('loadConfig on a complete configuration', () => {
  it('loads every service with its effective values', () => {
    writeDebianStyle();
    const config = loadConfig(sandbox.path('xinetd.conf'), sandbox.options());
    expect(problemCodes(config)).toEqual([]);
    expect(codes(config)).toEqual(['CONFIG_SERVICE_DISABLED']);
    expect(serviceIds(config)).toEqual(['daytime-stream', 'echo-dgram', 'ftp', 'private']);
    expect(config.files.map((file) => file.slice(sandbox.dir.length))).toEqual(['/xinetd.conf', '/xinetd.d/daytime', '/xinetd.d/echo', '/xinetd.d/ftp', '/xinetd.d/private']);

    const daytime = service(config, 'daytime-stream');
    expect(daytime.onlyFrom).toEqual(['127.0.0.1', '::1', '10.0.0.0', '192.168.{1,2}']);
    expect(daytime.noAccess).toEqual(['10.0.0.13']);
    expect(daytime.port).toBe(13);
    expect(daytime.logType).toEqual({ kind: 'FILE', path: '/var/log/xinetd-services.log', softLimit: 1048576, hardLimit: 1048576 + 10485 });

    const ftp = service(config, 'ftp');
    expect([ftp.uid, ftp.gid, ftp.port, ftp.instances]).toEqual([1001, 1002, 21, 10]);
    expect(ftp.argv).toEqual(['server', '-l', '-a']);
    expect([...ftp.logOnSuccess]).toEqual(['HOST', 'PID', 'DURATION', 'USERID']);
    expect([...ftp.flags]).toEqual(['REUSE', 'KEEPALIVE']);

    const privateService = service(config, 'private');
    expect([privateService.uid, privateService.gid, privateService.port, privateService.bind]).toEqual([4242, 4242, 4000, '127.0.0.1']);
    expect(privateService.logType).toEqual({ kind: 'SYSLOG', facility: 'local3', level: 'notice' });
    expect(privateService.instances).toBe(60);
  });

  it('keeps loading the other services when one is broken', () => {
    writeDebianStyle();
    sandbox.write('xinetd.d/broken', 'service broken {\n\tsocket_type = stream\n}\n');
    sandbox.write('xinetd.d/typo', externalService('telnet', ['sever = /bin/true', 'port = 23']).replaceAll('@SERVER@', sandbox.path('bin/absent')));
    const config = loadConfig(sandbox.path('xinetd.conf'), sandbox.options());
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_BRACE', 'CONFIG_UNKNOWN_ATTRIBUTE', 'CONFIG_SERVER_NOT_FOUND']);
    expect(serviceIds(config)).toEqual(['daytime-stream', 'echo-dgram', 'ftp', 'private']);
  });
});

describe('loadConfig failures', () => {
  it('reports a missing main file with no services and does not throw', () => {
    const config = loadConfig(sandbox.path('absent.conf'), sandbox.options());
    expect(codes(config)).toEqual(['CONFIG_FILE_NOT_FOUND']);
    expect(config.services).toEqual([]);
    expect(config.files).toEqual([]);
    expect(config.diagnostics[0]?.position).toBeNull();
  });

  it('reports an unreadable main file', () => {
    const config = loadConfig(sandbox.dir, sandbox.options());
    expect(codes(config)).toEqual(['CONFIG_FILE_UNREADABLE']);
  });

  it('loads an empty file with no services and no diagnostics', () => {
    const config = sandbox.load('');
    expect(config.services).toEqual([]);
    expect(config.diagnostics).toEqual([]);
  });
});

describe('diagnostics', () => {
  it('carry the service id even when the id line comes later', () => {
    const config = sandbox.load(internalService('echo', ['sever = x', 'id = echo-stream']));
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_ATTRIBUTE')?.service).toBe('echo-stream');
  });

  it('are reported once per problem, all of them', () => {
    const text = externalService('ftp', ['sever = x', 'instances = lots', 'wait = yes', 'bind = nowhere']) + internalService('bogus');
    const config = sandbox.load(text);
    expect(problemCodes(config)).toEqual([
      'CONFIG_UNKNOWN_ATTRIBUTE',
      'CONFIG_BAD_VALUE',
      'CONFIG_DUPLICATE_ATTRIBUTE',
      'CONFIG_BAD_BIND',
      'CONFIG_UNKNOWN_BUILTIN',
      'CONFIG_UNKNOWN_SERVICE_PORT',
    ]);
    expect(codes(config).filter((code) => code === 'CONFIG_SERVICE_SKIPPED')).toHaveLength(2);
  });

  it('format as one line with position, severity, service and hint', () => {
    const config = sandbox.load(externalService('foo', ['sever = x']));
    const line = formatDiagnostic(findDiagnostic(config, 'CONFIG_UNKNOWN_ATTRIBUTE')!);
    expect(line).toBe(`${sandbox.path('xinetd.conf')}:7: warning: service foo: unknown attribute "sever" (did you mean "server"?)`);
  });

  it('format without position or service when there is none', () => {
    const diagnostic: Diagnostic = { code: 'CONFIG_FILE_NOT_FOUND', severity: 'error', message: 'cannot read x', position: null, service: null, hint: null };
    expect(formatDiagnostic(diagnostic)).toBe('error: cannot read x');
  });
});

describe('frozen results', () => {
  it('cannot be changed', () => {
    const config = sandbox.load(internalService('echo', ['only_from = 10.0.0.1', 'log_on_success = PID']));
    const echo = service(config, 'echo');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.services)).toBe(true);
    expect(Object.isFrozen(config.diagnostics)).toBe(true);
    expect(Object.isFrozen(echo)).toBe(true);
    expect(Object.isFrozen(echo.position)).toBe(true);
    expect(Object.isFrozen(echo.onlyFrom)).toBe(true);
    expect(Object.isFrozen(echo.argv)).toBe(true);
    expect(() => (echo.logOnSuccess as Set<string>).add('HOST')).toThrow(TypeError);
    expect(() => (echo.types as Set<string>).clear()).toThrow(TypeError);
    expect(() => (echo.origins as Map<string, unknown>).set('x', null)).toThrow(TypeError);
    expect(echo.logOnSuccess.has('PID')).toBe(true);
  });
});
