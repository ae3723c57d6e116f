export { parseAddressRule, parseClient, isNumericToken, type AddressRule, type Network } from './address.js';
export { checkAddress, type Verdict, type AccessDecision } from './verdict.js';
export { AclError, ACL_CODES, type AclCode } from './errors.js';
