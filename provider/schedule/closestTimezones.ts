/**
 * "Did you mean": the IANA names closest to a timezone `Intl` does not know, from the runtime's own
 * list (`Intl.supportedValuesOf("timeZone")`, Node ≥ 18), never a list of ours.
 */

/** Whether `Intl` knows `timezone` as an IANA name (an offset such as `+01:00` is not one). */
export function isKnownTimezone(timezone: string): boolean {
  if (timezone.trim() === "" || /^[+-]/.test(timezone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's name as the tz database spells it when `timezone` differs from it only by case
 * (`europe/berlin` → `Europe/Berlin`); undefined otherwise. `Intl` accepts any case, but the
 * schedule keeps the name as written, so it is asked as spelt.
 */
export function canonicalSpelling(timezone: string): string | undefined {
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions().timeZone;
  return resolved !== timezone && resolved.toLowerCase() === timezone.toLowerCase() ? resolved : undefined;
}

/** Up to `count` known names closest to `timezone` (edit distance on the whole name or on its city), best first. */
export function closestTimezones(timezone: string, count = 3): string[] {
  const wanted = normalise(timezone);
  const scored = Intl.supportedValuesOf("timeZone").map((name) => {
    const whole = normalise(name);
    const city = whole.slice(whole.lastIndexOf("/") + 1);
    return { name, distance: Math.min(editDistance(wanted, whole), editDistance(wanted, city) + 1) };
  });
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, count).map((s) => s.name);
}

/** Case and spaces do not count: `new york` is close to `America/New_York`. */
function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/** Levenshtein distance (insert, delete, substitute: 1 each). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
