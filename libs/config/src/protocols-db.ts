/** The protocols file (/etc/protocols): `name number aliases… # comment`. */

export class ProtocolsDatabase {
  private readonly canonical = new Map<string, string>();

  static parse(text: string): ProtocolsDatabase {
    const database = new ProtocolsDatabase();
    for (const line of text.split('\n')) database.addLine(line);
    return database;
  }

  /** Used when the protocols file cannot be read: tcp and udp are all that Node.js serves. */
  static fallback(): ProtocolsDatabase {
    return ProtocolsDatabase.parse('tcp 6 TCP\nudp 17 UDP\n');
  }

  /** Returns the official name for a protocol name or alias, for example `tcp` for `TCP`. */
  canonicalName(name: string): string | undefined {
    return this.canonical.get(name);
  }

  private addLine(line: string): void {
    const [name, number, ...aliases] = (line.split('#')[0] ?? '').trim().split(/\s+/);
    if (name === undefined || name === '' || !/^\d+$/.test(number ?? '')) return;
    for (const alias of [name, ...aliases]) {
      if (!this.canonical.has(alias)) this.canonical.set(alias, name);
    }
  }
}
