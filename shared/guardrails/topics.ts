// Sensitive topics a bank treats with care, English and Spanish: self-harm, bereavement, financial hardship,
// fraud (scams, account takeover, someone using the card or account), an unrecognised payment (often a merchant
// name the customer does not know: a project may send it to its dispute flow rather than to fraud), domestic and
// financial abuse, gambling. Theft of a card is neither: "my card was stolen" is a lost-card request. Phrases, not
// single words, run on the folded text (lower case, no accents), so that "I lost my wife's card" is no
// bereavement and "I can't pay with my card" no hardship. Parley's own constants: JavaScript RegExps.
import { fold } from './profanity';

export const TOPIC_IDS = ['self_harm', 'bereavement', 'financial_hardship', 'fraud', 'unrecognised_payment', 'domestic_abuse', 'gambling'] as const;
export type TopicId = (typeof TOPIC_IDS)[number];

// whole words: the text is folded (no accents, ñ is n), so ASCII word boundaries hold, and no `u` flag (faster)
const re = (parts: readonly string[]) => new RegExp(parts.map((p) => `\\b(?:${p})\\b`).join('|'));

const KIN = String.raw`(?:wife|husband|partner|mother|father|mum|mom|dad|son|daughter|brother|sister|grandmother|grandfather|grandma|grandpa|grandad|granddad|gran|nan|nana|grandparents?|fiance|fiancee|spouse|child|baby|aunt|uncle|parents?|stepfather|stepmother|in-law)`;
const PARIENTE = String.raw`(?:marido|esposo|esposa|mujer|pareja|madre|padre|mama|papa|hijo|hija|hermano|hermana|abuelo|abuela|novio|novia|tio|tia|bebe|padres)`;

export const TOPICS: Readonly<Record<TopicId, RegExp>> = {
  self_harm: re([
    String.raw`kill(?:ing)? myself|suicid\w*|end(?:ing)? (?:my|it) (?:own )?(?:life|all)|end it all|(?:take|took|taking) my (?:own )?life|self[- ]?harm\w*`,
    String.raw`hurt(?:ing)? myself|harm(?:ing)? myself|cut(?:ting)? myself|overdos\w*`,
    String.raw`(?:don'?t|do not|dont) want to (?:live|be alive|be here any ?more|wake up|go on)|no reason to (?:live|go on)|not worth living`,
    String.raw`(?:better off|be better) (?:dead|without me|gone)|want(?:ed)? to die|wish i (?:was|were) dead|tired of (?:living|being alive)|no point (?:in )?(?:living|going on)`,
    String.raw`(?:want|need) (?:it all|everything|this|the pain) to (?:end|stop)|(?:no|can'?t see a|there'?s no) way out|can'?t go on (?:any ?more|like this)|(?:not|never) (?:to )?(?:wake|waking) up`,
    String.raw`(?:take|taking|swallow|swallowing) (?:all )?(?:the|my|those|these) (?:pills|tablets)|pills saved up|(?:would|will|wouldn'?t|won'?t) (?:even )?(?:notice|care|miss me) if i (?:was|were|'?m|am) (?:gone|dead|not here)|don'?t want to exist`,
    String.raw`quitarme la vida|matarme|suicidarme|acabar con (?:mi vida|todo)|no quiero (?:vivir|seguir viviendo|despertar(?:me)?|seguir aqui)`,
    String.raw`(?:won'?t|will not|not going to|don'?t think i'?ll) be (?:around|here|alive) (?:much longer|for long|any ?more|tomorrow|next week)|(?:goodbye|farewell) (?:letters?|notes?|messages?)|saying (?:my )?goodbyes`,
    String.raw`(?:put|putting|get|getting) my affairs in order|(?:stockpil|hoard|sav)\w* (?:up )?(?:my )?(?:pills|tablets|medication|meds)|i'?m (?:at|on) the (?:bridge|edge|train tracks|tracks|railway|roof|rooftop|cliff)|i'?m a burden|(?:this is|it'?s) my (?:last|final) (?:day|night|week)(?! (?:at|of|in|on) )`,
    String.raw`(?:everyone|they|my family|my kids) (?:would|will) be (?:better off|happier)(?: without me| if i)?|disappear(?:ed)? (?:for good|forever)|(?:sleep|go to sleep) and never wake|cartas? de despedida|despedirme de (?:todos|mi familia)|no quiero estar aqui`,
    String.raw`hacerme dano|autolesion\w*|quiero morir(?:me)?|estarian mejor sin mi|no vale la pena vivir|me quiero morir|quiero desaparecer|no quiero (?:vivir|seguir) asi|quitarme de en medio|no le importaria a nadie si (?:me muero|desapareciera)`,
  ]),
  bereavement: re([
    String.raw`passed away|pass(?:ed)? on recently|(?:has|have|had|just|recently|sadly) died|died (?:last|on|in|recently|yesterday|this|suddenly|a few)`,
    String.raw`death of (?:my|our|a)|funeral\w*|bereave\w*|deceased|probate|death certificate|widow(?:ed|er)?|(?:register|report|notify you of|tell you about) a death|passed (?:last|this|yesterday|on|away|in|over the)|(?:has|have|had) (?:just |recently |sadly )?passed\b(?! (?:the|my|a|an|it|this|that|all|me|out|through|over)\b)|lost (?:mum|mom|dad|nan|gran|grandad|granddad|grandma|grandpa) (?:on|last|this|in|yesterday)`,
    String.raw`executor of (?:the|his|her|my|their|our)(?: \w+'s)? (?:estate|will)|estate of my late|my late ${KIN}`,
    String.raw`lost (?:my|our) ${KIN}(?!'s|s'|s )(?! card)|${KIN} (?:has |recently |just )?(?:died|passed)`,
    String.raw`(?:ha )?fallecid[oa]|fallecio|fallecimiento|murio|ha muerto|difunt[oa]|funeral|entierro|viud[oa]|certificado de defuncion`,
    String.raw`perdi a mi ${PARIENTE}|mi ${PARIENTE} (?:ha )?(?:fallecido|muerto|murio|fallecio)|herencia de mi`,
  ]),
  financial_hardship: re([
    String.raw`can'?t afford|cannot afford|can not afford|unable to afford`,
    String.raw`(?:can'?t|cannot|unable to|won'?t be able to) (?:pay|make|keep up with) (?:my|the|this month'?s|our) (?:rent|bills?|mortgage|loan|debts?|repayments?|credit card bill|council tax|payments)`,
    String.raw`(?:can'?t|cannot) pay (?:it|this|that|them) back|struggling (?:to pay|financially|with (?:money|debts?|bills|payments|my (?:loan|mortgage|rent)))`,
    String.raw`lost my job|been made redundant|made redundant|unemployed|out of work|laid off`,
    String.raw`behind (?:on|with) (?:my |the |our )?(?:\w+ ){0,2}(?:payments|bills|rent|mortgage|loan|repayments)|in arrears|debt collectors?|bailiffs?|bankrupt\w*|insolven\w*`,
    String.raw`(?:lose|losing) (?:my|our|the) (?:house|home|flat)|(?:mortgage|rent|loan|repayments?|bills) (?:is|are) (?:too much|too high|more than i can)|(?:can'?t|cannot) (?:cope with|manage) (?:the|my|our) (?:payments|mortgage|rent|bills|debts?)|(?:can'?t|cannot|unable to) (?:afford|make|pay|keep up with) (?:my |the |our )?(?:minimum|monthly) (?:payment|repayment)s?|(?:can'?t|cannot) keep up with (?:the|my|our) (?:loan|rent|mortgage|payments|bills|repayments)|threatening to evict|evict\w*`,
    String.raw`(?:being )?evicted|eviction|payday loans?|food bank|payment holiday|financial (?:difficult\w*|hardship|trouble)|drowning in debt|overwhelmed (?:by|with) debt|no money (?:left|for food)`,
    String.raw`no puedo pagar (?:el |la |mi |mis |los |las )?(?:alquiler|hipoteca|prestamo|facturas|deudas|cuotas|recibos|tarjeta)|no llego a fin de mes`,
    String.raw`me (?:he )?quedado sin (?:trabajo|empleo)|me quede sin (?:trabajo|empleo)|(?:he )?perdido (?:mi|el) (?:trabajo|empleo)|perdi (?:mi|el) (?:trabajo|empleo)|estoy en (?:el )?paro|desemplead[oa]`,
    String.raw`no puedo (?:con|pagar) (?:la|el|mi|mis|los|las) (?:hipoteca|alquiler|prestamo|deudas|recibos|cuotas|facturas)|(?:me han |nos han )?(?:reducido|bajado|recortado) el sueldo`,
    String.raw`desahucio|desahuci\w*|embargo|endeudad[oa]|atrasad[oa] (?:con|en) (?:los |las |el |la )?(?:pagos|cuotas|hipoteca|alquiler|recibos)`,
    String.raw`dificultades economicas|problemas (?:economicos|de dinero)|no tengo dinero (?:para comer|ni para)|banco de alimentos|bancarrota|en quiebra|ahogad[oa] (?:en|por las) deudas`,
  ]),
  fraud: re([
    String.raw`scam(?:med|mer|mers)?|fraud\w*|phish\w*|smish\w*|vish\w*|identity theft|stolen identity|sim swap|safe account`,
    String.raw`someone (?:has |have |had |is |was )?(?:used|using|accessed|accessing|hacked|got into|logged into|logging into|withdrew|spent|emptied|cloned|copied) (?:my|money from my|into my)`,
    String.raw`(?:account|card|details|phone|email|online banking|app) (?:has been|have been|was|were|got|is|are|might be|may be|may have been|might have been) (?:hacked|compromised|cloned|skimmed|breached|taken over|accessed by someone)`,
    String.raw`(?:pretending|claiming|posing) to be (?:from )?(?:the|your|my|acme)? ?bank|fake (?:call|text|email|website|bank)|asked (?:me )?for my (?:pin|password|passcode|one[- ]time (?:code|password)|card details)|(?:asking|asked|told) me to (?:confirm|verify|update|enter|give|send) my (?:card|bank|account|security|login|personal) (?:details|information|number)`,
    String.raw`(?:gave|told|sent|shared) (?:my|them my|him my|her my) (?:pin|password|passcode|card details|one[- ]time code|security code)`,
    String.raw`clicked (?:on )?(?:a|the|an) (?:link|attachment)|entered my (?:card |bank |account |login )?(?:details|password|pin) (?:on|into|in) (?:a|an|the|their|this|that) (?:fake |dodgy |strange |)?(?:site|website|page|link|form)|(?:fake|spoof(?:ed)?|cloned) (?:account details|invoice|website|site|number|email)`,
    String.raw`(?:logging|logged|signing|signed) (?:in|into|on to) my (?:app|account|online banking)|(?:phone|device|computer|laptop) i (?:don'?t|do not) (?:own|recogni[sz]e|have)|(?:said|saying|claiming|pretending) (?:he|she|they) (?:was|were|is|are) (?:from|with) (?:the|my|your) bank`,
    String.raw`(?:transferred|sent|paid) [^.]{0,30} to (?:what|who) i thought was|(?:card|account)'?s been (?:hacked|compromised|cloned|skimmed)|(?:card|account) (?:was |got )?(?:skimmed|cloned)`,
    String.raw`estaf\w*|fraude\w*|fraudulent\w*|phishing|suplantacion de identidad|robo de identidad|duplicado de (?:la )?sim`,
    String.raw`alguien (?:ha |me ha |esta )?(?:usado|utilizado|uso|utilizo|usando|sacado|saco|accedido|accedio|entrado|entro|gastado|vaciado|clonado) (?:mi|a mi|dinero|de mi|con mi)`,
    String.raw`(?:cuenta|tarjeta|banca online|app) (?:ha sido|fue|esta) (?:hackeada|clonada|comprometida|duplicada|pirateada)|me han (?:hackeado|clonado|robado los datos|pirateado)|se hicieron pasar por|haciendose pasar por`,
    String.raw`(?:di|le di|les di|he dado|comparti) (?:mi|el|los) (?:pin|contrasena|codigo|datos de la tarjeta)`,
    String.raw`(?:tricked|conned|duped|fooled|manipulated|pressured|talked|persuaded|convinced) (?:me )?into (?:sending|paying|transferring|moving|giving|investing|buying)|pretending to be (?:my|the|from) \w+|(?:posing|claiming) as (?:my|the) \w+`,
    String.raw`(?:payee|device|login|direct debit|standing order)s? (?:on|to|in) my account (?:that )?i (?:never|didn'?t|did not) (?:add|set up|make|recogni[sz]e)|(?:new|unknown|strange) (?:payee|device|login) (?:on|to|in) my (?:account|app)`,
    String.raw`(?:move|moved|moving|transfer|transferred) my (?:savings|money|funds) (?:to|into) (?:a )?(?:safe|secure|new|holding) account|(?:said|told me|claimed) my (?:account|money|savings) (?:was|is|were) (?:at risk|compromised|hacked|in danger)`,
    String.raw`(?:fake|bogus|fraudulent|spoofed?) (?:investment|site|website|text|sms|message|call|caller|email|invoice|payee|crypto|app|page)|remote access|anydesk|teamviewer|(?:wasn'?t|was not) me|opened an account (?:using|with|in) my (?:details|name|identity)`,
    String.raw`me (?:enganaron|timaron|estafaron)|\btimo\b|se hizo pasar por|suplantad[oa]s?|suplantaron|(?:sms|mensaje|correo|llamada|web|enlace|pagina) fals[oa]|meti mis (?:datos|claves)|no fui yo|a mi nombre`,
    String.raw`diciendo que (?:era|eran) (?:del|de tu|de vuestro|de mi) banco|me pidi(?:o|eron) (?:el|mi|los) (?:codigo|pin|contrasena|datos)|(?:pinche|clique|hice clic) en (?:un|el) enlace`,
  ]),
  unrecognised_payment: re([
    String.raw`(?:didn'?t|did not|never|don'?t|do not) (?:make|made|authori[sz]e|authori[sz]ed|recogni[sz]e|do) (?:this|that|the|these|those|a|an|any) (?:payments?|transactions?|purchases?|charges?|withdrawals?|transfers?|direct debits?|card payments?)`,
    String.raw`(?:payments?|transactions?|charges?|withdrawals?|purchases?|direct debits?) (?:i|that i|which i) (?:don'?t|do not|didn'?t|did not|never) (?:recogni[sz]e|make|made|authori[sz]e)`,
    String.raw`(?:don'?t|do not) recogni[sz]e (?:this|that|the|these|a|an|some) \w+|unauthori[sz]ed (?:payments?|transactions?|charges?|withdrawals?|transfers?|debits?|purchases?)`,
    String.raw`no (?:he hecho|hice|reconozco|autorice|he autorizado) (?:este|ese|esta|esa|un|una|el|la|ningun|ninguna|estos|estas)? ?(?:cargos?|pagos?|compras?|movimientos?|retiradas?|transferencias?|recibos?)`,
    String.raw`(?:cargos?|pagos?|compras?|movimientos?|retiradas?) que no (?:reconozco|he hecho|hice|autorice)|(?:cargos?|pagos?|compras?|movimientos?) no autorizad[oa]s?`,
  ]),
  domestic_abuse: re([
    String.raw`domestic (?:abuse|violence)|financial(?:ly)? abus\w*|economic abuse|coercive control|abusive (?:partner|relationship|husband|wife|boyfriend|girlfriend|ex)`,
    String.raw`(?:partner|husband|wife|boyfriend|girlfriend|ex) (?:controls|takes|took|won'?t let me (?:have|use|see)|is taking|keeps) (?:all )?(?:my|our) (?:money|cards?|account|wages|salary|benefits|pay)`,
    String.raw`(?:forced|forcing|pressured|made) me (?:to )?(?:take out|sign|borrow|open)`,
    String.raw`violencia (?:de genero|domestica|machista)|maltrat\w*|abuso (?:economico|financiero)|me controla el dinero`,
    String.raw`mi (?:pareja|marido|esposo|esposa|mujer|novio|novia|ex) (?:me quita|controla|se queda con|no me deja usar) (?:mi |el |la |todo el )?(?:dinero|sueldo|tarjeta|cuenta|nomina)`,
  ]),
  gambling: re([
    String.raw`gambling (?:problem|addiction|debts?|block)|problem gambl\w*|addicted to (?:gambling|betting|casinos?)|block (?:gambling|betting) (?:transactions|payments|sites)`,
    String.raw`ludopat\w*|adiccion al juego|adicto al juego|bloquear (?:las )?apuestas|problema con (?:el juego|las apuestas)`,
  ]),
};

/** The sensitive topics in `text` (all of them, or those in `only`), in TOPIC_IDS order. */
export function findTopics(text: string, only?: readonly string[]): TopicId[] {
  const folded = fold(text);
  return TOPIC_IDS.filter((t) => (!only || only.includes(t)) && TOPICS[t].test(folded));
}
