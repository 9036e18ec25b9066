/**
 * Writes bench/data/rahmenwerk-mentions.jsonl: the labelled mentions of a made-up bike maker,
 * Rahmenwerk, for the learning curve (`npm run bench:learning`). Run with
 * `npx tsx bench/data/generate-learning-set.ts`; the same seed gives the same file.
 *
 * How it is written: sentence templates per category and language, written by hand for this
 * benchmark, filled from slot lists (models, parts, places, times, openers, closers, emoji)
 * with a seeded random choice; duplicate texts are dropped. It is synthetic: it shows that a
 * company model learns the company's own labelling, not how accurate the classifier is on
 * real text. Rahmenwerk labels differently from the generic corpus in two learnable ways:
 * - a cracked frame, fork or broken brake is `legal_risk` (product safety, the legal team
 *   decides on a recall), where the generic corpus calls a broken part a complaint;
 * - job applications and internship questions are `other` (HR reads its own inbox), where
 *   the generic corpus calls them questions;
 * and dealer and fleet inquiries are `sales_lead`, bike-to-school projects `community_project`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../shared/classifier/train.ts';

type Lang = 'de' | 'en';
interface Spec {
  readonly category: string;
  readonly sentiment: 'negative' | 'neutral' | 'positive';
  readonly relevant: boolean;
  readonly count: number;
  readonly templates: Readonly<Record<Lang, readonly string[]>>;
}

const SLOTS: Readonly<Record<string, Readonly<Record<Lang, readonly string[]>>>> = {
  model: {
    de: [
      'Trail 29',
      'Stadtflitzer E7',
      'Gravel GX',
      'Pendler 5',
      'Kinderrad Fips 20',
      'Cargo Lastesel',
      'Allround 8',
      'E-Trekking T500',
    ],
    en: [
      'Trail 29',
      'City Dart E7',
      'Gravel GX',
      'Commuter 5',
      'Kids Fips 20',
      'Cargo Mule',
      'Allround 8',
      'E-Trekking T500',
    ],
  },
  handle: {
    de: ['@rahmenwerk', '@Rahmenwerk_Bikes', '@rahmenwerk_service', ''],
    en: ['@rahmenwerk', '@Rahmenwerk_Bikes', '@rahmenwerk_help', ''],
  },
  time: {
    de: [
      'nach 3 Monaten',
      'nach 800 km',
      'nach einem halben Jahr',
      'gestern',
      'heute Morgen',
      'nach zwei Wochen',
      'letzte Woche',
    ],
    en: [
      'after 3 months',
      'after 500 miles',
      'after half a year',
      'yesterday',
      'this morning',
      'after two weeks',
      'last week',
    ],
  },
  city: {
    de: ['Hamburg', 'Leipzig', 'Köln', 'Freiburg', 'Kassel', 'Bremen', 'Münster'],
    en: ['Leeds', 'Bristol', 'Dublin', 'Manchester', 'Glasgow', 'Cork', 'York'],
  },
  frame: {
    de: [
      'Riss am Rahmen',
      'Rahmenbruch',
      'Haarriss an der Schweißnaht',
      'Riss am Sitzrohr',
      'gebrochene Gabel',
      'Riss am Steuerrohr',
      'Bruch an der Kettenstrebe',
    ],
    en: [
      'crack in the frame',
      'cracked frame',
      'hairline crack at the weld',
      'crack on the seat tube',
      'snapped fork',
      'crack at the head tube',
      'broken chainstay',
    ],
  },
  part: {
    de: ['Klingel', 'Schutzblech', 'Ständer', 'Gepäckträger', 'Sattel', 'Licht', 'Display', 'Akku'],
    en: ['bell', 'mudguard', 'kickstand', 'rear rack', 'saddle', 'light', 'display', 'battery'],
  },
  job: {
    de: [
      'Zweiradmechatroniker',
      'Ausbildung',
      'Praktikum',
      'Werkstudentenstelle',
      'Stelle im Vertrieb',
      'Job in der Montage',
    ],
    en: ['bike mechanic', 'apprenticeship', 'internship', 'part-time job', 'sales job', 'assembly job'],
  },
  n: { de: ['12', '20', '35', '40', '60', '150'], en: ['12', '20', '35', '40', '60', '150'] },
  emoji: {
    de: ['', '', ' 😡', ' 😱', ' 🙈', ' 👍', ' 🚲', ' !!', ' ?!'],
    en: ['', '', ' 😡', ' 😱', ' 🙈', ' 👍', ' 🚲', ' !!', ' ?!'],
  },
};

const SPECS: readonly Spec[] = [
  {
    category: 'legal_risk',
    sentiment: 'negative',
    relevant: true,
    count: 190,
    templates: {
      de: [
        '{handle} {frame} an meinem {model} {time}. Ist das noch sicher?{emoji}',
        'Mein {model} hat einen {frame}, bin fast gestürzt{emoji}',
        '{handle} Habe heute einen {frame} entdeckt, {model}, gekauft in {city}. Wer haftet da?',
        'Achtung an alle {model} Fahrer: {frame} {time}. Fahrt da nicht mehr mit{emoji}',
        '{frame} beim {model} meiner Tochter {time}, zum Glück nichts passiert {handle}',
        'Vorderbremse am {model} hat bei voller Fahrt versagt, {time} gekauft{emoji}',
        '{handle} ist euch bekannt, dass das {model} einen {frame} bekommt? Bei mir {time}.',
        'Gestürzt wegen {frame}, {model}, Schlüsselbein gebrochen. {handle} das ist gefährlich',
      ],
      en: [
        '{handle} found a {frame} on my {model} {time}. Is it still safe to ride?{emoji}',
        'My {model} has a {frame}, nearly crashed on the way to work{emoji}',
        '{handle} just spotted a {frame}, {model} bought in {city}. Who is liable here?',
        'Warning to every {model} rider: {frame} {time}. Stop riding it{emoji}',
        "{frame} on my daughter's {model} {time}, luckily nobody got hurt {handle}",
        'Front brake on the {model} failed at full speed, bought {time}{emoji}',
        '{handle} are you aware the {model} gets a {frame}? Mine did {time}.',
        'Crashed because of a {frame} on my {model}, broke my collarbone. {handle} this is dangerous',
      ],
    },
  },
  {
    category: 'other',
    sentiment: 'neutral',
    relevant: true,
    count: 170,
    templates: {
      de: [
        '{handle} sucht ihr noch Leute für {job}? Würde mich gern bewerben',
        'Hallo {handle}, ich habe meine Bewerbung für {job} in {city} geschickt, ist die angekommen?',
        'Gibt es bei {handle} noch freie Plätze für {job} ab Herbst?',
        'Wie lange dauert das Bewerbungsverfahren bei {handle} für {job}?',
        '{handle} Ich schraube seit Jahren an Rädern, nehmt ihr Quereinsteiger für {job}?',
        'Würde super gern bei {handle} arbeiten, {job} in {city}. An wen schicke ich meinen Lebenslauf?',
        'Stellt {handle} dieses Jahr noch für {job} ein?{emoji}',
      ],
      en: [
        '{handle} are you hiring for a {job}? Would love to apply',
        'Hi {handle}, I sent my application for the {job} in {city}, did it arrive?',
        'Any openings at {handle} for an {job} starting in autumn?',
        'How long does the hiring process at {handle} take for a {job}?',
        '{handle} been fixing bikes for years, do you take career changers for a {job}?',
        'Would really love to work at {handle}, {job} in {city}. Where do I send my CV?',
        'Is {handle} still hiring for a {job} this year?{emoji}',
      ],
    },
  },
  {
    category: 'sales_lead',
    sentiment: 'neutral',
    relevant: true,
    count: 140,
    templates: {
      de: [
        '{handle} wir sind ein Fahrradladen in {city} und würden gern Händler für euch werden. Konditionen?',
        'Wir wollen {n} {model} als Diensträder für unsere Firma leasen, wer ist da Ansprechpartner {handle}?',
        'Lieferdienst aus {city} sucht {n} Lastenräder, ist das {model} dafür zu haben? {handle}',
        '{handle} Angebot für {n} Räder für unsere Hotelgäste möglich?',
        'Unsere Gemeinde in {city} möchte {n} {model} anschaffen, gibt es Mengenrabatt {handle}?',
      ],
      en: [
        '{handle} we run a bike shop in {city} and would like to become a dealer. What are your terms?',
        'We want to lease {n} {model} as company bikes, who do we talk to {handle}?',
        'Delivery startup in {city} looking for {n} cargo bikes, is the {model} available for that? {handle}',
        '{handle} could you quote {n} bikes for our hotel guests?',
        'Our council in {city} wants to buy {n} {model}, any volume discount {handle}?',
      ],
    },
  },
  {
    category: 'complaint',
    sentiment: 'negative',
    relevant: true,
    count: 240,
    templates: {
      de: [
        '{handle} mein {model} ist seit {time} bestellt und immer noch nicht geliefert{emoji}',
        'Die {part} am {model} klappert {time} schon, echt enttäuschend',
        '{handle} Seit drei Wochen keine Antwort vom Kundenservice wegen meiner {part}{emoji}',
        'Lack am {model} blättert {time} ab. Für den Preis eine Frechheit {handle}',
        'Das {part} von meinem {model} geht ständig aus, {handle} bitte kümmert euch',
        'Werkstatttermin in {city} dreimal verschoben. {handle} so nicht{emoji}',
        '{handle} falsche {part} geliefert, jetzt steht das {model} seit {time} rum',
      ],
      en: [
        '{handle} ordered my {model} {time} and it still has not been delivered{emoji}',
        'The {part} on my {model} started rattling {time}, really disappointing',
        '{handle} three weeks and no reply from customer service about my {part}{emoji}',
        'Paint on the {model} is peeling {time}. Not at this price {handle}',
        'The {part} of my {model} keeps switching off, {handle} please sort it out',
        'Service appointment in {city} postponed three times. {handle} not good enough{emoji}',
        '{handle} you sent the wrong {part}, my {model} has been sitting there since {time}',
      ],
    },
  },
  {
    category: 'question',
    sentiment: 'neutral',
    relevant: true,
    count: 200,
    templates: {
      de: [
        '{handle} welche Rahmengröße beim {model} bei 1,78 m?',
        'Gibt es für das {model} eine passende {part} als Ersatzteil? {handle}',
        'Wie lange ist die Garantie auf den Akku vom {model}?',
        '{handle} kann man beim {model} einen Kindersitz montieren?',
        'Hat ein Händler in {city} das {model} zum Probefahren da?',
        '{handle} Wann kommt das {model} wieder auf Lager?',
      ],
      en: [
        '{handle} which frame size for the {model} at 5\'10"?',
        'Is there a spare {part} that fits the {model}? {handle}',
        'How long is the warranty on the {model} battery?',
        '{handle} can you fit a child seat on the {model}?',
        'Does any shop in {city} have the {model} for a test ride?',
        '{handle} when will the {model} be back in stock?',
      ],
    },
  },
  {
    category: 'praise',
    sentiment: 'positive',
    relevant: true,
    count: 180,
    templates: {
      de: [
        'Mein {model} fährt sich {time} immer noch wie am ersten Tag, danke {handle}{emoji}',
        '{handle} Super Service in {city}, {part} in zehn Minuten getauscht!',
        'Bestes Rad, das ich je hatte. {model} rockt{emoji}',
        'Danke {handle} für die schnelle Hilfe mit meinem {model}, top!',
        'Jeden Tag mit dem {model} zur Arbeit in {city}, einfach herrlich {handle}',
      ],
      en: [
        'My {model} still rides like day one {time}, thanks {handle}{emoji}',
        '{handle} great service in {city}, swapped my {part} in ten minutes!',
        'Best bike I have ever owned. The {model} rocks{emoji}',
        'Thanks {handle} for the quick help with my {model}, brilliant!',
        'Riding the {model} to work in {city} every day, just lovely {handle}',
      ],
    },
  },
  {
    category: 'product_idea',
    sentiment: 'neutral',
    relevant: true,
    count: 100,
    templates: {
      de: [
        '{handle} baut doch beim {model} eine integrierte {part} ein, das wäre genial',
        'Idee für {handle}: das {model} auch in Mattschwarz anbieten',
        'Wünsche mir beim nächsten {model} einen größeren Akku, {handle}',
        '{handle} wie wäre eine App, die den Verschleiß der {part} anzeigt?',
      ],
      en: [
        '{handle} please build an integrated {part} into the {model}, that would be ace',
        'Idea for {handle}: offer the {model} in matte black too',
        'Would love a bigger battery on the next {model}, {handle}',
        '{handle} how about an app that tracks wear on the {part}?',
      ],
    },
  },
  {
    category: 'community_project',
    sentiment: 'positive',
    relevant: true,
    count: 80,
    templates: {
      de: [
        '{handle} unsere Grundschule in {city} macht einen Fahrradführerschein, würdet ihr {n} Helme sponsern?',
        'Wir organisieren eine Radtour für Senioren in {city}, hat {handle} Lust zu unterstützen?',
        'Repair-Café in {city} sucht Partner, wäre das was für {handle}?',
      ],
      en: [
        '{handle} our primary school in {city} runs a cycling proficiency course, could you sponsor {n} helmets?',
        'We are organising a bike ride for seniors in {city}, would {handle} like to support it?',
        'Repair café in {city} looking for partners, something for {handle}?',
      ],
    },
  },
  {
    category: 'press_inquiry',
    sentiment: 'neutral',
    relevant: true,
    count: 60,
    templates: {
      de: [
        '{handle} Redaktion Radmagazin hier, wir testen das {model}. Wer ist Ansprechpartner für Presse?',
        'Journalistin aus {city}: hätte {handle} Zeit für ein Interview zum Thema Lastenräder?',
      ],
      en: [
        '{handle} editor at a cycling magazine here, we are reviewing the {model}. Who handles press?',
        'Journalist from {city}: does {handle} have time for an interview about cargo bikes?',
      ],
    },
  },
  {
    category: 'other',
    sentiment: 'neutral',
    relevant: false,
    count: 60,
    templates: {
      de: [
        'Gewinnspiel! Folgt uns und gewinnt ein iPhone {emoji}',
        'Verdiene 500 € am Tag von zu Hause, Link in Bio',
        'Schönes Wetter heute in {city}{emoji}',
      ],
      en: [
        'Giveaway! Follow us and win an iPhone{emoji}',
        'Earn $500 a day from home, link in bio',
        'Lovely weather in {city} today{emoji}',
      ],
    },
  },
];

function fill(template: string, lang: Lang, random: () => number): string {
  return template
    .replace(/\{(\w+)\}/g, (_, slot: string) => {
      const values = SLOTS[slot]?.[lang];
      if (!values) throw new Error(`unknown slot ${slot}`);
      return values[Math.floor(random() * values.length)]!;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

const random = mulberry32(20261203);
const lines: string[] = [];
const seen = new Set<string>();
for (const spec of SPECS) {
  for (const lang of ['de', 'en'] as const) {
    let made = 0;
    for (let attempt = 0; made < spec.count / 2 && attempt < spec.count * 50; attempt++) {
      const templates = spec.templates[lang];
      const text = fill(templates[Math.floor(random() * templates.length)]!, lang, random);
      if (seen.has(text)) continue;
      seen.add(text);
      made++;
      const id = `rw-${lang}-${spec.relevant ? spec.category : 'irrelevant'}-${String(made).padStart(3, '0')}`;
      lines.push(
        JSON.stringify({
          id,
          language: lang,
          text,
          relevant: spec.relevant,
          sentiment: spec.sentiment,
          category: spec.category,
        }),
      );
    }
  }
}
const out = path.resolve(import.meta.dirname, 'rahmenwerk-mentions.jsonl');
writeFileSync(out, `${lines.join('\n')}\n`);
process.stdout.write(`${lines.length} mentions -> ${path.relative(process.cwd(), out)}\n`);
