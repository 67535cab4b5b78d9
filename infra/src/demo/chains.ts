/**
 * Whether a shop belongs to a chain. OpenStreetMap's `brand` tag says so when it is set, but
 * in this 2016 extract it almost never is, so well-known UK chains are also recognised by the
 * start of the shop's name ("Tesco Express", "Scotmid Leith Walk", "Sainsbury's Local").
 */

/** Matched as the first word(s) of the name, after `normalizeName`. */
const CHAIN_NAME_PREFIXES = [
  // grocers and convenience symbol groups
  'tesco',
  'sainsburys',
  'co op',
  'coop',
  'co operative',
  'the co operative',
  'scotmid',
  'spar',
  'lidl',
  'aldi',
  'asda',
  'morrisons daily',
  'waitrose',
  'iceland',
  'farmfoods',
  'home bargains',
  'm&s',
  'marks & spencer',
  'marks and spencer',
  'costcutter',
  'londis',
  'best one',
  'bestone',
  'day today',
  'keystore',
  'mccolls',
  'mc colls',
  'rs mccoll',
  'r s mccoll',
  'lifestyle express',
  'usave',
  'u save',
  'nisa',
  'premier express',
  'premier store',
  'premier newsagent',
  // bakers, pharmacies, books
  'greggs',
  'patisserie valerie',
  'boots',
  'superdrug',
  'lloyds pharmacy',
  'semichem',
  'semi chem',
  'holland & barrett',
  'waterstones',
  'blackwells',
  'wh smith',
  'oxfam',
  'the works',
  // services
  'timpson',
  'johnsons',
  'kwik fit',
  'halfords',
  'carphone warehouse',
  'vodafone',
  'mail boxes etc',
  'toni & guy',
  'supercuts',
  'charlie miller',
  'rush hair',
];

/**
 * Matched only as the whole name: as a first word they would catch independents too
 * ("Three Bridges Sandwich Bar", "Morrison's Bakery", "Premier Laundrette").
 */
const CHAIN_EXACT_NAMES = new Set([
  'premier',
  'morrisons',
  'cook',
  'mace',
  'ee',
  'o2',
  'three',
  'bp',
  'shell',
]);

/** OSM uses `brand=independent` for shops that explicitly belong to no chain. */
const NOT_A_BRAND = new Set(['independent', 'none', 'no']);

export function isChain(name: string, brand: string): boolean {
  const normalizedBrand = brand.trim().toLowerCase();
  if (normalizedBrand !== '' && !NOT_A_BRAND.has(normalizedBrand)) return true;
  const normalized = normalizeName(name);
  if (CHAIN_EXACT_NAMES.has(normalized)) return true;
  return CHAIN_NAME_PREFIXES.some((prefix) => normalized === prefix || normalized.startsWith(`${prefix} `));
}

/**
 * Lower case, apostrophes and full stops dropped, every other separator a single space, so
 * "Sainsbury's", "Sainsburys" and "SAINSBURYS" read alike, as do "Co-Op" and "Co op".
 */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim();
}
