/**
 * The words of the six-week history (`npm start -- --history`): templates with slots
 * (`{bike}`, `{n}`, `{store}`, ...) in German and English, written for the demo company
 * (a Hamburg bicycle maker and retailer). generate.ts fills the slots, adds typos and
 * decides who says what when; nothing here is random.
 *
 * Each recurring theme is phrased in many ways on purpose: short and long, as a complaint
 * and as a question that is a complaint in disguise, so that grouping cannot rely on one
 * fixed sentence.
 */

export type Language = 'de' | 'en';

/** Templates per language. */
export type Phrases = Readonly<Record<Language, readonly string[]>>;

/** Values of the slots a template may use, per language where the words differ. */
export const SLOTS: Readonly<Record<string, Phrases>> = {
  bike: {
    de: [
      'E-Trekker',
      'Stadtflitzer',
      'Lastenrad Hanse',
      'Rad',
      'E-Bike',
      'Fahrrad',
      'Lastenrad',
      'Stadtflitzer 8-Gang',
      'Trekkingrad',
    ],
    en: ['E-Trekker', 'Stadtflitzer', 'Lastenrad Hanse', 'bike', 'e-bike', 'cargo bike', 'city bike'],
  },
  store: {
    de: ['Ottensen', 'Eimsbüttel', 'Altona', 'Harburg', 'Wandsbek'],
    en: ['Ottensen', 'Eimsbüttel', 'Altona', 'Harburg', 'Wandsbek'],
  },
  weeks: {
    de: ['drei', 'vier', '3', '4', '5', 'sechs', 'fast fünf'],
    en: ['three', 'four', '3', '4', '5', 'six', 'almost five'],
  },
  amount: {
    de: ['89,90', '149,00', '212,50', '59,00', '329,00', '74,80'],
    en: ['89.90', '149.00', '212.50', '59.00', '329.00', '74.80'],
  },
  amount2: {
    de: ['49,90', '99,00', '112,50', '29,00', '229,00', '44,80'],
    en: ['49.90', '99.00', '112.50', '29.00', '229.00', '44.80'],
  },
  invoice: {
    de: ['RE-2026-04417', 'RE-2026-05102', 'RE-2026-03988', 'RE-2026-05561'],
    en: ['RE-2026-04417', 'RE-2026-05102', 'RE-2026-03988', 'RE-2026-05561'],
  },
  angry: {
    de: [
      'Echt ärgerlich.',
      'So nicht!',
      'Unfassbar.',
      'Ich bin so enttäuscht 😤',
      'Das geht gar nicht.',
      'Nie wieder?',
      '🙄',
      '',
    ],
    en: [
      'Really annoying.',
      'Not good enough!',
      'Unbelievable.',
      'So disappointed 😤',
      'This is ridiculous.',
      '🙄',
      '',
    ],
  },
  need: {
    de: [
      'Ich brauche das Rad für den Arbeitsweg.',
      'Meine Kinder fahren damit zur Schule.',
      'Ich zahle jeden Tag fürs Busticket.',
      'Und keiner ruft zurück.',
      'Niemand kann mir sagen, wann es fertig ist.',
      '',
    ],
    en: [
      'I need it to get to work.',
      'My kids ride it to school.',
      "I'm paying for the bus every day now.",
      'And nobody calls back.',
      'Nobody can tell me when it will be ready.',
      '',
    ],
  },
  product: {
    de: ['Stadtflitzer', 'E-Trekker', 'Lastenrad Hanse', 'Kinderrad', 'Fahrradhelm', 'Schloss'],
    en: ['Stadtflitzer', 'E-Trekker', 'Lastenrad Hanse', "kids' bike", 'helmet', 'lock'],
  },
  size: { de: ['S', 'M', 'L', 'XL', '52 cm', '56 cm'], en: ['S', 'M', 'L', 'XL', '52 cm', '56 cm'] },
  staff: {
    de: ['Ole', 'Mia', 'Deniz', 'Herrn Petersen', 'der Werkstatt', 'dem Team'],
    en: ['Ole', 'Mia', 'Deniz', 'the workshop team', 'the staff'],
  },
  count: { de: ['12', '20', '35', '8', '50', '15'], en: ['12', '20', '35', '8', '50', '15'] },
  company: {
    de: [
      'Elbe Logistik GmbH',
      'Pflegedienst Nordlicht',
      'Kanzlei Brandt & Partner',
      'Bäckerei Kruse',
      'Hafen Catering',
      'Stadtwerke Pinneberg',
    ],
    en: ['Elbe Logistik GmbH', 'Nordlicht Care', 'Harbour Catering', 'Kruse Bakery', 'Pinneberg Utilities'],
  },
  outlet: {
    de: ['Hamburger Abendblatt', 'NDR 90,3', 'Mopo', 'Radfahren-Magazin', 'Elbe Wochenblatt'],
    en: ['Bike Europe', 'the Guardian cycling desk', 'Cycling Weekly', 'a Danish podcast'],
  },
};

/**
 * Recurring complaint themes. `repair` ("Reparatur dauert Wochen") is the one fixed halfway
 * through the history; `invoice` ("Rechnung falsch") goes on.
 */
export const COMPLAINT_THEMES: Readonly<
  Record<'repair' | 'invoice', { readonly label: Readonly<Record<Language, string>>; readonly phrases: Phrases }>
> = {
  repair: {
    label: { de: 'Reparatur dauert Wochen', en: 'repair takes weeks' },
    phrases: {
      de: [
        'Mein {bike} ist seit {weeks} Wochen in der Werkstatt in {store}. {angry}',
        '{weeks} Wochen auf eine Reparatur warten?? @radwerkhansen {angry}',
        'Reparatur dauert ewig. Vor {weeks} Wochen abgegeben und immer noch nichts gehört. {need}',
        'Wie lange dauert bei euch eigentlich eine Reparatur? Bei mir sind es jetzt {weeks} Wochen.',
        'Werkstatttermin erst in zwei Wochen und dann nochmal {weeks} Wochen auf das Ersatzteil warten. Ernsthaft, Radwerk?',
        'reparatur dauert wochen, ersatzteil angeblich nicht lieferbar',
        'Seit {weeks} Wochen ohne Rad, weil die Werkstatt in {store} nicht fertig wird. {need}',
        'Mein {bike} zur Inspektion gebracht, {weeks} Wochen später immer noch nicht abholbereit. {need}',
        'Warum dauert die Reparatur von einem einfachen Platten bei euch {weeks} Wochen?',
        'Hallo Radwerk, gibt es schon was Neues zu meiner Reparatur? Warte jetzt seit {weeks} Wochen auf mein {bike}.',
        'Die Werkstatt ist total überlastet. {weeks} Wochen für einen Schaltzug! {angry}',
        'Liebe @radwerkhansen, wann bekomme ich mein {bike} aus der Reparatur zurück? Das dauert jetzt schon Wochen und am Telefon heißt es immer nur "nächste Woche".',
        'wochenlang auf die reperatur warten und dann ist es immernoch nicht fertig 😡',
        'Ist es normal, dass eine Reparatur bei Radwerk {weeks} Wochen dauert? Bei der Konkurrenz ging das in 3 Tagen.',
        'Seit Wochen warte ich auf mein Rad aus der Werkstatt. Kein Anruf, keine Mail. {angry}',
        'Bremsen tauschen lassen, Dauer: {weeks} Wochen. Das ist kein Service mehr.',
      ],
      en: [
        'My {bike} has been in your workshop in {store} for {weeks} weeks now. {angry}',
        '{weeks} weeks for a simple repair?? come on @radwerkhansen',
        'Repair takes forever. Dropped my {bike} off {weeks} weeks ago and still waiting. {need}',
        'how long does a repair take at radwerk?? its been {weeks} weeks',
        'Still waiting on my {bike} repair after {weeks} weeks, the spare part is "not available". {angry}',
        'Why does fixing a flat tyre take {weeks} weeks at your workshop?',
        'Any news on my repair @radwerkhansen? It has been weeks and nobody tells me anything.',
        'Your repair service is so slow. {weeks} weeks without my bike. {need}',
        'Took my {bike} in for a service {weeks} weeks ago, still not ready to pick up.',
        'weeks and weeks waiting for a repair, is this normal??',
      ],
    },
  },
  invoice: {
    label: { de: 'Rechnung falsch', en: 'invoice wrong' },
    phrases: {
      de: [
        'Rechnung falsch: {amount} € abgebucht statt {amount2} €. {angry}',
        'Auf meiner Rechnung {invoice} steht eine Inspektion, die nie gemacht wurde.',
        'Schon wieder doppelt abgebucht! Die Rechnung {invoice} stimmt nicht.',
        'Warum berechnet ihr mir Versandkosten, wenn ich in {store} abhole? Rechnung bitte korrigieren.',
        'rechnung ist falsch, mwst doppelt drauf?? @radwerkhansen',
        'Hallo Radwerk, meine Rechnung {invoice} ist falsch, der Rabatt fehlt. Wer kann das korrigieren?',
        'Ihr habt mir {amount} € für die Reparatur berechnet, vereinbart waren {amount2} €. {angry}',
        'Falsche Rechnung bekommen, Teile drauf die nicht verbaut wurden. {angry}',
        'Wieso stimmt der Betrag auf meiner Rechnung nicht mit dem Angebot überein? {amount} statt {amount2}!',
        'Zum dritten Mal eine fehlerhafte Rechnung. Bekommt ihr eure Buchhaltung nicht in den Griff?',
        'Rechnung {invoice}: falscher Name, falsche Adresse und zu hoher Betrag. Ernsthaft?',
        'Hab eine Rechnung über {amount} € bekommen obwohl ich schon bezahlt hab. Mahnung gleich hinterher 🙄',
      ],
      en: [
        'Your invoice is wrong, I was charged {amount} € instead of {amount2} €. {angry}',
        'Got billed twice for the same service, invoice {invoice}. Please fix this.',
        'Invoice {invoice} lists a service that was never done on my {bike}.',
        'Why is the amount on my invoice different from the quote? {amount} instead of {amount2}!',
        'wrong invoice again, VAT charged twice?? @radwerkhansen',
        'I paid already and still got an invoice and a reminder. {angry}',
        'Third wrong invoice in a row. Sort out your billing please.',
      ],
    },
  },
};

/**
 * The surge of the last week: a brake failure goes viral on one platform within hours. It
 * is a safety matter, a public crisis (category legal risk / crisis), not a plain complaint.
 */
export const SURGE_PHRASES: Phrases = {
  de: [
    'Bremse am E-Trekker hat bei Nässe komplett versagt, ich bin fast gestürzt! @radwerkhansen',
    'Habt ihr das Video gesehen? Beim E-Trekker fällt die Bremse aus. Das ist gefährlich!',
    'Auch bei mir versagt die Bremse am E-Trekker. Das ist lebensgefährlich, Radwerk!',
    'E-Trekker Bremsen versagen, und Radwerk schweigt. Wo bleibt die Rückrufaktion?',
    'Bremsversagen beim E-Trekker, das Kind saß hinten drauf. Ich bin fassungslos.',
    'E-Trekker sofort stehen lassen, die Bremse ist ein Sicherheitsrisiko!',
    'Unfall mit dem E-Trekker, Bremse hat nicht gegriffen. Ich prüfe rechtliche Schritte.',
    'Gefährliche Bremsen am E-Trekker, wann kommt der Rückruf? #radwerk',
  ],
  en: [
    'Seen the video? E-Trekker brakes failing. This is dangerous!',
    'E-Trekker brake failure caused an accident, this is a safety hazard. Recall now!',
    'Dangerous brakes on the E-Trekker, where is the recall @radwerkhansen?',
  ],
};

/** Complaints that are not one of the recurring themes. */
export const OTHER_COMPLAINTS: Phrases = {
  de: [
    'Der Gepäckträger vom {bike} ist nach zwei Monaten gebrochen. {angry}',
    'Unfreundliche Beratung in der Filiale {store} heute. Man fühlt sich wie ein Störenfried.',
    'Online bestellt, Lieferung kam beschädigt an. {angry}',
    'Die Website ist schon wieder nicht erreichbar, ich wollte nur bestellen.',
    'Das Schloss ist nach einem Winter völlig verrostet.',
    'Parkplatz vor der Filiale {store} ist immer zugeparkt, da kommt man mit dem Lastenrad nicht hin.',
    'Lieferung um eine Woche verschoben, ohne Bescheid zu geben. {angry}',
    'Der Akku vom {bike} hält nur noch 20 km. Nach einem Jahr!',
    'Hotline 40 Minuten Warteschleife und dann aufgelegt. {angry}',
    'Newsletter abbestellt und bekomme ihn trotzdem jeden Tag.',
  ],
  en: [
    'The rack on my {bike} broke after two months. {angry}',
    'Delivery arrived damaged. {angry}',
    'Your website is down again, I just wanted to order.',
    'Hotline kept me on hold for 40 minutes and then hung up.',
    'Battery of my {bike} only lasts 20 km after a year.',
  ],
};

export const QUESTIONS: Phrases = {
  de: [
    'Habt ihr den {product} in Größe {size} in {store} vorrätig?',
    'Wie lange habt ihr samstags in {store} geöffnet?',
    'Kann ich das {bike} vorher Probe fahren?',
    'Gibt es den Stadtflitzer auch in Grün?',
    'Macht ihr auch Inspektionen für Räder, die nicht bei euch gekauft wurden?',
    'Welcher Akku passt in den E-Trekker von 2022?',
    'Kann man bei euch mit JobRad bezahlen?',
    'Ab wann gibt es das neue Lastenrad Hanse Modell?',
    'Wo finde ich die Bedienungsanleitung für das Display?',
    'Ist die Filiale {store} am Feiertag offen?',
  ],
  en: [
    'Do you have the {product} in size {size} in {store}?',
    'What are your opening hours on Saturday in {store}?',
    'Can I test ride the {bike} before buying?',
    'Do you ship to Denmark?',
    'Which battery fits the 2022 E-Trekker?',
    'Is the Stadtflitzer available in green?',
  ],
};

export const PRAISE: Phrases = {
  de: [
    'Super Beratung in {store}, danke an {staff}! 🚲',
    'Seit einem Jahr mit dem {bike} unterwegs, einfach top. #radwerk',
    'Schnelle Hilfe heute in {store}, Platten in 10 Minuten geflickt. Danke!',
    'Das Lastenrad Hanse ist das beste, was unserer Familie passiert ist ❤️',
    'Radwerk Hansen, ihr seid klasse! Danke an {staff} für die Geduld.',
    'Endlich ein Fahrradladen, der sich Zeit nimmt. Danke {staff}!',
    'Mein neuer Stadtflitzer fährt sich traumhaft 😍',
  ],
  en: [
    'Great advice at the {store} store, thanks {staff}! 🚲',
    'One year with my {bike} and I love it. #radwerk',
    'Quick fix today in {store}, thank you so much!',
    'Radwerk Hansen is the best bike shop in Hamburg ❤️',
  ],
};

export const SALES_LEADS: Phrases = {
  de: [
    'Wir suchen {count} Diensträder für unsere Mitarbeitenden, ist Leasing bei euch möglich? ({company})',
    'Interesse am Lastenrad Hanse für unseren Lieferdienst. Könnt ihr uns ein Angebot über {count} Stück machen?',
    'Hallo Radwerk, wir ({company}) möchten eine Flotte E-Bikes anschaffen. Wer ist Ansprechpartner?',
    'Gibt es Mengenrabatt, wenn wir {count} E-Trekker für das Team kaufen?',
    'Rahmenvertrag für Wartung unserer {count} Firmenräder gesucht, habt ihr Kapazität?',
  ],
  en: [
    'We are looking for {count} company bikes for our staff, do you offer leasing? ({company})',
    'Interested in the Lastenrad Hanse for our delivery service, could you send a quote for {count}?',
    'Hi Radwerk, {company} would like to buy a fleet of e-bikes. Who should we talk to?',
  ],
};

/** Sales leads that name the key account (sales owns them, the account owner is named). */
export const KEY_ACCOUNT_LEADS: Phrases = {
  de: [
    'Die Hochbahn plant {count} weitere Räder für die HOCHBAHN-Radflotte. Können wir nächste Woche sprechen?',
    'Frage von der Hochbahn: Wann kommen die bestellten E-Trekker für unsere Radflotte?',
  ],
  en: ['Hochbahn fleet team here: we need {count} more bikes for the HOCHBAHN-Radflotte, can we talk?'],
};

export const PRESS: Phrases = {
  de: [
    'Redaktion {outlet}: Wir schreiben über Lastenräder in Hamburg. Hätten Sie Zeit für ein Interview?',
    'Journalist beim {outlet} hier, ich bitte um eine Stellungnahme zu den Lieferzeiten.',
    'Guten Tag, {outlet}. Dürfen wir in Ihrer Werkstatt in {store} drehen? Bitte um Rückmeldung der Pressestelle.',
  ],
  en: [
    'Journalist at {outlet} here, could we get an interview about cargo bikes in Hamburg?',
    '{outlet} newsroom: we would like a statement on your delivery times.',
  ],
};

export const LEGAL: Phrases = {
  de: [
    'Ihr verwendet mein Foto ohne Erlaubnis in eurer Werbung. Mein Anwalt wird sich melden.',
    'Ich fordere die Löschung meiner Daten nach DSGVO, sonst gehe ich zur Datenschutzbehörde.',
    'Das ist Betrug, ich werde Anzeige erstatten und Sie verklagen.',
  ],
  en: ['You are using my photo without permission. My lawyer will contact you.', 'This is fraud and I will sue you.'],
};

export const OTHER: Phrases = {
  de: [
    'Perfektes Wetter heute für eine Runde an der Elbe 🚲☀️ #radwerk',
    'Wer fährt am Sonntag mit zur Sternfahrt?',
    'Radwerk-Trikot gesichtet beim Marathon 😄',
    'Gewinnspiel? Ich bin dabei! #radwerk',
    'Hat jemand Tipps für eine Tour ins Alte Land?',
  ],
  en: ['Perfect weather for a ride along the Elbe today 🚲 #radwerk', 'Anyone joining the Sunday ride?'],
};

/** Product ideas, each with its own support weight; several authors suggest each. */
export const IDEAS: readonly { readonly key: string; readonly weight: number; readonly phrases: Phrases }[] = [
  {
    key: 'theft-tracking',
    weight: 5,
    phrases: {
      de: [
        'Idee: GPS-Diebstahlschutz direkt in der Radwerk-App, das wäre ein Kaufgrund!',
        'Wünsche mir einen GPS-Tracker im E-Trekker gegen Diebstahl, per App zu orten.',
        'Warum gibt es noch keine Diebstahlortung in eurer App? Würde sofort dafür zahlen.',
        'Vorschlag: Diebstahlalarm mit GPS in der App, wie beim Auto.',
      ],
      en: [
        'Idea: GPS theft tracking in the Radwerk app, that would sell me!',
        'Please add GPS anti-theft tracking to the app, I would pay for it.',
        'Suggestion: theft alarm with GPS in your app.',
      ],
    },
  },
  {
    key: 'cargo-rain-cover',
    weight: 3,
    phrases: {
      de: [
        'Bitte bringt ein Regenverdeck für das Lastenrad Hanse raus, die Kinder werden immer nass.',
        'Idee fürs Lastenrad Hanse: ein Verdeck gegen Regen mit Fenster. Das fehlt echt.',
        'Wäre toll, wenn es fürs Lastenrad ein passendes Regenverdeck gäbe!',
      ],
      en: [
        'Please make a rain cover for the Lastenrad Hanse, the kids always get wet.',
        'Idea: a rain canopy for the cargo bike would be great!',
      ],
    },
  },
  {
    key: 'loaner-bike',
    weight: 2,
    phrases: {
      de: [
        'Vorschlag: Leihrad während der Reparatur anbieten, dann wäre das Warten nicht so schlimm.',
        'Wie wär es mit Ersatzrädern zum Ausleihen, solange das eigene in der Werkstatt ist?',
      ],
      en: [
        'Suggestion: offer a loaner bike while ours is being repaired.',
        'Idea: rent us a replacement bike during repairs.',
      ],
    },
  },
  {
    key: 'battery-swap',
    weight: 1.5,
    phrases: {
      de: [
        'Idee: Akku-Tauschstation in den Filialen, leeren Akku rein, vollen raus.',
        'Wünsche mir einen Akku-Tauschservice für den E-Trekker.',
      ],
      en: ['Idea: battery swap stations in your stores, drop an empty one, take a full one.'],
    },
  },
  {
    key: 'online-booking',
    weight: 1,
    phrases: {
      de: [
        'Bitte Werkstatttermine online buchbar machen, telefonisch kommt man nie durch.',
        'Vorschlag: Online-Terminbuchung für die Werkstatt.',
      ],
      en: ['Please let us book workshop appointments online.'],
    },
  },
];

/** Suggested local projects, each naming an organisation and a place. */
export const PROJECTS: readonly {
  readonly key: string;
  readonly weight: number;
  readonly organisation: string;
  readonly place: string;
  readonly phrases: Phrases;
}[] = [
  {
    key: 'school-workshop',
    weight: 4,
    organisation: 'Grundschule Louise Schroeder',
    place: 'Altona',
    phrases: {
      de: [
        'Die Grundschule Louise Schroeder in Altona sucht Unterstützung für eine Fahrradwerkstatt-AG. Wäre das nicht was für euch, Radwerk?',
        'Unsere Grundschule Louise Schroeder in Altona möchte eine Schülerwerkstatt für Fahrräder aufbauen. Könntet ihr Werkzeug oder Know-how spenden?',
        'Projektidee: Radwerk unterstützt die Fahrrad-AG der Grundschule Louise Schroeder in Altona!',
      ],
      en: [
        'The Louise Schroeder primary school in Altona wants to start a bike repair club. Could Radwerk support it?',
      ],
    },
  },
  {
    key: 'youth-team',
    weight: 2.5,
    organisation: 'RV Wilhelmsburg',
    place: 'Wilhelmsburg',
    phrases: {
      de: [
        'Das Jugendteam vom RV Wilhelmsburg sucht einen Sponsor für neue Trikots. Wie wär es, Radwerk?',
        'Der RV Wilhelmsburg braucht Unterstützung für die Jugendrennen im Sommer, sponsert ihr Vereine?',
      ],
      en: ['The youth team of RV Wilhelmsburg is looking for a sponsor for new jerseys. How about it, Radwerk?'],
    },
  },
  {
    key: 'repair-cafe',
    weight: 1.5,
    organisation: 'Repair Café Ottensen',
    place: 'Ottensen',
    phrases: {
      de: [
        'Das Repair Café Ottensen im Stadtteilhaus sucht Fahrradmechaniker für einen Samstag im Monat. Macht ihr mit?',
      ],
      en: ['Repair Café Ottensen is looking for bike mechanics one Saturday a month. Would Radwerk join?'],
    },
  },
  {
    key: 'kita-balance-bikes',
    weight: 1,
    organisation: 'Kita Sonnenblume',
    place: 'Eimsbüttel',
    phrases: {
      de: ['Die Kita Sonnenblume in Eimsbüttel braucht Laufräder für die Kleinen. Spendenaktion mit Radwerk?'],
      en: ['Kita Sonnenblume in Eimsbüttel needs balance bikes for the little ones. A donation drive with Radwerk?'],
    },
  },
];

/** What a customer writes when the resolved problem is back: their case reopens. */
export const FOLLOW_UPS: Phrases = {
  de: [
    'Immer noch nicht gelöst! Das Problem ist wieder da.',
    'Leider doch nicht erledigt, es ist genauso wie vorher. {angry}',
    'Nachtrag: hat nicht geklappt, bitte nochmal melden.',
  ],
  en: [
    'Still not fixed, the problem is back.',
    'Sorry, not solved after all. {angry}',
    'Update: it did not work, please get back to me.',
  ],
};

/** The company's own public replies. */
export const REPLIES: Phrases = {
  de: [
    'Hallo {first}, das tut uns leid! Wir schauen uns das sofort an und melden uns per Direktnachricht. Viele Grüße, {agent}',
    'Danke für deine Nachricht, {first}! Schreib uns bitte per DM deine Auftragsnummer, dann kümmern wir uns. {agent}',
    'Hallo {first}, vielen Dank für dein Feedback! Wir geben es ans Team weiter. Viele Grüße, {agent}',
    'Moin {first}, danke! Das freut uns sehr 😊 {agent}',
  ],
  en: [
    'Hi {first}, sorry to hear that! We are looking into it and will DM you. Best, {agent}',
    'Thanks for reaching out, {first}! Please DM us your order number and we will take care of it. {agent}',
    'Hi {first}, thank you for the feedback! We will pass it on. {agent}',
  ],
};

export const FIRST_NAMES: Readonly<Record<Language, readonly string[]>> = {
  de: [
    'Anna',
    'Lukas',
    'Marie',
    'Jonas',
    'Sophie',
    'Finn',
    'Lea',
    'Paul',
    'Hannah',
    'Ben',
    'Emma',
    'Tom',
    'Lina',
    'Felix',
    'Clara',
    'Jan',
    'Greta',
    'Moritz',
    'Ida',
    'Erik',
    'Maja',
    'Nils',
    'Frieda',
    'Hauke',
  ],
  en: ['Emily', 'James', 'Olivia', 'Liam', 'Chloe', 'Noah', 'Grace', 'Oscar', 'Ella', 'Jack', 'Ruby', 'Henry'],
};

export const LAST_NAMES: Readonly<Record<Language, readonly string[]>> = {
  de: [
    'Müller',
    'Schmidt',
    'Schneider',
    'Fischer',
    'Weber',
    'Meyer',
    'Wagner',
    'Becker',
    'Hoffmann',
    'Koch',
    'Jansen',
    'Petersen',
    'Thomsen',
    'Voß',
    'Lange',
    'Krüger',
  ],
  en: ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Walker', 'Wright', 'Hughes', 'Green'],
};

/** Who signs the company's replies. */
export const AGENTS: readonly string[] = ['Ole', 'Mia', 'Deniz', 'Aylin', 'Merle', 'Sven'];
