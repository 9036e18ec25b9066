/**
 * Words that say nothing about what a mention is about, per language, after folding
 * (lower case, ä -> ae, ß -> ss). Besides grammar words they hold the social-media filler
 * and the words every complaint, idea or project uses ("bitte", "thanks", "idea").
 */
const GERMAN = `aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bin bis bisschen bist da dabei dadurch dafuer dagegen daher damit dann
darauf darum das dass dasselbe dein deine dem den denn der des deshalb dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines
einfach einmal er es etwas euch euer eure fuer gar gegen gibt ging gut habe haben hast hat hatte hatten hier hin ich ihm ihn ihnen ihr ihre im immer in ins ist ja jede jedem jeden
jeder jetzt kann kannst kein keine keinem keinen keiner koennen koennt koennte leider mal man mehr mein meine meinem meinen meiner mich mir mit muss musste nach nein nicht nichts noch nun nur ob
oder ohne schon sehr sein seine seit selbst sich sie sind so soll sollte sollten sondern sowie ueber um und uns unser unsere unter viel vom von vor wann war waren warum was weil
wenn wer werde werden wie wieder wieso will wir wird wirklich wo wurde wurden zu zum zur zwar hallo hi hey danke bitte echt total gerade mega voll ganz halt eben eigentlich
schon mal bzw usw ca eure euer euren eurem eurer ihr ihrem ihren ihrer sowas irgendwie wohl wer welche welcher welches
idee vorschlag vorschlagen waere wuerde wuerden finde fand toll super cool gerne gern bestimmt vielleicht bitte`;

const ENGLISH = `a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves im ive dont cant wont didnt doesnt isnt its hi hey hello thanks thank please
really still even also get got getting guys lol omg pls plz just ever every anyone anybody someone something thing things one like would could should
idea suggest suggestion love great nice cool maybe perhaps`;

export const STOPWORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  de: new Set(GERMAN.split(/\s+/).filter(Boolean)),
  en: new Set(ENGLISH.split(/\s+/).filter(Boolean)),
};

/** Words skipped in every language: the markers normalization puts in place of URLs and handles. */
export const MARKERS: ReadonlySet<string> = new Set(['xurl', 'xuser', 'xnum', 'xemoji']);
