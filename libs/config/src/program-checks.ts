/** Checks of what a service runs: its server program, its user and group, its argv. */

import { accessSync, constants, statSync } from 'node:fs';
import { basename, isAbsolute, normalize, resolve } from 'node:path';

import { numericId, type UserEntry } from './accounts.js';
import { describeFsError } from './sources.js';
import { didYouMean } from './suggest.js';
import type { SystemFiles } from './system-files.js';
import { accept, reject, type ValueProblem, type ValueResult } from './values.js';

/**
 * Rejects a relative server path and one with a ".." component. The daemon runs the
 * path as written, so a relative one would name whatever program sits there in its
 * working directory at the time, which is `/` under an init script.
 */
function checkServerPath(server: string, baseDir: string): ValueProblem | null {
  if (!isAbsolute(server)) {
    const message = `server ${server} is a relative path, which would be looked up from the daemon's working directory`;
    return { code: 'CONFIG_SERVER_RELATIVE', message, hint: `give the absolute path of the program, such as ${resolve(baseDir, server)}` };
  }
  if (server.split('/').includes('..')) {
    const message = `server ${server} contains "..", so the program it names depends on the directories around it`;
    return { code: 'CONFIG_SERVER_RELATIVE', message, hint: `write the path without "..": ${normalize(server)}` };
  }
  return null;
}

/**
 * Checks that the server is an absolute path to a regular file that passes access(X_OK)
 * for the user loading the configuration, as xinetd checks it.
 */
export function checkServerProgram(server: string, baseDir: string): ValueProblem | null {
  const pathProblem = checkServerPath(server, baseDir);
  if (pathProblem !== null) return pathProblem;
  const path = server;
  try {
    if (!statSync(path).isFile()) {
      const message = `server ${server} is not a regular file`;
      return { code: 'CONFIG_SERVER_NOT_EXECUTABLE', message, hint: 'give the path of the program itself' };
    }
    accessSync(path, constants.X_OK);
    return null;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      code: missing ? 'CONFIG_SERVER_NOT_FOUND' : 'CONFIG_SERVER_NOT_EXECUTABLE',
      message: `server ${server} cannot be executed: ${describeFsError(error)}`,
      hint: missing ? 'give the absolute path of an installed program' : `make it executable with chmod +x ${server}`,
    };
  }
}

/** Resolves a user to its uid and gid. As in xinetd, a numeric user is its own uid and gid. */
export function lookUpUser(user: string, system: SystemFiles): ValueResult<UserEntry> {
  const id = numericId(user);
  if (id !== null) return accept({ uid: id, gid: id });
  const users = system.users();
  const entry = users?.get(user);
  if (entry !== undefined) return accept(entry);
  const hint = users === null ? 'the passwd file could not be read; use a numeric uid' : didYouMean(user, users.keys());
  return reject(`user "${user}" is not in ${system.paths.passwd}`, hint, 'CONFIG_UNKNOWN_USER');
}

export function lookUpGroup(group: string, system: SystemFiles): ValueResult<number> {
  const id = numericId(group);
  if (id !== null) return accept(id);
  const groups = system.groups();
  const gid = groups?.get(group);
  if (gid !== undefined) return accept(gid);
  const hint = groups === null ? 'the group file could not be read; use a numeric gid' : didYouMean(group, groups.keys());
  return reject(`group "${group}" is not in ${system.paths.group}`, hint, 'CONFIG_UNKNOWN_GROUP');
}

/** argv[0] is the basename of the server, unless NAMEINARGS makes it the first server_args word. */
export function buildArgv(server: string, args: readonly string[], nameInArgs: boolean): string[] {
  return nameInArgs ? [...args] : [basename(server), ...args];
}
