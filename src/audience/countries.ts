import { getAllTimezones, getCountry, getCountryForTimezone } from 'countries-and-timezones';

/**
 * A subscriber's country, as far as we can know it: Meta tells us nothing of where a subscriber lives
 * (no country or locale in the opt-in webhook or the token list; the User Profile API's `locale` is the
 * person's Facebook language, needs an App Review'd permission, and is not a place either). What Meta does
 * send is the IANA time zone of the opt-in (`notification_messages_timezone`), stored on the subscription.
 *
 * So a country is the zones it is the main country of, from the tz database's zone table as the
 * `countries-and-timezones` package carries it: canonical zones and their old aliases (Asia/Saigon with
 * Asia/Ho_Chi_Minh for VN). A zone several countries share counts for its main country only (Asia/Bangkok
 * is Thailand's, not Vietnam's or Cambodia's), so each subscriber has at most one country; a subscription
 * with no reported zone, or a zone of no country (UTC, Etc/GMT+7), has none.
 */
const ZONES_BY_COUNTRY: ReadonlyMap<string, readonly string[]> = (() => {
  const zones = new Map<string, string[]>();
  for (const name of Object.keys(getAllTimezones({ deprecated: true }))) {
    const country = getCountryForTimezone(name, { deprecated: true })?.id;
    if (country) zones.set(country, [...(zones.get(country) ?? []), name]);
  }
  return zones;
})();

/** An ISO 3166-1 alpha-2 code the zone table knows (upper case, e.g. `PH`, `VN`). */
export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && getCountry(value) !== null;
}

/** The IANA zones of these countries (see above); empty for a country no zone belongs to (e.g. `HM`). */
export function zonesOfCountries(countries: readonly string[]): string[] {
  return countries.flatMap((c) => ZONES_BY_COUNTRY.get(c) ?? []);
}
