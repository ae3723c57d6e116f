/**
 * User and group lookup in passwd and group files.
 * NOTE: only the files are read; users known only through NSS (LDAP, SSSD) are not found.
 */

export interface UserEntry {
  readonly uid: number;
  readonly gid: number;
}

/** Largest valid id: (uid_t)-1 is reserved as "no change". */
export const MAX_ID = 4294967294;

function fields(text: string, count: number): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('+') && !line.startsWith('-'))
    .map((line) => line.split(':'))
    .filter((parts) => parts.length >= count);
}

function parseId(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const id = Number(text);
  return id <= MAX_ID ? id : null;
}

/** Parses `name:password:uid:gid:…` lines; the first line for a name wins. */
export function parsePasswd(text: string): Map<string, UserEntry> {
  const users = new Map<string, UserEntry>();
  for (const [name = '', , uidText, gidText] of fields(text, 4)) {
    const uid = parseId(uidText);
    const gid = parseId(gidText);
    if (uid !== null && gid !== null && !users.has(name)) users.set(name, { uid, gid });
  }
  return users;
}

/** Parses `name:password:gid:members` lines into name → gid. */
export function parseGroup(text: string): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [name = '', , gidText] of fields(text, 3)) {
    const gid = parseId(gidText);
    if (gid !== null && !groups.has(name)) groups.set(name, gid);
  }
  return groups;
}

/** Returns the id of an all-digits user or group, which xinetd uses as the id itself, or null. */
export function numericId(text: string): number | null {
  return parseId(text);
}
