/* How the page shows numbers. Money is the house format, €1.900,00 (the
 * reference is recs_shared.money.format_eur); every other figure uses the
 * same German grouping and decimal comma, so a page never uses "." both
 * ways. Rounding is half away from zero on the decimal text (BigInt), never
 * through binary floating point. A missing (null) figure shows as "--". */
const Format = (function () {
  "use strict";

  const MISSING = "--";

  // A finite number or decimal string as plain decimal text, no exponent.
  function plainText(value) {
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
      const shortest = String(value);
      if (!/e/i.test(shortest)) return shortest;
      if (Math.abs(value) >= 1e21) throw new Error(`amount too large: ${value}`);
      return value.toFixed(20);
    }
    return String(value).trim();
  }

  // {negative, whole, fraction} of value rounded half-up to `places`.
  function roundHalfUp(value, places) {
    const text = plainText(value);
    const match = /^([-+]?)(\d+)(?:\.(\d*))?$/.exec(text);
    if (!match) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);

    const [, sign, whole, fraction = ""] = match;
    const kept = (fraction + "0".repeat(places + 1)).slice(0, places + 1);
    const scaled = BigInt(whole + kept.slice(0, places));
    const roundUp = Number(kept[places]) >= 5;
    const magnitude = (scaled + (roundUp ? 1n : 0n)).toString().padStart(places + 1, "0");

    const wholeDigits = magnitude.slice(0, magnitude.length - places);
    const fractionDigits = places ? magnitude.slice(-places) : "";
    const isZero = /^0*$/.test(magnitude);
    return { negative: sign === "-" && !isZero, whole: wholeDigits, fraction: fractionDigits };
  }

  function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function missing(value) {
    return value === null || value === undefined || value === "";
  }

  /* €1.900,00; -€12,34; "--" for null. */
  function formatEUR(value) {
    if (missing(value)) return MISSING;
    const { negative, whole, fraction } = roundHalfUp(value, 2);
    return `${negative ? "-" : ""}€${groupThousands(whole)},${fraction}`;
  }

  /* 1234.5 with 2 places: 1.234,50. */
  function decimal(value, places) {
    if (missing(value)) return MISSING;
    const { negative, whole, fraction } = roundHalfUp(value, places);
    const grouped = groupThousands(whole);
    return `${negative ? "-" : ""}${grouped}${places ? "," + fraction : ""}`;
  }

  function count(value) {
    return decimal(value, 0);
  }

  function percent(value, places = 1) {
    const text = decimal(value, places);
    return text === MISSING ? text : `${text}%`;
  }

  /* A percentage with the decimals it came with: 20 → 20%, 20.5 → 20,5%. */
  function percentAsGiven(value) {
    if (missing(value)) return MISSING;
    const fraction = plainText(value).split(".")[1] || "";
    return `${decimal(value, fraction.length)}%`;
  }

  /* 2026-12-03T02:00:12+00:00 as 2026-12-03 02:00 UTC. */
  function utcTime(value) {
    if (!value) return MISSING;
    const moment = new Date(value);
    if (Number.isNaN(moment.getTime())) return String(value);
    return moment.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  return { MISSING, formatEUR, decimal, count, percent, percentAsGiven, utcTime };
})();

const formatEUR = Format.formatEUR;
