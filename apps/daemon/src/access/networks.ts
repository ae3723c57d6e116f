/** /etc/networks for network names in only_from and no_access, re-read when it changes. */
import { parseNetworksFile, type NetworkTable } from '#acl';
import { ParsedFile } from './file-cache.js';
import { accessSettings } from './settings.js';

let networks: ParsedFile<{ table: NetworkTable; problems: string[] }> | null = null;

/** Returns the network names of the file that XINETD_TS_NETWORKS or /etc/networks names. */
export function networkTable(): NetworkTable {
  networks ??= new ParsedFile(accessSettings(process.env).networksFile, (text) => parseNetworksFile(text));
  return networks.get().table;
}
