// Checks the text of a Cedar extension value (decimal, ipaddr, datetime, duration) with Cedar's own grammar and turns
// it into the explicit `{ __extn: { fn, arg } }` form. Hand-written because cedar-wasm's checkParseContext costs
// 60-100 µs a value, as much as a whole decision; tests/runtime/claims/extension-text.property.test.ts holds these
// checks to cedar-wasm's answers.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ExtensionType } from '../config.js';
import { ValueTypeError } from './value-type-error.js';

/** Cedar's constructor function for each extension type: `ipaddr` values are built by `ip`. */
export const EXTENSION_FUNCTION: Readonly<Record<ExtensionType, string>> = {
  decimal: 'decimal',
  ipaddr: 'ip',
  datetime: 'datetime',
  duration: 'duration',
};

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** The explicit extension value for `text`, or a ValueTypeError saying what Cedar would refuse in it. */
export function extensionValue(name: ExtensionType, text: string): CedarValueJson {
  const problem = CHECKS[name](text);
  if (problem !== undefined) throw new ValueTypeError(`expected ${EXAMPLES[name]}, got ${JSON.stringify(text)}: ${problem}`);
  return { __extn: { fn: EXTENSION_FUNCTION[name], arg: text } };
}

const EXAMPLES: Readonly<Record<ExtensionType, string>> = {
  decimal: 'a decimal such as "12.50"',
  ipaddr: 'an IP address such as "10.0.0.1", "2001:db8::1" or "10.0.0.0/8"',
  datetime: 'a datetime such as "2024-10-15" or "2024-10-15T11:35:00.000Z"',
  duration: 'a duration such as "1h30m" or "-2d"',
};

/** Each check returns what is wrong with the text, or undefined when Cedar accepts it. */
const CHECKS: Readonly<Record<ExtensionType, (text: string) => string | undefined>> = {
  decimal: decimalProblem,
  ipaddr: ipProblem,
  datetime: datetimeProblem,
  duration: durationProblem,
};

function decimalProblem(text: string): string | undefined {
  const match = /^(-?)([0-9]+)\.([0-9]+)$/.exec(text);
  if (!match) return 'digits, a point and 1 to 4 digits, with an optional leading "-"';
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > 4) return 'more than 4 digits after the point';
  // Cedar stores a decimal as a 64-bit integer of ten-thousandths.
  const scaled = BigInt(`${sign}${whole}${fraction.padEnd(4, '0')}`);
  return scaled < I64_MIN || scaled > I64_MAX ? 'out of range (-922337203685477.5808 to 922337203685477.5807)' : undefined;
}

function ipProblem(text: string): string | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const isV4 = isIpv4(address);
  if (!isV4 && !isIpv6(address)) return 'not an IPv4 or IPv6 address (IPv4 embedded in IPv6 and zone ids are refused)';
  if (slash < 0) return undefined;
  const prefix = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(prefix)) return 'the prefix after "/" must be a number without leading zeros';
  const limit = isV4 ? 32 : 128;
  return Number(prefix) > limit ? `the prefix is larger than ${limit}` : undefined;
}

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** Eight groups of 1-4 hex digits, or fewer with one `::` standing for at least one group; no dotted tail. */
function isIpv6(text: string): boolean {
  const group = /^[0-9A-Fa-f]{1,4}$/;
  const groups = (part: string): string[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    return items.every((item) => group.test(item)) ? items : undefined;
  };
  const halves = text.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) return groups(text)?.length === 8;
  const head = groups(halves[0] ?? '');
  const tail = groups(halves[1] ?? '');
  return head !== undefined && tail !== undefined && head.length + tail.length <= 7;
}

const DATETIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{3})?(?:Z|[+-]([0-9]{2})([0-9]{2})))?$/;

function datetimeProblem(text: string): string | undefined {
  const match = DATETIME.exec(text);
  if (!match) return 'YYYY-MM-DD, optionally followed by Thh:mm:ss, optional .SSS, and Z or an offset ±hhmm';
  const [, year = '', month = '', day = '', hour, minute, second, offsetHours, offsetMinutes] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return `${year}-${month}-${day} is not a calendar date`;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59))
    return `${hour}:${minute}:${second} is not a time of day`;
  if (offsetHours !== undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return 'the offset is out of range';
  return undefined;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

const DURATION = /^(-?)(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;
const MS_PER_UNIT = [86_400_000n, 3_600_000n, 60_000n, 1_000n, 1n] as const;

function durationProblem(text: string): string | undefined {
  const match = DURATION.exec(text);
  const quantities = match?.slice(2) ?? [];
  if (!match || quantities.every((quantity) => quantity === undefined)) {
    return 'quantities with units in the order d, h, m, s, ms, with an optional leading "-"';
  }
  // Cedar holds a duration as 64-bit milliseconds.
  let total = 0n;
  quantities.forEach((quantity, index) => {
    if (quantity !== undefined) total += BigInt(quantity) * (MS_PER_UNIT[index] ?? 1n);
  });
  if (match[1] === '-') total = -total;
  return total < I64_MIN || total > I64_MAX ? 'out of range (more than 2^63 - 1 milliseconds)' : undefined;
}
