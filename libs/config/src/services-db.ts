/** The services file (/etc/services): `name port/protocol aliases… # comment`. */

export class ServicesDatabase {
  private readonly ports = new Map<string, number>();

  /** Parses the file text; malformed lines are skipped, as getservbyname skips them. */
  static parse(text: string): ServicesDatabase {
    const database = new ServicesDatabase();
    for (const line of text.split('\n')) database.addLine(line);
    return database;
  }

  /** Returns the port of a service name or alias for a protocol. Names are case-sensitive, as in glibc. */
  port(name: string, protocol: string): number | undefined {
    return this.ports.get(`${name}/${protocol}`);
  }

  /** Returns the service names and aliases known for a protocol. */
  names(protocol: string): string[] {
    const suffix = `/${protocol}`;
    return [...this.ports.keys()].filter((key) => key.endsWith(suffix)).map((key) => key.slice(0, -suffix.length));
  }

  private addLine(line: string): void {
    const [name, portAndProtocol, ...aliases] = (line.split('#')[0] ?? '').trim().split(/\s+/);
    const match = /^(\d+)\/(\S+)$/.exec(portAndProtocol ?? '');
    if (name === undefined || name === '' || match === null) return;
    const port = Number(match[1]);
    if (port > 65535) return;
    for (const alias of [name, ...aliases]) {
      const key = `${alias}/${match[2] ?? ''}`;
      // The first line for a name wins, as a sequential getservbyname scan returns it.
      if (!this.ports.has(key)) this.ports.set(key, port);
    }
  }
}
