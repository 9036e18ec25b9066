/**
 * Who and where a suggested local project is, as far as its text says: the club, school or
 * initiative ("TSV Grünwald", "Grundschule am Park", "Riverside Youth Club") and the town
 * ("in Bielefeld", "aus Hamm", "from Leeds"). Plain patterns: a name the text does not
 * spell with these words is not found (the summary then has none).
 */

const NAME = "[A-ZÄÖÜ][\\p{L}0-9.'’-]*";
/** A German organisation word followed by its name: "FC Musterstadt", "Kita Sonnenschein", "Verein Lebenshilfe". */
const GERMAN_ORG = new RegExp(
  `\\b(?:(?:Freiwillige[nr]? )?Feuerwehr|Jugendfeuerwehr|Sportverein|Förderverein|Verein|Grundschule|Gesamtschule|Realschule|Gymnasium|Schule|Kita|Kindergarten|Tafel|Initiative|Stiftung|FC|TSV|SV|TuS|SC|VfB|VfL|SpVgg|DJK)(?: (?:am|an der|im|in der|von|e\\.V\\.)?)? ?(?:${NAME})(?: (?:${NAME}))?`,
  'u',
);
/** A German compound that is itself an organisation: "Waldkindergarten", "Nachbarschaftsinitiative", "Lebensmitteltafel". */
const GERMAN_COMPOUND =
  /\b[A-ZÄÖÜ][\p{L}]*(?:verein|schule|kindergarten|kita|initiative|tafel|stiftung|feuerwehr|club)\b/u;
/** An English name followed by its organisation word: "Riverside Youth Club", "St Mary's School", "Leeds Food Bank". */
const ENGLISH_ORG = new RegExp(
  `(?:${NAME} ){1,3}(?:Club|FC|School|Academy|Charity|Initiative|Foundation|Food Bank|Scouts|Society|Trust|Hospice|Shelter|Library)\\b`,
  'u',
);
/** "in/aus/bei/from/near <Town>", the town spelled with a capital and no digits. */
const PLACE =
  /\b(?:in|aus|bei|nahe|from|near|around)\s+((?:[A-ZÄÖÜ][\p{Ll}äöüß]+)(?:[- ](?:an der|am|upon|on)?\s?[A-ZÄÖÜ][\p{Ll}äöüß]+)?)/u;
/** Capitalized words after "in"/"aus" that are not towns (German capitalizes every noun). */
const NOT_PLACES = new Set(
  (
    'Größe Farbe Höhe Grün Schwarz Weiß Rot Blau Zukunft Zeit Sommer Winter Herbst Frühling Jahr Jahren Woche Wochen Tagen Monaten Deutschland Europa Ihrer Eurer Ihrem Eurem Unserer Unserem Form Ordnung Sachen Kooperation ' +
    'Zusammenarbeit Schule Schulen Kita Verein Vereinen Region Stadt Gemeinde Nähe Innenstadt Stadtteil App Filiale Zukunft Euch Ihnen The This That Our Your Their My Town City ' +
    'General Support Cooperation Partnership Summer Winter Spring Autumn Fall Future Time Person Store Stores Shop School Schools Club Clubs Kind Addition Town Area'
  ).split(' '),
);

/** The organisation a project suggestion names, when it names one. */
export function organisationOf(text: string): string | undefined {
  const found = GERMAN_ORG.exec(text) ?? ENGLISH_ORG.exec(text) ?? GERMAN_COMPOUND.exec(text);
  return found ? found[0].trim() : undefined;
}

/** The town or district a project suggestion names ("in Bielefeld", "from Leeds"), when it names one. */
export function placeOf(text: string): string | undefined {
  const pattern = new RegExp(PLACE.source, 'gu');
  for (const match of text.matchAll(pattern)) {
    const place = match[1]?.trim();
    // "in Größe 20", "in Raum 3": a noun with a number after it is a measure or a room, no town.
    const followedByNumber = /^\s*\d/.test(text.slice((match.index ?? 0) + match[0].length));
    if (place && !followedByNumber && !NOT_PLACES.has(place.split(/[- ]/)[0] ?? place)) return place;
  }
  return undefined;
}

/** The most named value of a tally (ties: the first named), for a theme's organisation and place. */
export function mostNamed(tally: Readonly<Record<string, number>> | undefined): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, count] of Object.entries(tally ?? {})) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
