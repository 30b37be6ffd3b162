/**
 * What the text asks the reader to do, in French and English. Written for fluent, AI-grade
 * phishing: it reads intent (hurry, give your password, pay to a new account, buy gift cards,
 * keep it secret...) and never spelling. One pass of a phrase automaton over the accent-folded
 * words of the subject and the first 50 KB of text; each category scores with diminishing
 * returns, and a few combinations that make a scam (credentials + urgency, new bank details +
 * secrecy...) add a bonus. A single weak cue ("urgent") stays weak: legitimate mail says it too.
 */
import { shownText } from './html.js';
import { PhraseMatcher, wordTokens } from './phrases.js';
import type { Reason, SignalContext } from './types.js';

export const INTENT_CATEGORIES = [
  'urgency',
  'credentials',
  'payment_change',
  'gift_cards',
  'secrecy',
  'threat',
  'advance_fee',
  'reward',
  'delivery_fee',
  'invoice_lure',
  'crypto',
] as const;
export type IntentCategory = (typeof INTENT_CATEGORIES)[number];

/** Characters of body text read; the subject is always read. */
export const MAX_INTENT_TEXT = 50_000;

/** [weight of the phrase, pattern] — see phrases.ts for the pattern syntax. */
type Entry = readonly [number, string];

const LEXICON: Record<IntentCategory, readonly Entry[]> = {
  urgency: [
    [0.7, '(within|in the next|in less than) # (hours|hour|hrs|h)'],
    [0.7, 'within (24h|48h|72h)'],
    [0.6, '(dans les|sous|d ici|en moins de|dans un delai de) # (heures|h)'],
    [0.6, '(dans les|sous) (24h|48h|72h)'],
    [0.3, '(immediately|immediatement|urgently|urgemment|sans delai)'],
    [0.3, '(urgent|urgente|asap)'],
    [0.6, '(immediate|urgent) (action|attention|response|reply) (required|needed|is required)'],
    [0.5, '(action|reponse|intervention) (requise|immediate|urgente|necessaire)'],
    [0.4, 'action required'],
    [0.6, '(act|respond|reply) (now|immediately|today|right away)'],
    [0.7, '(expire|expires|expiring|will expire|ends|closes) (today|tonight|in # (hours|minutes))'],
    [
      0.7,
      '(expire|expirera|expire|prend fin|sera desactive|sera supprime) (aujourd hui|ce soir|dans # heures|a minuit)',
    ],
    [0.6, '(final|last) (notice|warning|reminder)'],
    [0.6, '(dernier|ultime) (rappel|avertissement|delai|preavis)'],
    [0.5, '(time sensitive|before it s too late|before it is too late|as soon as possible)'],
    [0.5, '(au plus vite|le plus rapidement possible|des que possible|des maintenant|avant qu il ne soit trop tard)'],
    [0.5, '(today|aujourd hui) (only|seulement|uniquement)'],
  ],
  credentials: [
    [
      1.2,
      '(confirm|verify|validate|update) your (online banking|bank account|account records|banking records|records|customer data|customer records)',
    ],
    [1.2, '(prove|confirm|verify|validate|re confirm|reconfirm) your (identity|ownership)'],
    [1.0, '(procedure|process) of (confirmation|verification|validation)'],
    [1.0, '(to restore|to regain|restore|regain) (full )?(access|account access)'],
    [0.8, 'to continue (using|to use|accessing) (our|your|the) (services|service|account|mailbox|email|app)'],
    [0.8, '(kyc|know your customer|know your client)'],
    [1.0, 'safeguard your (email |e mail |mail )?account'],
    [1.2, '(retablir|recuperer|restaurer) (l acces|votre acces|l acces a votre compte)'],
    [1.0, 'someone (tried|attempted|has tried) to (log|sign|access) (in|into|your)'],
    [1.2, '(update|verify|confirm) (and verify |and confirm |and update )?your (information|info|records|data)'],
    [
      1.5,
      '(couldn t|could not|were unable to|was unable to|cannot) (verify|confirm|validate) your (account|information|identity|details|email)',
    ],
    [
      1.2,
      '(account|identity|mailbox|email|profile) (verification|validation|confirmation) (required|needed|request|is required|pending)',
    ],
    [1.8, '(retain|continue using|continue with|keep using) (your|the) (active |current |existing |old )?password'],
    [
      1.2,
      '(nous n avons pas pu|impossible de) (verifier|confirmer|valider) (votre|vos) (compte|identite|informations)',
    ],
    [
      1.2,
      '(verification|validation|confirmation) (de votre|du) (compte|identite|adresse) (requise|necessaire|obligatoire|en attente)',
    ],
    [
      1.5,
      '(verify|confirm|validate|update|reactivate|re activate|restore|unlock|secure|revalidate|re validate) your (account|identity|mailbox|login|credentials|password|account information|account details|billing information|billing details|payment information|payment details|payment method|card details|banking details)',
    ],
    [0.6, '(verify|confirm|validate) your (email|e mail) [address]'],
    [1.5, '(sign|log) in (to|and) (verify|confirm|keep|restore|unlock|reactivate|secure|update|avoid|validate|review)'],
    [1.5, '(your|the) password (will expire|expires|has expired|is expiring|is about to expire|expired|will be reset)'],
    [1.8, 'keep (using )?(your|the|same) (current |same )?password'],
    [
      1.5,
      '(mailbox|email account|e mail account|mail box|inbox|email storage|storage) (is full|is almost full|has exceeded|exceeded|quota|has reached|limit reached)',
    ],
    [1.0, '(unusual|suspicious|unauthorized|unrecognized) (sign in|login|log in|activity|access|attempt|transaction)'],
    [
      1.8,
      '(enter|provide|submit|confirm|re enter) your (password|credentials|login details|login credentials|pin|card number|card details|social security number|one time code|otp)',
    ],
    [
      1.2,
      '(click|tap) (here|below|the link|the button) (to|and) (verify|confirm|validate|update|login|log in|sign in|unlock|restore|reactivate|secure|keep)',
    ],
    [
      1.5,
      '(verifiez|verifier|confirmez|confirmer|validez|valider|mettez a jour|mettre a jour|actualisez|actualiser|reactivez|reactiver|debloquez|debloquer|retablissez|retablir|securisez|securiser|completez|completer) (votre|vos|ton|tes) (compte|identite|informations personnelles|informations de compte|informations bancaires|informations de paiement|coordonnees bancaires|mot de passe|moyen de paiement|identifiants|acces|donnees personnelles|carte bancaire)',
    ],
    [0.6, '(confirmez|confirmer|verifiez|verifier|validez|valider) votre adresse (e mail|email|mail|electronique)'],
    [1.5, '(connectez vous|identifiez vous|reconnectez vous|authentifiez vous) (pour|afin de|et)'],
    [
      1.8,
      '(saisissez|saisir|entrez|entrer|renseignez|renseigner|communiquez|communiquer|fournir|fournissez|indiquez|indiquer) (votre|vos) (mot de passe|identifiants|code secret|code pin|coordonnees bancaires|numero de carte|informations bancaires|code de verification)',
    ],
    [1.5, 'votre mot de passe (expire|va expirer|a expire|expirera|arrive a expiration)'],
    [1.8, '(conserver|garder|gardez|conservez) (le meme|votre|votre mot de passe|le mot de passe)'],
    [
      1.5,
      '(boite mail|boite aux lettres|boite de reception|messagerie|espace de stockage) (est pleine|est presque pleine|saturee|est saturee|a atteint|a depasse|depasse)',
    ],
    [1.0, '(activite|connexion|tentative de connexion|transaction|operation) (inhabituelle|suspecte|non autorisee)'],
    [1.0, 'acces non autorise'],
    [
      1.2,
      '(cliquez|cliquer) (ici|sur le lien|sur le bouton|ci dessous) (pour|afin de) (verifier|confirmer|valider|mettre a jour|vous connecter|debloquer|reactiver|retablir|securiser|conserver)',
    ],
  ],
  payment_change: [
    [
      2.2,
      '(new|updated|changed|different) (bank|banking|remittance|wire|payment|receiving) (details|information|info|account|account details|instructions)',
    ],
    [2.5, 'our (bank|banking|account) (details|information|account) (has|have) (changed|been changed|been updated)'],
    [
      2.2,
      '(change|changes|changed|update|updated) (of|in|to) (our )?(bank|banking|remittance|payment) (details|account|information)',
    ],
    [2.2, '(changed|updated|switched) (our|the) (bank|banking|bank account|remittance)'],
    [
      2.5,
      '(pay|send|remit|transfer|wire) (the|this|all|future|outstanding)? (payment|payments|invoice|invoices|funds|amount|balance) to (our|the|this) new (account|bank)',
    ],
    [2.0, 'new (iban|account number|routing number|sort code)'],
    [1.2, '(process|make|arrange|initiate) (a|an) (urgent )?(wire|wire transfer|bank transfer|payment|transfer)'],
    [
      2.2,
      '(nouvelles|nouveau|nouvel|nos nouvelles|notre nouveau) (coordonnees bancaires|rib|iban|compte bancaire|domiciliation bancaire|releve d identite bancaire)',
    ],
    [
      2.5,
      '(changement|modification|mise a jour) (de|des) (nos |notre )?(coordonnees bancaires|rib|iban|compte bancaire|domiciliation bancaire|releve d identite bancaire)',
    ],
    [2.5, '(notre|nos) (rib|iban|coordonnees bancaires|compte bancaire|banque) (a|ont) change'],
    [2.5, '(virement|paiement|reglement|versement) (sur|vers|a) (notre|ce|le) nouveau (compte|rib)'],
    [1.2, '(effectuer|faire|proceder a) un virement [urgent]'],
    [1.2, 'virement urgent'],
  ],
  gift_cards: [
    [1.0, '(gift card|gift cards|giftcard|giftcards|carte cadeau|cartes cadeaux|carte cadeaux|cartes cadeau)'],
    [
      2.5,
      '(buy|purchase|get|pick up) (some|a few|# )?(gift cards|itunes cards|google play cards|steam cards|amazon cards|apple cards|ebay cards|vanilla cards)',
    ],
    [1.2, '(itunes|google play|steam|apple|vanilla|ebay|sephora) (gift )?(card|cards)'],
    [1.5, '(scratch|gratter|grattez) (off|the back|the card|le dos|la carte)'],
    [2.0, '(send|email|text) me (the|all the) (codes|card codes|card numbers|pictures|photos|pins)'],
    [
      2.5,
      '(acheter|achetez|procurer|procurez|prendre|prenez) (des|quelques|# ) (cartes cadeaux|cartes cadeau|cartes|coupons|recharges|tickets) [(google play|itunes|steam|pcs|transcash|neosurf|paysafecard|amazon)]',
    ],
    [1.5, '(coupon|coupons|recharge|recharges|ticket|tickets|carte|cartes) (pcs|transcash|neosurf|paysafecard|toneo)'],
    [2.0, '(envoyez|envoyer|envoie|transmettez|transmettre) (moi )?(les|le|tous les) (codes|code|photos|numeros)'],
  ],
  secrecy: [
    [
      1.5,
      'keep (this|it|the matter|this matter|this transaction) (confidential|private|secret|between us|to yourself|discreet|quiet)',
    ],
    [
      1.5,
      '(do not|don t|dont) (tell|inform|discuss|mention|share) (this )?(with )?(anyone|anybody|others|colleagues|your colleagues)',
    ],
    [1.2, '(utmost|absolute|strict|total) (discretion|confidentiality|secrecy)'],
    [0.5, '(strictly|highly) confidential'],
    [1.0, '(can|could) (i|we) (trust|count on) you'],
    [0.6, '(i am|i m|im) (in a meeting|currently in a meeting|in meetings|boarding|on a flight)'],
    [0.5, '(are you|r u) (available|at your desk|in the office)'],
    [1.5, '(restez|rester|soyez|sois|etre|reste) (discret|discrete|discrets|discretes)'],
    [
      1.2,
      '(en toute|la plus grande|plus grande|une grande|totale|la plus stricte|une totale|plus stricte) (discretion|confidentialite)',
    ],
    [1.5, '(ne (pas )?en (parlez|parler|parle) a personne|n en (parlez|parle) a personne|ne pas en parler)'],
    [0.5, '(strictement|hautement|tres) (confidentiel|confidentielle)'],
    [1.5, '(operation|dossier|transaction|affaire) (strictement )?(confidentielle|confidentiel)'],
    [0.6, '(je suis|suis) en (reunion|deplacement|rendez vous)'],
    [0.5, '(etes vous|es tu) (disponible|au bureau|joignable)'],
  ],
  threat: [
    [1.5, '(not|un) (verified|confirmed|proved|validated) accounts (will|would|may) be'],
    [1.0, '(possible|permanent|immediate) (termination|suspension|deactivation|closure|deletion)'],
    [
      1.5,
      '(all )?(unverified|inactive|unconfirmed) (accounts|account|mailboxes|users) will be (suspended|closed|deleted|deactivated|terminated|disabled)',
    ],
    [1.2, 'we (have|ve) (suspended|locked|limited|restricted|disabled|blocked|frozen|put a hold on)'],
    [1.0, '(temporarily|temporary) (suspended|locked|disabled|blocked|limited|restricted|frozen)'],
    [
      0.8,
      '(membership|subscription|account) (has expired|renewal failed|renewal was failed|renewal has failed|payment failed|payment declined|payment was declined)',
    ],
    [
      1.0,
      '(temporairement|provisoirement) (suspendu|suspendue|bloque|bloquee|desactive|desactivee|restreint|restreinte)',
    ],
    [0.8, '(abonnement|adhesion) (a expire|expire|arrive a expiration|n a pas pu etre renouvele)'],
    [
      1.5,
      '(account|mailbox|email|service|access|card|subscription|membership|profile) (will|would|may|could|is going to) be (suspended|closed|terminated|deactivated|disabled|deleted|locked|blocked|restricted|permanently)',
    ],
    [0.8, '(has|have) been (suspended|locked|limited|restricted|disabled|deactivated|blocked|compromised|put on hold)'],
    [
      1.5,
      '(failure|failing|fail) to (do so|comply|respond|verify|update|confirm|act|pay|complete) (will|may|could|would) (result|lead)',
    ],
    [1.0, 'permanently (deleted|closed|suspended|lost|disabled|removed|locked)'],
    [1.2, '(legal action|legal proceedings|arrest warrant|court summons|criminal charges)'],
    [0.6, '(debt collection|collection agency)'],
    [1.0, '(lose|loss of) (access|your account|your data|all your)'],
    [
      1.5,
      '(your|the) (package|parcel|shipment|order|delivery) (will be|is being|has been|is|was) (returned|held|on hold|destroyed|suspended|blocked)',
    ],
    [
      1.5,
      '(compte|acces|messagerie|boite mail|service|carte|abonnement|ligne|dossier) (sera|seront|va etre|vont etre|pourrait etre|risque d etre|sera definitivement) (suspendu|suspendue|ferme|fermee|bloque|bloquee|desactive|desactivee|supprime|supprimee|cloture|cloturee|restreint|restreinte|resilie|resiliee)',
    ],
    [
      1.0,
      '(a|ont) ete (suspendu|suspendue|bloque|bloquee|desactive|desactivee|restreint|restreinte|limite|limitee|compromis)',
    ],
    [1.2, '(poursuites|procedure|procedures) (judiciaires|judiciaire|penales|penale)'],
    [0.7, '(amende|majoration|penalite|penalites|huissier|contravention)'],
    [
      1.5,
      '(votre|le|ce) (colis|paquet|envoi) (sera|va etre|est|a ete) (retourne|renvoye|bloque|en attente|detruit|retenu|suspendu)',
    ],
    [
      1.5,
      '(suspension|suppression|fermeture|blocage|cloture|desactivation|resiliation) (de|definitive de|immediate de) (votre|vos) (compte|acces|carte|ligne|messagerie|abonnement|donnees)',
    ],
    [1.0, 'perdre (l acces|vos donnees|votre compte|tous vos|definitivement)'],
    [0.8, '(sans reponse de votre part|faute de quoi|a defaut de reponse|passe ce delai)'],
  ],
  advance_fee: [
    [1.0, '(don|donation|dons) (de|d un montant de) #'],
    [
      1.2,
      '(partager|partagerons|partage|repartir) (a part egale|a parts egales|equitablement|la somme|les fonds|moitie moitie)',
    ],
    [1.0, 'share (it |the funds |the money |the sum )?(equally|50 50|fifty fifty)'],
    [1.0, '(ne represente|ne presente|sans|n y a) aucun risque'],
    [0.8, '(confiance mutuelle|mutual trust)'],
    [
      1.0,
      '(veuillez|merci de|je vous prie de) me (fournir|communiquer|transmettre|faire parvenir|envoyer) (les informations suivantes|vos coordonnees|vos informations|les renseignements suivants)',
    ],
    [0.8, '(send|provide|forward) (me )?(the following|your) (information|details|particulars)'],
    [0.8, '(nom|noms) (prenom|prenoms) (age|profession|pays|adresse)'],
    [1.2, '(mandataire|beneficiaire|heritier|heritiere) (de ce compte|des fonds|de ces fonds|de cette somme|legal)'],
    [0.8, '(en toute legalite|legal et sans risque|legalement et sans risque)'],
    [
      1.0,
      '(surpris|surprise|surprised) (de|par|to receive|at receiving|by) (mon|ce|cet|this|my) (message|mail|courrier|e mail|email|letter)',
    ],
    [1.0, '(intrusion|derangement) (inattendue|inattendu|tres surprenant|surprenant)'],
    [0.8, '(facon|maniere) de vous contacter'],
    [1.0, '(pardon|forgive|excuse) (me )?(for )?(this|my) (intrusion|unsolicited|sudden|surprising)'],
    [
      1.0,
      '(est|sont) (a la charge|pris en charge|entierement pris en charge|integralement pris en charge) (de|par|du) (la|le|l|notre|nos)? (confederation|gouvernement|fondation|organisation|organisateurs|ambassade|comite)',
    ],
    [1.0, '(all expenses paid|fully sponsored|fully funded) (trip|travel|conference|scholarship|program)'],
    [1.2, '(has|have) (donated|bequeathed|willed)'],
    [1.2, '(fund|funds|payment|inheritance) release'],
    [1.2, '(release|releasing|remittance) of (your|the) (fund|funds|inheritance|payment)'],
    [0.6, '(philanthropist|widow|widower|veuve)'],
    [1.0, '(diagnosed with|suffering from) (cancer|a terminal|terminal|an incurable)'],
    [1.0, 'if you (ever )?received (my|the) (first|previous|last|earlier) (email|mail|message|letter)'],
    [1.0, 'i came across your (e mail|email|contact|profile|address)'],
    [
      1.0,
      '(j ai|je viens de|nous avons) (trouve|obtenu|vu|choisi) votre (contact|adresse|profil|adresse e mail|adresse mail)',
    ],
    [1.5, 'next of kin'],
    [1.2, '(late|deceased) (client|husband|father|customer|wife|investor|president|mother)'],
    [0.6, '(beneficiary|beneficiaire|beneficiaries)'],
    [
      1.2,
      '(transfer|transfert|virement) (of |de |des |du )?(the|this|these|ces|ce|les|la) (fund|funds|sum|fonds|somme|money)',
    ],
    [
      2.0,
      '(#|%|percent|pourcent|pour cent) (#|%|percent|pourcent|pour cent)? (of the|of this|de la|du|des) (total|fund|funds|sum|money|somme|montant|fonds|transaction)',
    ],
    [1.5, '# (%|percent|pourcent|pour cent) (for you|for me|pour vous|pour moi|pour toi)'],
    [1.0, '(inheritance|heritage|heritance|je vous legue|leguer)'],
    [1.8, '(unclaimed|dormant|abandoned|inactive) (fund|funds|inheritance|assets|deposit|account|sum)'],
    [1.5, '(compte|fonds|somme) (dormant|dormants|en desherence|abandonne|abandonnes|inactif)'],
    [
      1.5,
      '(consignment box|trunk box|diplomatic courier|diplomatic agent|security company vault|atm card worth|visa card worth)',
    ],
    [1.2, '(terminal|incurable) (illness|disease|cancer)'],
    [1.0, '(phase terminale|maladie incurable|cancer du|cancer de la|cancer en phase)'],
    [
      1.2,
      '(million|millions) (us dollars|dollars|usd|euros|eur|pounds|de dollars|d euros|de dollars americains|d euro)',
    ],
    [1.2, '(# |$ |€ )(million|millions|m) (us dollars|dollars|usd|euros|eur)'],
    [1.5, '(faire|fais|faites) (un )?(don|donation) (de|d une somme|de ma fortune|de cette somme|de mes biens)'],
    [
      0.4,
      '(donation|don humanitaire|oeuvre caritative|oeuvres caritatives|oeuvres de charite|oeuvre humanitaire|orphelins|orphelinats)',
    ],
    [0.6, '(charity work|charitable work|charity organizations|charitable organizations|orphanages|motherless babies)'],
    [1.2, '(defunt|defunte|feu) (mari|epoux|pere|client|president|investisseur|frere)'],
    [0.8, '(personne|partenaire|collaborateur) (de confiance|fiable et honnete|honnete et fiable|serieuse et honnete)'],
    [0.8, '(reliable|trustworthy|honest) (and (honest|reliable|trustworthy) )?(person|partner|foreign partner)'],
    [1.2, '(this|the) transaction is (100 % |# % |completely |totally )?(legal|legitimate|risk free|safe|secured)'],
    [0.6, '(100 %|# %|completely|totally|absolutely) risk free'],
    [0.8, '(dieu vous benisse|que dieu vous benisse|god bless you|crainte de dieu|grace de dieu)'],
    [
      1.0,
      '(your|votre) (full name|full names|names|nom complet|noms complets|adresse complete) (and |et )?(address|home address|telephone|phone|age|occupation|country|numero de telephone|pays|profession|adresse)',
    ],
    [
      1.0,
      '(billet d avion|billets d avion|frais de voyage|frais de visa|frais de sejour) (aller retour )?(est |sont )?(a la charge|pris en charge|offert|offerts|gratuit|gratuits)',
    ],
    [0.8, '(fund|funds|money|somme) (deposited|deposee|deposes) (with|in|dans|aupres)'],
  ],
  reward: [
    [
      1.5,
      '(adresse e mail|adresse email|adresse mail|adresse electronique|e mail address|email address) (a ete|has been|was) (selectionnee|choisie|tiree au sort|selected|chosen|picked)',
    ],
    [1.2, '(been|were) (exclusively |specially |randomly |personally )?(selected|chosen) (to|as|for)'],
    [1.0, 'one step away from (your|winning|claiming|getting)'],
    [
      1.2,
      '(win|won|get|claim) (a|your|this) (brand new|free|new) (iphone|ipad|samsung|macbook|playstation|gift card|airpods)',
    ],
    [1.5, '(claim|collect|receive|reclamer|recevoir) (your|the|votre) (donation|don|rewards|gift card|inheritance)'],
    [1.0, '(claim|get|receive|redeem|collect) (your|a|the) (free|brand new|exclusive)'],
    [
      1.0,
      '(answer|complete|take|fill out|fill in|repondez a|repondre a|remplissez|remplir) (our|a|this|the|notre|ce|cette|un|une) (short |quick |brief |court |courte |rapide |petit |petite )?(survey|sondage|questionnaire|enquete)',
    ],
    [
      0.8,
      '(we want|we would like|we d like|nous voulons|nous aimerions|nous souhaitons) (to reward|to offer you|vous recompenser|vous offrir)',
    ],
    [1.5, '(you are|you re|tu es|vous etes) (our|notre) (lucky |big )?(winner|gagnant|gagnante)'],
    [
      1.5,
      '(your|votre) (reward|recompense|gift|cadeau|prize|prix|lot|bonus|cashback) (is waiting|has arrived|awaits|vous attend|est arrive|is ready|est pret|est disponible|is available)',
    ],
    [1.0, '(opportunite|occasion|chance) unique de (recevoir|gagner|remporter|beneficier)'],
    [1.0, '(unique|exclusive|special) (opportunity|chance) to (receive|win|get|claim)'],
    [
      1.0,
      '(handpicked|hand picked|selected|chosen) (for|to receive|to get) (our|an|this|a) (exclusive|loyalty|special|free|reward|gift)',
    ],
    [1.5, '(you have|you ve) (won|been selected|been chosen|been awarded)'],
    [0.8, '(lottery|lotto|sweepstake|sweepstakes|jackpot|loterie|gros lot)'],
    [1.5, '(claim|collect|redeem) (your|the) (prize|reward|winnings|gift|funds|payment|compensation|refund|bonus)'],
    [0.8, '(winning|lucky) (number|numbers|ticket|email|winner|draw)'],
    [1.0, 'congratulations (you|your) (have|ve|are|email|e mail)'],
    [0.8, '(cash prize|grand prize|cash reward)'],
    [1.5, '(you are|you re) eligible (for|to receive) (a |an )?(refund|compensation|payment|reward|tax refund|cash)'],
    [1.5, 'vous avez (gagne|ete selectionne|ete selectionnee|ete choisi|ete choisie|ete tire au sort|remporte)'],
    [
      1.5,
      '(reclamer|reclamez|recuperer|recuperez|recevoir) (votre|vos) (gain|gains|prix|lot|remboursement|recompense|cadeau)',
    ],
    [1.0, '(felicitations|bravo) (vous|votre)'],
    [1.2, '(remboursement|indemnisation|compensation|indemnite) (en attente|disponible|de # |vous attend|a recuperer)'],
    [1.0, '(vous etes|etes vous|vous etes desormais) (eligible|eligibles) (a|au|aux|pour)'],
  ],
  delivery_fee: [
    [1.2, '(kindly|please) (confirm|complete|make) the payment of'],
    [1.0, '(a )?small (fee|payment|charge) (of|is|must|will|may)'],
    [1.0, 'delivery (attempt|attempts) (failed|was unsuccessful|unsuccessful|has failed)'],
    [0.8, '(we|courier|driver|carrier) (tried|attempted|were unable|was unable|could not) to deliver'],
    [0.8, '(schedule|reschedule|arrange|book) (a |your )?(redelivery|re delivery|new delivery|delivery date)'],
    [1.0, '(tentative de livraison|livraison) (a echoue|echouee|infructueuse|impossible)'],
    [0.8, '(nous n avons pas pu|impossible de|le livreur n a pas pu) (livrer|vous livrer|distribuer|deposer)'],
    [1.0, '(petits|faibles|modiques) frais'],
    [0.8, '(pending|awaiting) (package|parcel|delivery|shipment|packages|parcels)'],
    [
      0.5,
      '(customs|delivery|shipping|redelivery|re delivery|handling|clearance) (fee|fees|charge|charges|duty|duties)',
    ],
    [
      2.0,
      '(pay|settle|paying) (the|a|your|small|our)? (small )?(customs|delivery|shipping|redelivery|handling|clearance|postage|import) (fee|fees|charge|charges|duty|duties|tax)',
    ],
    [
      2.0,
      '(unpaid|outstanding|pending|remaining) (customs|delivery|shipping|postage|import) (fee|fees|charges|duty|duties|tax)',
    ],
    [
      1.2,
      '(package|parcel|shipment) (is |has been |was )?(on hold|held|pending|could not be delivered|was not delivered|cannot be delivered|couldn t be delivered|is waiting|awaiting)',
    ],
    [1.0, '(incomplete|incorrect|invalid|wrong) (delivery |shipping )?address'],
    [0.5, 'frais de (livraison|douane|dedouanement|reexpedition|port|reacheminement|reprogrammation)'],
    [
      2.0,
      '(payer|reglez|regler|payez|acquitter|acquittez) (les |des |vos |de |des petits |les petits )?(frais|droits) (de (livraison|douane|dedouanement|reexpedition|port|traitement|reacheminement|reprogrammation))?',
    ],
    [2.0, '(frais|droits) de (douane|livraison|dedouanement|port) (impayes|en attente|a payer|a regler|non regles)'],
    [
      1.2,
      '(colis|envoi|paquet|livraison) (est |a ete )?(en attente|bloque|retenu|suspendu|n a pas pu etre livre|ne peut pas etre livre|n a pas pu etre distribue|en instance)',
    ],
    [1.0, 'adresse (de livraison )?(incomplete|incorrecte|erronee|invalide)'],
  ],
  invoice_lure: [
    [1.2, '(follow|read|see|open) the (instructions|document|form) (in|attached|in the attached)'],
    [0.8, '(you have been|you were|successfully|has been|have been) (charged|billed|debited)'],
    [0.8, '(approved|processed|completed) the (renewal|auto renewal|payment|charge)'],
    [1.0, '(suivez|suivre|lisez|ouvrez) (les instructions|le document|le formulaire) (ci joint|en piece jointe|joint)'],
    [
      1.2,
      '(to cancel|for cancellation|to dispute|to get a refund|for a refund|for refund|if you did not authorize|if you didn t authorize|if you did not make|if you didn t make) (this )?(transaction |purchase |order |charge |renewal |subscription )?(please )?(call|contact us at|dial|reach us at)',
    ],
    [
      1.2,
      '(pour annuler|pour contester|pour etre rembourse|si vous n etes pas a l origine de) (cette |ce )?(transaction |achat |commande |paiement |prelevement )?(appelez|contactez nous au|composez)',
    ],
    [
      1.0,
      '(see|find|view|open|download|review) (the )?(attached|enclosed) (invoice|document|file|statement|remittance|purchase order|payment|order|quote)',
    ],
    [1.0, '(overdue|unpaid|outstanding|past due) (invoice|invoices|payment|balance|bill)'],
    [0.8, 'shared (a|the|some)? (file|document|folder|files|documents|pdf) with you'],
    [1.2, '(new|missed|pending) (voicemail|voice message|voice mail|fax)'],
    [1.2, '(secure|encrypted) (message|document|file|fax) (waiting|pending|for you|received)'],
    [0.8, '(document|file|invoice|contract) (is )?(ready|waiting|pending) for (your )?(review|signature|approval)'],
    [1.0, '(facture|factures) (impayee|impayees|en retard|en attente|non reglee|echue|en souffrance)'],
    [
      1.0,
      '(consulter|ouvrir|telecharger|voir) (la|votre|notre|le) (facture|document|bon de commande|releve|avis de paiement) (ci joint|en piece jointe|ci dessous)',
    ],
    [1.2, '(nouveau|nouvel) (message vocal|fax|document partage)'],
    [0.8, '(a partage|vous a partage|partage avec vous) (un|le|des|les) (fichier|document|dossier|fichiers|documents)'],
    [0.8, 'document (partage|securise|en attente de signature)'],
    [0.6, '(relance|rappel) (de )?(paiement|facture|impaye)'],
  ],
  crypto: [
    [
      1.5,
      'your (wallet|wallets|funds|assets|cryptocurrency|crypto assets|crypto) (has been|have been|is|are|is currently|are currently) (frozen|restricted|at risk|locked|suspended|compromised)',
    ],
    [1.5, '(upgrade|update|sync|synchronize|migrate) your (wallet|ledger|trezor|metamask)'],
    [1.0, '(staking|stake|steth) (rewards|reward)'],
    [1.2, '(seed|recovery|secret) (words|phrase words)'],
    [1.0, '(airdrop|airdrops)'],
    [
      1.5,
      '(claim|receive|get|mint|collect) your (tokens|airdrop|nft|nfts|coins|allocation|crypto|free mint|token allocation)',
    ],
    [
      1.5,
      '(wallet|wallets|portefeuille) (may be|has been|was|is|will be|a ete|sera|est) (breached|compromised|at risk|disabled|suspended|locked|temporarily disabled|temporary disabled|compromis|bloque|suspendu)',
    ],
    [1.8, '(confirm|verify|validate|secure) my wallet'],
    [1.0, '(withdraw|withdrawal of) your (funds|assets|tokens|crypto|balance)'],
    [2.0, '(giving away|giveaway|give away) (bitcoin|btc|eth|ethereum|crypto|cryptocurrencies|cryptocurrency)'],
    [0.5, '(bitcoin|btc|ethereum|usdt|cryptocurrency|cryptomonnaie|cryptomonnaies|crypto monnaie|crypto monnaies)'],
    [1.5, '(bitcoin|btc|crypto|wallet|ethereum|usdt) (address|adresse|wallet)'],
    [1.8, '(seed|recovery|secret|mnemonic) phrase'],
    [1.8, 'phrase (de recuperation|secrete|mnemonique)'],
    [2.0, '(connect|validate|synchronize|sync|verify|restore|rectify) your (wallet|wallets)'],
    [2.0, '(connectez|validez|synchronisez|verifiez|restaurez) votre (portefeuille|wallet)'],
    [1.5, '(guaranteed|daily|weekly) (profit|profits|return|returns|income)'],
    [1.5, '(rendement|rendements|profit|profits|gains|revenus) (garanti|garantis|quotidien|quotidiens|assure|assures)'],
    [2.0, '(pay|send|transfer) (me |us )?(# )?(\\$ )?(# )?(in |via )?(bitcoin|btc)'],
    [1.5, '(your|the) (webcam|camera|device|computer) (was|has been|is) (hacked|infected|compromised|recorded)'],
    [1.2, '(adult|porn|pornographic|xxx) (website|websites|videos|site|sites)'],
  ],
};

interface CategoryText {
  readonly fr: string;
  readonly en: string;
  /** Most this category alone may weigh. */
  readonly cap: number;
  /** How much less each further phrase counts (default DECAY). */
  readonly decay?: number;
}

const CATEGORY_TEXT: Record<IntentCategory, CategoryText> = {
  urgency: { fr: 'Le message vous presse d’agir vite', en: 'The message pushes you to act fast', cap: 1.0 },
  credentials: {
    fr: 'Le message vous demande de vous connecter ou de confirmer vos identifiants',
    en: 'The message asks you to sign in or confirm your credentials',
    cap: 2.8,
  },
  payment_change: {
    fr: 'Le message annonce un changement de coordonnées bancaires ou demande un virement',
    en: 'The message announces new bank details or asks for a transfer',
    cap: 3.5,
  },
  gift_cards: {
    fr: 'Le message parle d’acheter des cartes cadeaux ou des coupons prépayés',
    en: 'The message talks about buying gift cards or prepaid vouchers',
    cap: 3.5,
  },
  secrecy: { fr: 'Le message demande de garder le secret', en: 'The message asks you to keep it secret', cap: 2.0 },
  threat: {
    fr: 'Le message menace d’une sanction (blocage, fermeture, poursuites...)',
    en: 'The message threatens a penalty (suspension, closure, legal action...)',
    cap: 2.2,
  },
  advance_fee: {
    fr: 'Le message promet une grosse somme (héritage, don, fonds à transférer) : arnaque classique',
    en: 'The message promises a large sum (inheritance, donation, funds to transfer): a classic scam',
    cap: 4.0,
    // A 419 letter is a long story: its many typical cues are the signal itself.
    decay: 0.75,
  },
  reward: {
    fr: 'Le message annonce un gain, un prix ou un remboursement inattendu',
    en: 'The message announces an unexpected win, prize or refund',
    cap: 3.0,
  },
  delivery_fee: {
    fr: 'Le message réclame des frais pour livrer un colis',
    en: 'The message asks for a fee to deliver a parcel',
    cap: 3.0,
  },
  invoice_lure: {
    fr: 'Le message pousse à ouvrir une facture, un document ou un message vocal',
    en: 'The message pushes you to open an invoice, a document or a voicemail',
    cap: 1.8,
  },
  crypto: {
    fr: 'Le message parle de cryptomonnaie (paiement, portefeuille, gains garantis)',
    en: 'The message is about cryptocurrency (payment, wallet, guaranteed gains)',
    cap: 3.0,
  },
};

/** Combinations that make a scam more than the sum of its words. */
const COMBINATIONS: readonly {
  readonly name: string;
  readonly all: IntentCategory;
  readonly any: readonly IntentCategory[];
  readonly bonus: number;
  readonly fr: string;
  readonly en: string;
}[] = [
  {
    name: 'credentials_pressure',
    all: 'credentials',
    any: ['urgency', 'threat'],
    bonus: 1.0,
    fr: 'demande d’identifiants sous pression',
    en: 'a request for credentials under pressure',
  },
  {
    name: 'bec_payment',
    all: 'payment_change',
    any: ['secrecy', 'urgency'],
    bonus: 1.5,
    fr: 'changement de paiement pressé ou secret (fraude au président / faux fournisseur)',
    en: 'a rushed or secret payment change (CEO / supplier fraud)',
  },
  {
    name: 'gift_card_fraud',
    all: 'gift_cards',
    any: ['secrecy', 'urgency'],
    bonus: 1.5,
    fr: 'achat de cartes cadeaux pressé ou secret',
    en: 'a rushed or secret gift card purchase',
  },
  {
    name: 'advance_fee_secrecy',
    all: 'advance_fee',
    any: ['secrecy', 'reward'],
    bonus: 0.8,
    fr: 'somme promise à garder confidentielle',
    en: 'a promised sum to keep confidential',
  },
  {
    name: 'delivery_fee_pressure',
    all: 'delivery_fee',
    any: ['urgency', 'threat'],
    bonus: 0.8,
    fr: 'frais de livraison à payer sous pression',
    en: 'a delivery fee to pay under pressure',
  },
  {
    name: 'crypto_extortion',
    all: 'crypto',
    any: ['threat', 'secrecy'],
    bonus: 1.0,
    fr: 'paiement en cryptomonnaie sous menace (chantage)',
    en: 'a cryptocurrency payment under threat (extortion)',
  },
];
const MAX_COMBINATION_BONUS = 2.0;
/** A combination counts only when both sides are more than a passing word. */
const COMBINATION_MIN_MAIN = 1.0;
const COMBINATION_MIN_OTHER = 0.5;
/** Each further distinct phrase of a category counts this much less than the one before. */
const DECAY = 0.5;
const MAX_QUOTES = 3;

interface CompiledEntry {
  readonly category: IntentCategory;
  readonly weight: number;
}

const ENTRIES: CompiledEntry[] = [];
const PATTERNS: string[] = [];
for (const category of INTENT_CATEGORIES) {
  for (const [weight, pattern] of LEXICON[category]) {
    ENTRIES.push({ category, weight });
    PATTERNS.push(pattern);
  }
}
/** Built at the first message read (70 ms), not when the module is loaded by every `vigie` command. */
let matcher: PhraseMatcher | undefined;

/** What fired in one category: its score and the phrases as written in the message. */
export interface IntentHit {
  readonly category: IntentCategory;
  readonly score: number;
  readonly phrases: readonly string[];
}

/**
 * The text the intent signal reads: subject, then the body (text part, else the visible HTML).
 * Kept per message: several signals read it, and handing them the same string lets the
 * tokeniser's cache recognise it by identity instead of comparing every character.
 */
export function intentText(ctx: SignalContext): string {
  const kept = INTENT_TEXTS.get(ctx.message);
  if (kept?.html === ctx.html) return kept.text;
  const body = shownText(ctx.message, ctx.html);
  const text = `${ctx.message.subject.slice(0, 1000)}\n${body.slice(0, MAX_INTENT_TEXT)}`;
  INTENT_TEXTS.set(ctx.message, { html: ctx.html, text });
  return text;
}

const INTENT_TEXTS = new WeakMap<SignalContext['message'], { html: SignalContext['html']; text: string }>();

/** Scores every category on a text (bounded by the caller). Exposed for tests and tools. */
export function scoreIntent(text: string): IntentHit[] {
  matcher ??= new PhraseMatcher(PATTERNS);
  const matches = matcher.match(
    wordTokens(text.length > MAX_INTENT_TEXT + 1001 ? text.slice(0, MAX_INTENT_TEXT + 1001) : text),
  );
  // First occurrence of each pattern.
  const first = new Map<number, { start: number; end: number }>();
  for (const m of matches) if (!first.has(m.pattern)) first.set(m.pattern, m);
  const byCategory = new Map<IntentCategory, { weight: number; phrase: string; at: number; end: number }[]>();
  for (const [pattern, at] of first) {
    const entry = ENTRIES[pattern] as CompiledEntry;
    const list = byCategory.get(entry.category) ?? [];
    const phrase = text.slice(at.start, Math.min(at.end, at.start + 120)).replace(/\s+/g, ' ');
    list.push({ weight: entry.weight, phrase, at: at.start, end: at.end });
    byCategory.set(entry.category, list);
  }
  const hits: IntentHit[] = [];
  for (const category of INTENT_CATEGORIES) {
    const list = byCategory.get(category);
    if (!list) continue;
    list.sort((a, b) => b.weight - a.weight || a.at - b.at);
    // Overlapping phrases ("235 million euros" and "million euros") are one cue, not two.
    const kept: typeof list = [];
    for (const item of list) if (!kept.some((k) => item.at < k.end && k.at < item.end)) kept.push(item);
    let score = 0;
    kept.forEach((item, i) => {
      score += item.weight * (CATEGORY_TEXT[category].decay ?? DECAY) ** i;
    });
    score = Math.min(score, CATEGORY_TEXT[category].cap);
    hits.push({ category, score: round(score), phrases: kept.slice(0, MAX_QUOTES).map((i) => i.phrase) });
  }
  return hits;
}

export function intentReasons(ctx: SignalContext): Reason[] {
  const hits = scoreIntent(intentText(ctx));
  const reasons: Reason[] = hits.map((hit) => {
    const text = CATEGORY_TEXT[hit.category];
    const quoted = hit.phrases.map((p) => `« ${p} »`).join(', ');
    const quotedEn = hit.phrases.map((p) => `"${p}"`).join(', ');
    return {
      code: `mail.intent.${hit.category}`,
      category: 'intent',
      weight: hit.score,
      message: { fr: `${text.fr} : ${quoted}.`, en: `${text.en}: ${quotedEn}.` },
      data: { phrases: hit.phrases },
    };
  });
  const scoreOf = new Map(hits.map((h) => [h.category, h.score]));
  const combos = COMBINATIONS.filter(
    (c) =>
      (scoreOf.get(c.all) ?? 0) >= COMBINATION_MIN_MAIN &&
      c.any.some((a) => (scoreOf.get(a) ?? 0) >= COMBINATION_MIN_OTHER),
  );
  if (combos.length > 0) {
    const bonus = round(
      Math.min(
        MAX_COMBINATION_BONUS,
        combos.reduce((sum, c) => sum + c.bonus, 0),
      ),
    );
    reasons.push({
      code: 'mail.intent.combination',
      category: 'intent',
      weight: bonus,
      message: {
        fr: `Le message combine plusieurs ressorts typiques d’une arnaque : ${combos.map((c) => c.fr).join(' ; ')}.`,
        en: `The message combines several typical scam levers: ${combos.map((c) => c.en).join('; ')}.`,
      },
      data: { combinations: combos.map((c) => c.name) },
    });
  }
  return reasons;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
