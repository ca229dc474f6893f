/**
 * Which IANA zones a US state/territory or Canadian province covers. Regions that span more than
 * one zone list every zone they span: a lead located only by such a region has an ambiguous zone.
 * Sources: the IANA tz database's zone.tab comments and the US DOT time-zone boundary rules.
 */
const REGION_ZONES: Readonly<Record<string, readonly string[]>> = {
  // United States
  AL: ['America/Chicago'],
  AK: ['America/Anchorage', 'America/Adak'],
  // Most of Arizona keeps MST all year; the Navajo Nation observes DST.
  AZ: ['America/Phoenix', 'America/Denver'],
  AR: ['America/Chicago'],
  CA: ['America/Los_Angeles'],
  CO: ['America/Denver'],
  CT: ['America/New_York'],
  DE: ['America/New_York'],
  DC: ['America/New_York'],
  FL: ['America/New_York', 'America/Chicago'],
  GA: ['America/New_York'],
  HI: ['Pacific/Honolulu'],
  ID: ['America/Boise', 'America/Los_Angeles'],
  IL: ['America/Chicago'],
  IN: ['America/Indiana/Indianapolis', 'America/Chicago'],
  IA: ['America/Chicago'],
  KS: ['America/Chicago', 'America/Denver'],
  KY: ['America/New_York', 'America/Chicago'],
  LA: ['America/Chicago'],
  ME: ['America/New_York'],
  MD: ['America/New_York'],
  MA: ['America/New_York'],
  MI: ['America/Detroit', 'America/Menominee'],
  MN: ['America/Chicago'],
  MS: ['America/Chicago'],
  MO: ['America/Chicago'],
  MT: ['America/Denver'],
  NE: ['America/Chicago', 'America/Denver'],
  NV: ['America/Los_Angeles'],
  NH: ['America/New_York'],
  NJ: ['America/New_York'],
  NM: ['America/Denver'],
  NY: ['America/New_York'],
  NC: ['America/New_York'],
  ND: ['America/Chicago', 'America/Denver'],
  OH: ['America/New_York'],
  OK: ['America/Chicago'],
  OR: ['America/Los_Angeles', 'America/Boise'],
  PA: ['America/New_York'],
  RI: ['America/New_York'],
  SC: ['America/New_York'],
  SD: ['America/Chicago', 'America/Denver'],
  TN: ['America/New_York', 'America/Chicago'],
  TX: ['America/Chicago', 'America/Denver'],
  UT: ['America/Denver'],
  VT: ['America/New_York'],
  VA: ['America/New_York'],
  WA: ['America/Los_Angeles'],
  WV: ['America/New_York'],
  WI: ['America/Chicago'],
  WY: ['America/Denver'],
  PR: ['America/Puerto_Rico'],
  VI: ['America/St_Thomas'],
  GU: ['Pacific/Guam'],
  AS: ['Pacific/Pago_Pago'],
  MP: ['Pacific/Saipan'],
  // Canada
  AB: ['America/Edmonton'],
  BC: ['America/Vancouver', 'America/Edmonton'],
  MB: ['America/Winnipeg'],
  NB: ['America/Moncton'],
  NL: ['America/St_Johns', 'America/Goose_Bay'],
  NS: ['America/Halifax'],
  NT: ['America/Edmonton'],
  NU: ['America/Iqaluit', 'America/Rankin_Inlet', 'America/Cambridge_Bay'],
  ON: ['America/Toronto', 'America/Winnipeg'],
  PE: ['America/Halifax'],
  QC: ['America/Toronto', 'America/Halifax'],
  SK: ['America/Regina', 'America/Edmonton'],
  YT: ['America/Whitehorse'],
};

const REGION_NAMES: Readonly<Record<string, string>> = {
  ALABAMA: 'AL', ALASKA: 'AK', ARIZONA: 'AZ', ARKANSAS: 'AR', CALIFORNIA: 'CA', COLORADO: 'CO',
  CONNECTICUT: 'CT', DELAWARE: 'DE', 'DISTRICT OF COLUMBIA': 'DC', FLORIDA: 'FL', GEORGIA: 'GA',
  HAWAII: 'HI', IDAHO: 'ID', ILLINOIS: 'IL', INDIANA: 'IN', IOWA: 'IA', KANSAS: 'KS', KENTUCKY: 'KY',
  LOUISIANA: 'LA', MAINE: 'ME', MARYLAND: 'MD', MASSACHUSETTS: 'MA', MICHIGAN: 'MI', MINNESOTA: 'MN',
  MISSISSIPPI: 'MS', MISSOURI: 'MO', MONTANA: 'MT', NEBRASKA: 'NE', NEVADA: 'NV', 'NEW HAMPSHIRE': 'NH',
  'NEW JERSEY': 'NJ', 'NEW MEXICO': 'NM', 'NEW YORK': 'NY', 'NORTH CAROLINA': 'NC', 'NORTH DAKOTA': 'ND',
  OHIO: 'OH', OKLAHOMA: 'OK', OREGON: 'OR', PENNSYLVANIA: 'PA', 'RHODE ISLAND': 'RI',
  'SOUTH CAROLINA': 'SC', 'SOUTH DAKOTA': 'SD', TENNESSEE: 'TN', TEXAS: 'TX', UTAH: 'UT', VERMONT: 'VT',
  VIRGINIA: 'VA', WASHINGTON: 'WA', 'WEST VIRGINIA': 'WV', WISCONSIN: 'WI', WYOMING: 'WY',
  'PUERTO RICO': 'PR', 'US VIRGIN ISLANDS': 'VI', 'VIRGIN ISLANDS': 'VI', GUAM: 'GU', 'AMERICAN SAMOA': 'AS',
  'NORTHERN MARIANA ISLANDS': 'MP', ALBERTA: 'AB', 'BRITISH COLUMBIA': 'BC', MANITOBA: 'MB',
  'NEW BRUNSWICK': 'NB', 'NEWFOUNDLAND AND LABRADOR': 'NL', NEWFOUNDLAND: 'NL', 'NOVA SCOTIA': 'NS',
  'NORTHWEST TERRITORIES': 'NT', NUNAVUT: 'NU', ONTARIO: 'ON', 'PRINCE EDWARD ISLAND': 'PE', QUEBEC: 'QC',
  QUÉBEC: 'QC', SASKATCHEWAN: 'SK', YUKON: 'YT',
};

/**
 * The zones of a US state/territory or Canadian province given by its postal code (`FL`) or its
 * name (`Florida`), case-insensitive; undefined when the region is not known.
 *
 * @example
 * ```ts
 * regionTimeZones('ny'); // ['America/New_York']
 * regionTimeZones('Florida'); // ['America/New_York', 'America/Chicago']
 * regionTimeZones('Bavaria'); // undefined
 * ```
 */
export function regionTimeZones(region: string): readonly string[] | undefined {
  const key = region.trim().toUpperCase().replace(/\s+/g, ' ').replace(/\./g, '');
  const code = key.length === 2 ? key : REGION_NAMES[key];
  return code === undefined ? undefined : REGION_ZONES[code];
}

/**
 * Common North American zone abbreviations and names as people write them in lead files. An
 * abbreviation that stands for more than one zone with different rules maps to all of them
 * (MST: Denver observes DST, Phoenix does not; AST: Halifax observes DST, Puerto Rico does not).
 */
const ZONE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  ET: ['America/New_York'], EST: ['America/New_York'], EDT: ['America/New_York'], EASTERN: ['America/New_York'],
  CT: ['America/Chicago'], CST: ['America/Chicago'], CDT: ['America/Chicago'], CENTRAL: ['America/Chicago'],
  MT: ['America/Denver'], MDT: ['America/Denver'], MOUNTAIN: ['America/Denver'],
  MST: ['America/Denver', 'America/Phoenix'],
  PT: ['America/Los_Angeles'], PST: ['America/Los_Angeles'], PDT: ['America/Los_Angeles'], PACIFIC: ['America/Los_Angeles'],
  AKT: ['America/Anchorage'], AKST: ['America/Anchorage'], AKDT: ['America/Anchorage'], ALASKA: ['America/Anchorage'],
  HT: ['Pacific/Honolulu'], HST: ['Pacific/Honolulu'], HAST: ['Pacific/Honolulu'], HAWAII: ['Pacific/Honolulu'],
  AST: ['America/Halifax', 'America/Puerto_Rico'], ADT: ['America/Halifax'], ATLANTIC: ['America/Halifax'],
  NST: ['America/St_Johns'], NDT: ['America/St_Johns'], NEWFOUNDLAND: ['America/St_Johns'],
};

/**
 * The zones a North American zone abbreviation or generic name (`EST`, `Pacific`) stands for, or
 * undefined when it is not one.
 *
 * @example
 * ```ts
 * zoneAliasTimeZones('est'); // ['America/New_York']
 * zoneAliasTimeZones('MST'); // ['America/Denver', 'America/Phoenix']
 * ```
 */
export function zoneAliasTimeZones(alias: string): readonly string[] | undefined {
  return ZONE_ALIASES[alias.trim().toUpperCase().replace(/\s+TIME$/, '')];
}
