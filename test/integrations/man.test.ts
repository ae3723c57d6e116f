/**
 * The man pages render with man-db without warnings, and name every daemon option from
 * its option tables, every attribute of libs/config's registry with its level of
 * support, and every logq command and option from its commander program.
 * Needs man-db and groff-base (`apt-get install -y man-db groff-base`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/daemon.js';
import { readDaemonOptions } from '../../tools/completion/generate/daemon-options.mjs';

interface AttributeSpec {
  name: string;
  aliases: readonly string[];
  support: 'enforced' | 'not-enforced' | 'unsupported';
}

const PAGES = { daemon: 'xinetd-ts.8', config: 'xinetd-ts.conf.5', logq: 'logq.1' } as const;

function render(page: string): { text: string; warnings: string; status: number | null } {
  const result = spawnSync('man', ['--warnings', '-l', join(ROOT, 'man', page)], {
    encoding: 'utf8',
    env: { ...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '', MANPAGER: 'cat', PAGER: 'cat' },
  });
  return { text: result.stdout, warnings: result.stderr, status: result.status };
}

/** Returns the lines of one section of a rendered page, from its heading to the next. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no ${heading} section`);
  const end = lines.findIndex((line, index) => index > start && /^[A-Z]/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Returns the names a tag line gives: its options (`-V, --version`), or else its first word (`rlimit_cpu`). */
function tagNames(tag: string): string[] {
  const words = tag.trim().split(/,?\s+/);
  const options = words.filter((word) => word.startsWith('-'));
  return options.length > 0 ? options : [words[0]!];
}

/**
 * Splits a rendered section into entries: a tag at indent 7, its text at indent 14, or
 * on the tag's line when the tag is short. Consecutive tags with no text between them
 * share the text that follows.
 */
function entries(lines: string[]): Map<string, string> {
  const result = new Map<string, string>();
  let tags: string[] = [];
  let text = '';
  const flush = () => {
    for (const tag of tags) result.set(tag, text.replace(/\s+/g, ' ').trim());
    tags = [];
    text = '';
  };
  for (const line of lines) {
    if (/^ {7}\S/.test(line)) {
      if (text !== '') flush();
      const inline = /^ {7}(\S{1,6}) +/.test(line) && line[13] === ' ' && /\S/.test(line[14] ?? '');
      tags.push(...tagNames(inline ? line.slice(7, 14) : line.slice(7)));
      if (inline) text += ` ${line.slice(14)}`;
    } else if (/^ {14}\S/.test(line)) {
      text += ` ${line}`;
    }
  }
  flush();
  return result;
}

async function logqDefinition(): Promise<{ commands: string[]; options: Map<string, string[]> }> {
  const { buildProgram } = (await import(join(ROOT, 'apps', 'logq', 'dist', 'cli.js'))) as typeof import('../../apps/logq/src/cli.js');
  const sink = { write: () => true };
  const program = await buildProgram({ stdout: sink, stderr: sink, env: {} } as never, () => {});
  const help = program.createHelp();
  const options = new Map<string, string[]>();
  for (const command of [program, ...help.visibleCommands(program)]) {
    const flags = help.visibleOptions(command).flatMap((option) => [option.short, option.long].filter((flag): flag is string => !!flag));
    options.set(command.name(), flags);
  }
  return { commands: help.visibleCommands(program).map((command) => command.name()), options };
}

describe('man pages', () => {
  for (const page of Object.values(PAGES)) {
    it(`renders ${page} without warnings`, () => {
      const { text, warnings, status } = render(page);
      expect(warnings).toBe('');
      expect(status).toBe(0);
      expect(text).toMatch(/^NAME$/m);
      const wide = text.split('\n').filter((line) => line.length > 80);
      expect(wide).toEqual([]);
    });
  }

  it('lists every daemon option', () => {
    const { valueOptions, flagOptions, ignored, usage, subcommands } = readDaemonOptions(ROOT);
    const text = render(PAGES.daemon).text;
    const options = entries(section(text, 'OPTIONS'));
    for (const option of [...valueOptions, ...flagOptions]) {
      expect(options.has(option), `${option} in OPTIONS`).toBe(true);
    }
    for (const option of ignored) expect(options.get(option), option).toContain('Accepted for compatibility');
    const synopsis = section(text, 'SYNOPSIS').join(' ').replace(/\s+/g, ' ');
    for (const option of usage.match(/\[-[-\w]+/g)!) expect(synopsis, option).toContain(option.slice(1));
    const commands = entries(section(text, 'COMMANDS'));
    for (const subcommand of subcommands as { name: string; options: { option: string }[] }[]) {
      expect(commands.has(subcommand.name), `${subcommand.name} in COMMANDS`).toBe(true);
      expect(synopsis).toContain(`xinetd-ts ${subcommand.name}`);
      for (const { option } of subcommand.options) expect(synopsis, option).toContain(option);
    }
  });

  it('lists every attribute with its support', async () => {
    const { ATTRIBUTES } = (await import(join(ROOT, 'libs', 'config', 'dist', 'attributes.js'))) as { ATTRIBUTES: readonly AttributeSpec[] };
    const lines = section(render(PAGES.config).text, 'ATTRIBUTES');
    // The section opens with a paragraph at the tags' indent; the entries follow its blank line.
    const attributes = entries(lines.slice(lines.indexOf('') + 1));
    for (const spec of ATTRIBUTES) {
      const text = attributes.get(spec.name);
      expect(text, `${spec.name} in ATTRIBUTES`).toBeDefined();
      for (const alias of spec.aliases) expect(text, `alias ${alias}`).toContain(alias);
      if (spec.support === 'not-enforced') expect(text, spec.name).toContain('Not yet enforced');
      if (spec.support === 'unsupported') expect(text, spec.name).toContain('Not yet supported: a service that sets it is not started');
      if (spec.support === 'enforced') expect(text, spec.name).not.toContain('Not yet enforced');
    }
    expect([...attributes.keys()].sort()).toEqual(ATTRIBUTES.map((spec) => spec.name).sort());
  });

  it('lists every logq command and option', async () => {
    const definition = await logqDefinition();
    const text = render(PAGES.logq).text;
    const commands = entries(section(text, 'COMMANDS'));
    expect([...commands.keys()].sort()).toEqual([...definition.commands].sort());
    const documented = new Set([...entries(section(text, 'OPTIONS')).keys()]);
    for (const [command, flags] of definition.options) {
      for (const flag of flags) expect(documented.has(flag), `${command} ${flag}`).toBe(true);
    }
  });

  it('are installed by the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[] };
    expect(pkg.man.map((path) => path.replace(/^\.\/man\//, '')).sort()).toEqual(Object.values(PAGES).sort());
  });
});
