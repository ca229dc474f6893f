/**
 * Brazil's time zone per area code (DDD), Pacer's own data: Google's prefix-to-zone data (in
 * libphonenumber) is wrong for Brazil and is not consulted for `+55` numbers. Tried with real
 * numbers, it put every Recife mobile (`+55 81 9…`, its key `55819`) in `America/Noronha` (UTC-2,
 * so a 07:30 call in Recife passed an 08:00 rule) and had no zone for most of Pará (91, 93, 94) and
 * Roraima (95) behind a catch-all `559 → America/Manaus`.
 *
 * Sources (as of 2026-12-07): the DDD plan of Anatel (Plano Geral de Códigos Nacionais, Resolução
 * 263/2001 and its updates), which places every DDD in one state; the IANA tz database
 * (`zone1970.tab` comments name the states each Brazilian zone covers); Decreto 9.772/2019, which
 * ended daylight saving time in Brazil (no zone below observes it). Offsets: Noronha UTC-2; the
 * east, north-east, south-east, south, Pará, Amapá and Tocantins UTC-3; Amazonas (most), Roraima,
 * Rondônia, Mato Grosso, Mato Grosso do Sul UTC-4; Acre and western Amazonas UTC-5.
 *
 * Exceptions below the DDD: DDD 97 (interior Amazonas) spans UTC-4 and UTC-5 (Eirunepé, the
 * Juruá and upper Solimões valleys), so it is ambiguous and the dial gate must find the calling
 * window open in both; Fernando de Noronha shares DDD 81 on its fixed lines `(81) 3619-xxxx`.
 *
 * @example
 * ```ts
 * brazilTimeZones('+5581987654321'); // ['America/Recife']
 * brazilTimeZones('+5597981234567'); // ['America/Manaus', 'America/Eirunepe']
 * brazilTimeZones('+5520987654321'); // undefined (no such DDD)
 * ```
 */
export const BRAZIL_DDD_TIME_ZONES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // São Paulo
  '11': ['America/Sao_Paulo'], '12': ['America/Sao_Paulo'], '13': ['America/Sao_Paulo'], '14': ['America/Sao_Paulo'], '15': ['America/Sao_Paulo'],
  '16': ['America/Sao_Paulo'], '17': ['America/Sao_Paulo'], '18': ['America/Sao_Paulo'], '19': ['America/Sao_Paulo'],
  // Rio de Janeiro, Espírito Santo
  '21': ['America/Sao_Paulo'], '22': ['America/Sao_Paulo'], '24': ['America/Sao_Paulo'], '27': ['America/Sao_Paulo'], '28': ['America/Sao_Paulo'],
  // Minas Gerais
  '31': ['America/Sao_Paulo'], '32': ['America/Sao_Paulo'], '33': ['America/Sao_Paulo'], '34': ['America/Sao_Paulo'], '35': ['America/Sao_Paulo'],
  '37': ['America/Sao_Paulo'], '38': ['America/Sao_Paulo'],
  // Paraná, Santa Catarina, Rio Grande do Sul
  '41': ['America/Sao_Paulo'], '42': ['America/Sao_Paulo'], '43': ['America/Sao_Paulo'], '44': ['America/Sao_Paulo'], '45': ['America/Sao_Paulo'],
  '46': ['America/Sao_Paulo'], '47': ['America/Sao_Paulo'], '48': ['America/Sao_Paulo'], '49': ['America/Sao_Paulo'],
  '51': ['America/Sao_Paulo'], '53': ['America/Sao_Paulo'], '54': ['America/Sao_Paulo'], '55': ['America/Sao_Paulo'],
  // Distrito Federal, Goiás (UTC-3); Tocantins (UTC-3)
  '61': ['America/Sao_Paulo'], '62': ['America/Sao_Paulo'], '64': ['America/Sao_Paulo'], '63': ['America/Araguaina'],
  // Mato Grosso, Mato Grosso do Sul (UTC-4)
  '65': ['America/Cuiaba'], '66': ['America/Cuiaba'], '67': ['America/Campo_Grande'],
  // Acre (UTC-5), Rondônia (UTC-4)
  '68': ['America/Rio_Branco'], '69': ['America/Porto_Velho'],
  // Bahia, Sergipe, Alagoas
  '71': ['America/Bahia'], '73': ['America/Bahia'], '74': ['America/Bahia'], '75': ['America/Bahia'], '77': ['America/Bahia'],
  '79': ['America/Maceio'], '82': ['America/Maceio'],
  // Pernambuco, Paraíba, Rio Grande do Norte, Ceará, Piauí, Maranhão
  '81': ['America/Recife'], '87': ['America/Recife'], '83': ['America/Fortaleza'], '84': ['America/Fortaleza'],
  '85': ['America/Fortaleza'], '88': ['America/Fortaleza'], '86': ['America/Fortaleza'], '89': ['America/Fortaleza'],
  '98': ['America/Fortaleza'], '99': ['America/Fortaleza'],
  // Pará (east: Belém; west: Santarém), Amapá (UTC-3)
  '91': ['America/Belem'], '94': ['America/Belem'], '93': ['America/Santarem'], '96': ['America/Belem'],
  // Amazonas (Manaus UTC-4; DDD 97 also UTC-5), Roraima (UTC-4)
  '92': ['America/Manaus'], '97': ['America/Manaus', 'America/Eirunepe'], '95': ['America/Boa_Vista'],
});

/** National-number prefixes (DDD + first digits) whose zone differs from their DDD's. */
export const BRAZIL_PREFIX_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // Fernando de Noronha's fixed lines (DDD 81, exchange 3619).
  '813619': ['America/Noronha'],
});

/** The zones of a `+55` number, from Pacer's table; undefined for a number that is not Brazilian or whose DDD does not exist. */
export function brazilTimeZones(e164: string): readonly string[] | undefined {
  if (!e164.startsWith('+55')) return undefined;
  const national = e164.slice(3);
  for (const [prefix, zones] of Object.entries(BRAZIL_PREFIX_EXCEPTIONS)) if (national.startsWith(prefix)) return zones;
  return BRAZIL_DDD_TIME_ZONES[national.slice(0, 2)];
}
