/** The error codes of libs/acl, each with what it means. Tests check that every code is listed. */
export const ACL_CODES = {
  ACL_BAD_ADDRESS: 'an only_from/no_access token is not a valid IPv4 or IPv6 address',
  ACL_BAD_CIDR: 'an ADDRESS/BITS token has an invalid address or prefix length',
  ACL_BAD_FACTORIZED: 'an a.b.{c,d} token is malformed',
  ACL_BAD_NAME: 'an only_from/no_access token is neither an address nor a valid host, domain or network name',
} as const;

export type AclCode = keyof typeof ACL_CODES;

export class AclError extends Error {
  readonly code: AclCode;
  readonly token: string;

  constructor(code: AclCode, token: string, detail: string) {
    super(`invalid address "${token}": ${detail}`);
    this.name = 'AclError';
    this.code = code;
    this.token = token;
  }
}
