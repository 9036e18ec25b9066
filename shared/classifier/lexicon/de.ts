/**
 * A German sentiment lexicon of customer-facing words, written for this project (round w12;
 * second pass in round w13: billing, app and login words, colloquial spellings;
 * issue 15; licence: the project's own, see DATA-LICENSES.md). No other lexicon, corpus or
 * benchmark was read to choose its words or valences: they are one writer's judgement of how
 * a customer means the word to a company, on VADER's scale (-4 .. +4).
 *
 * Spelling as written; `lexiconOf('de')` folds each entry as normalization folds a token
 * (lower case, ä -> ae, ö -> oe, ü -> ue, ß -> ss). An entry ending in `*` is a stem: it
 * matches every word that starts with it ("verspät*": verspätet, Verspätung, verspäteten).
 * An entry starting with `*` is the head of compounds: it matches every word that ends with
 * it ("*ausfall": Zugausfall, Stromausfall). A word listed in full wins over a stem; among
 * stems, the longest that matches (prefixes before compound heads). Two-word phrases are in
 * `GERMAN_PHRASES`.
 *
 * `[valence x 10, entries]`, like `VADER_EN`.
 */
export const GERMAN_LEXICON: readonly (readonly [number, string])[] = [
  // Strongly negative: fraud, insults to the company, danger.
  [-34, 'betrug* betrüger* abzocke* abgezockt* verarsch* scheiße scheiss* beschiss* katastroph*'],
  [-31, 'frechheit* unverschämt* skandal* desaster* lebensgefährlich* gefährlich* unzumutbar* zumutung*'],
  [-29, 'katastrophal* miserabel* grottenschlecht* unterirdisch* schrott* müll mist dreck* ekelhaft* widerlich*'],
  [-27, 'furchtbar* schrecklich* entsetzlich* grauenhaft* grausam* horror* albtraum* alptraum* wütend* stinksauer*'],
  [-25, 'inkompetent* unfähig* unseriös* dreist* lächerlich* peinlich* armselig* erbärmlich* schlimmst*'],
  // Complaint: broken, wrong, missing, annoying.
  [-22, 'kaputt* defekt* beschädigt* zerbrochen* zerkratzt* verschimmelt* verdorben* schimmel*'],
  [-22, 'schlecht* schlimm* mies* übel* ärgerlich* verärgert* ärger* sauer enttäusch* unzufrieden*'],
  [-20, 'fehlerhaft* mangelhaft* mangel mängel* falsch* verloren* vermisst* fehlt fehlen fehlte fehlten fehlend*'],
  [-18, 'beschwerde* reklamation* reklamier* beschweren beschwere beschwert reklamiert'],
  [-18, 'nervig* nervt genervt* nervend* ätzend* blöd* doof* mühsam* umständlich* chaos* chaotisch* *chaos'],
  [-18, 'ignoriert* vertröstet* abgewimmelt* hingehalten* stundenlang* tagelang* wochenlang* monatelang*'],
  [
    -16,
    'leider problem* störung* *störung gestört* panne* *panne fehler* *fehler bug bugs absturz* abgestürzt* stürzt',
  ],
  [-16, 'schade unmöglich* unbrauchbar* nutzlos* sinnlos* überteuert* wucher* zumutbar'],
  [-15, 'unfreundlich* unhöflich* respektlos* arrogant* patzig* frech*'],
  [-12, 'langsam* lahm* teuer* ewig*'],
  // Delivery and travel.
  [-18, 'verspät* *verspätung verzöger* *verzögerung ausgefallen* ausfall* *ausfall *ausfälle annulliert* gestrichen*'],
  [-15, 'verpasst* gestrandet* überfüllt* überbucht* dreckig* schmutzig* stickig*'],
  [-10, 'wartezeit* warteschleife* gewartet storniert* verschoben* retoure* rücksendung* umtausch* nachlieferung*'],
  // Billing and contracts.
  [-18, 'mahnung* mahngebühr* inkasso* strafgebühr* nachzahlung*'],
  [-12, 'kündig* gekündigt* widerruf* widerspruch* abgebucht* preiserhöhung* zusatzkosten* gebühren'],
  [-20, 'überhöht* fehlbuchung* falschbuchung* doppelbuchung* rücklastschrift*'],
  [-10, 'abbuchung* lastschrift* mahnstufe* vertragsstrafe* bearbeitungsgebühr*'],
  // App and online service.
  [-15, 'abgeschmiert* eingefroren* fehlermeldung* fehlercode* ausgeloggt* gesperrt*'],
  // Round w13, second pass: app and login words.
  [-18, 'abstürz* hängengeblieben* aufgehängt* fehlgeschlagen* verbuggt* unbenutzbar* funktionslos*'],
  [-12, 'ladebildschirm* wartungsarbeiten* netzausfall* funkloch* verbindungsabbr* abgebrochen*'],
  // Round w13, second pass: colloquial spellings and words.
  [-26, 'kacke kackladen saftladen drecksladen scheissladen bullshit wtf'],
  [-18, 'nervtötend* stressig* bescheuert* vollidiot* idioten* kundenunfreundlich*'],
  [-14, 'ugh menno boah seufz unfassbar*'],
  [20, 'geil geile geiler geiles hammer nice cool cooler coole lässig* hammermäßig* wow'],
  [16, 'funzt läuft merci thx thanks'],
  // Mild: doubt, questions that usually complain.
  [-8, 'komisch* seltsam* merkwürdig* fragwürdig* zweifel* unsicher* trotzdem dennoch'],
  [-6, 'warum wieso weshalb eigentlich hoffentlich'],
  // Positive: praise.
  [
    31,
    'hervorragend* ausgezeichnet* großartig* fantastisch* phantastisch* traumhaft* genial* erstklassig* spitzenmäßig*',
  ],
  [
    29,
    'perfekt* wunderbar* wundervoll* herrlich* begeistert* begeisterung* liebe lieben liebt beeindruckt* beeindruckend*',
  ],
  [27, 'super klasse toll tolle toller tolles tollen prima top exzellent* überragend* sensationell* bravo spitze'],
  [
    22,
    'gut gute guten guter gutes bestens freundlich* hilfsbereit* zuvorkommend* kompetent* professionell* sympathisch*',
  ],
  [
    20,
    'zufrieden* glücklich* froh frohe freue freuen freut gefreut empfehle* empfehlen* empfehlenswert* weiterempfehl*',
  ],
  [20, 'lob lobe loben gelobt kompliment* respekt'],
  [18, 'schnell* zügig* pünktlich* zuverlässig* unkompliziert* reibungslos* problemlos* einwandfrei* tadellos*'],
  [16, 'schön* angenehm* bequem* sauber* gemütlich* lecker* günstig* preiswert* fair kulant* kulanz*'],
  [15, 'gelöst* geklappt* klappt funktioniert repariert* erledigt* behoben* erstattet* gutgeschrieben*'],
  [14, 'hilfreich* geholfen* hilft unterstützt* nett nette netten netter lieb höflich* geduldig*'],
  [12, 'willkommen gerne gern okay ok passt praktisch* übersichtlich* intuitiv*'],
  [10, 'ordentlich* solide* vernünftig* brauchbar* akzeptabel* fein'],
  // Thanks.
  [25, 'danke danke* dankeschön* dankbar* bedanke* bedanken* bedankt*'],
];

/**
 * Two-word phrases, valued on their second word when the first precedes it. A phrase replaces
 * what its first word alone gave ("funktioniert nicht" is a complaint, not praise), and a
 * phrase that starts with a negator is not negated by it ("keine Antwort").
 */
export const GERMAN_PHRASES: readonly (readonly [number, readonly string[]])[] = [
  [-18, ['schon wieder', 'mal wieder', 'geht nicht', 'klappt nicht', 'funktioniert nicht', 'lädt nicht']],
  [-16, ['nie wieder', 'noch nie', 'keine antwort', 'keine rückmeldung', 'keine reaktion', 'ohne antwort']],
  [
    -14,
    [
      'zu spät',
      'zu teuer',
      'zu langsam',
      'zu lange',
      'nicht erreichbar',
      'nicht angekommen',
      'immer noch',
      'noch immer',
    ],
  ],
  [-14, ['doppelt abgebucht', 'nicht bekommen', 'nicht erhalten', 'nicht geliefert']],
  // Round w13, second pass.
  [
    -18,
    [
      'funzt nicht',
      'läuft nicht',
      'gehts nicht',
      'geht gar',
      'nicht einloggen',
      'nicht anmelden',
      'nicht erreichen',
      'nicht möglich',
      'kein zugang',
      'kein netz',
      'kein empfang',
      'kein internet',
      'kein signal',
      'hängt sich',
      'falsch berechnet',
      'zu viel',
      'versteckte kosten',
      'doppelt berechnet',
      'nicht gutgeschrieben',
      'nicht erstattet',
    ],
  ],
  [
    -14,
    [
      'seit wochen',
      'seit tagen',
      'seit monaten',
      'seit stunden',
      'warte seit',
      'warten seit',
      'noch nicht',
      'geld zurück',
    ],
  ],
  [
    18,
    [
      'kein problem',
      'keine probleme',
      'alles gut',
      'alles bestens',
      'läuft wieder',
      'geht wieder',
      'funktioniert wieder',
    ],
  ],
  [25, ['vielen dank', 'herzlichen dank', 'besten dank', 'tausend dank', 'weiter so', 'hut ab', 'daumen hoch']],
];
