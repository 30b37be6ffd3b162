// Words of the Learn pages added with sending profiles, the template editor and time spent, in French and English.
// Kept here until they join the shared locale files (web/src/locales), which other modules own.
import { useLocale } from '../../i18n.ts';

const TEXT = {
  subnavContent: { fr: 'Contenus de formation', en: 'Training content' },
  subnavTemplates: { fr: 'Modèles et pages d’atterrissage', en: 'Templates and landing pages' },
  subnavCampaigns: { fr: 'Campagnes', en: 'Campaigns' },
  subnavProfiles: { fr: 'Profils d’envoi', en: 'Sending profiles' },
  profilesTitle: { fr: 'Profils d’envoi', en: 'Sending profiles' },
  profilesIntro: {
    fr: 'Les serveurs SMTP par lesquels partent les simulations. Le mot de passe n’est jamais réaffiché.',
    en: 'The SMTP servers simulations are sent through. The password is never shown again.',
  },
  builtIn: { fr: 'Intégré (configuration)', en: 'Built-in (configuration)' },
  notConfigured: { fr: 'VIGIE_LEARN_SMTP_URL non défini', en: 'VIGIE_LEARN_SMTP_URL not set' },
  configured: { fr: 'défini par VIGIE_LEARN_SMTP_URL', en: 'set by VIGIE_LEARN_SMTP_URL' },
  name: { fr: 'Nom', en: 'Name' },
  host: { fr: 'Serveur', en: 'Host' },
  port: { fr: 'Port', en: 'Port' },
  tls: { fr: 'Chiffrement', en: 'Encryption' },
  tlsStarttls: { fr: 'STARTTLS obligatoire (587)', en: 'STARTTLS required (587)' },
  tlsTls: { fr: 'TLS implicite (465)', en: 'Implicit TLS (465)' },
  tlsNone: { fr: 'Aucun (relais local uniquement)', en: 'None (local relay only)' },
  username: { fr: 'Utilisateur', en: 'User name' },
  password: { fr: 'Mot de passe', en: 'Password' },
  passwordSet: { fr: 'défini', en: 'set' },
  passwordNone: { fr: 'aucun', en: 'none' },
  passwordKeep: {
    fr: 'Laisser vide pour garder le mot de passe actuel.',
    en: 'Leave empty to keep the current password.',
  },
  passwordClear: { fr: 'Effacer le mot de passe', en: 'Clear the password' },
  passwordPlain: {
    fr: 'stocké en clair (aucune clé serveur configurée)',
    en: 'stored in clear (no server key configured)',
  },
  passwordEncrypted: { fr: 'chiffré', en: 'encrypted' },
  fromAddress: { fr: 'Adresse d’expédition (From)', en: 'From address' },
  fromName: { fr: 'Nom d’expéditeur', en: 'From name' },
  headers: { fr: 'En-têtes personnalisés', en: 'Custom headers' },
  headerName: { fr: 'En-tête', en: 'Header' },
  headerValue: { fr: 'Valeur', en: 'Value' },
  addHeader: { fr: 'Ajouter un en-tête', en: 'Add a header' },
  remove: { fr: 'Retirer', en: 'Remove' },
  newProfile: { fr: 'Nouveau profil', en: 'New profile' },
  edit: { fr: 'Modifier', en: 'Edit' },
  delete: { fr: 'Supprimer', en: 'Delete' },
  cancel: { fr: 'Annuler', en: 'Cancel' },
  save: { fr: 'Enregistrer', en: 'Save' },
  saved: { fr: 'Enregistré.', en: 'Saved.' },
  deleted: { fr: 'Supprimé.', en: 'Deleted.' },
  confirmDelete: { fr: 'Supprimer « {name} » ?', en: 'Delete “{name}”?' },
  testTo: { fr: 'Adresse de test', en: 'Test address' },
  sendTest: { fr: 'Envoyer un e-mail de test', en: 'Send a test e-mail' },
  testOk: { fr: 'E-mail de test envoyé ({id}).', en: 'Test e-mail sent ({id}).' },
  testFailed: { fr: 'Échec ({stage}) : {problem}', en: 'Failed ({stage}): {problem}' },
  stageSettings: { fr: 'réglages', en: 'settings' },
  stageVerify: { fr: 'connexion et authentification', en: 'connection and sign-in' },
  stageSend: { fr: 'envoi', en: 'sending' },
  profile: { fr: 'Profil d’envoi', en: 'Sending profile' },
  profileSenderHint: {
    fr: 'Avec un profil enregistré, l’expéditeur est celui du profil si vous laissez l’adresse vide.',
    en: 'With a stored profile, the sender is the profile’s when the address is left empty.',
  },
  templatesTitle: { fr: 'Modèles et pages d’atterrissage', en: 'Templates and landing pages' },
  templatesIntro: {
    fr: 'Vos propres leurres (HTML et texte, FR/EN) et pages d’atterrissage. Ce qui est saisi dans une page d’atterrissage n’est jamais conservé : seuls les noms des champs remplis le sont.',
    en: 'Your own lures (HTML and text, FR/EN) and landing pages. What is typed in a landing page is never kept: only the names of the filled fields are.',
  },
  orgTemplates: { fr: 'Modèles de l’organisation', en: 'Organisation templates' },
  orgLandings: { fr: 'Pages d’atterrissage de l’organisation', en: 'Organisation landing pages' },
  noneYet: { fr: 'Aucun pour l’instant.', en: 'None yet.' },
  newTemplate: { fr: 'Nouveau modèle', en: 'New template' },
  newLanding: { fr: 'Nouvelle page d’atterrissage', en: 'New landing page' },
  editTemplate: { fr: 'Modifier le modèle', en: 'Edit the template' },
  editLanding: { fr: 'Modifier la page', en: 'Edit the page' },
  language: { fr: 'Langue', en: 'Language' },
  subject: { fr: 'Objet', en: 'Subject' },
  senderName: { fr: 'Nom affiché de l’expéditeur', en: 'Sender display name' },
  htmlBody: { fr: 'Corps HTML', en: 'HTML body' },
  textBody: { fr: 'Corps texte (facultatif : tiré du HTML)', en: 'Text body (optional: derived from the HTML)' },
  landing: { fr: 'Page d’atterrissage', en: 'Landing page' },
  topic: { fr: 'Thème entraîné', en: 'Topic trained' },
  difficulty: { fr: 'Difficulté', en: 'Difficulty' },
  cues: { fr: 'Indices à montrer après le clic (un par ligne)', en: 'Cues shown after a click (one per line)' },
  placeholders: {
    fr: 'Champs : {{first_name}} {{last_name}} {{email}} {{department}} {{role}} {{company}} {{executive_name}} {{supplier_name}} {{date}} — et {{link}}, le lien suivi, obligatoire (href="{{link}}").',
    en: 'Fields: {{first_name}} {{last_name}} {{email}} {{department}} {{role}} {{company}} {{executive_name}} {{supplier_name}} {{date}} — and {{link}}, the tracked link, required (href="{{link}}").',
  },
  landingHint: {
    fr: 'HTML avec un formulaire. Les scripts, gestionnaires on*, cadres et cibles externes sont retirés ; le formulaire ne peut renvoyer qu’à Vigie, qui ne garde que les noms des champs remplis.',
    en: 'HTML with a form. Scripts, on* handlers, frames and outside targets are removed; the form can only post back to Vigie, which keeps only the names of the filled fields.',
  },
  title: { fr: 'Titre', en: 'Title' },
  html: { fr: 'HTML', en: 'HTML' },
  teaching: { fr: 'Page pédagogique (Markdown, facultatif)', en: 'Teaching page (Markdown, optional)' },
  preview: { fr: 'Aperçu', en: 'Preview' },
  previewHint: {
    fr: 'Aperçu isolé (sans script), avec des valeurs d’exemple.',
    en: 'Sandboxed preview (no script), with sample values.',
  },
  problems: { fr: 'À corriger', en: 'To fix' },
  fieldsKept: {
    fr: 'Champs repérés (seuls leurs noms seront notés) : {list}',
    en: 'Fields found (only their names are recorded): {list}',
  },
  importEml: { fr: 'Importer un e-mail (.eml)', en: 'Import an e-mail (.eml)' },
  importHint: {
    fr: 'Collez le message brut (ou choisissez un fichier .eml) : objet, expéditeur et corps deviennent un brouillon de modèle.',
    en: 'Paste the raw message (or choose an .eml file): subject, sender and body become a template draft.',
  },
  linksToTracked: { fr: 'Faire pointer tous les liens vers le lien suivi', en: 'Point every link at the tracked link' },
  importButton: { fr: 'Importer', en: 'Import' },
  imported: { fr: 'Brouillon importé : vérifiez-le puis enregistrez.', en: 'Draft imported: check it, then save.' },
  rawMessage: { fr: 'Message brut', en: 'Raw message' },
  updated: { fr: 'Modifié', en: 'Updated' },
  timeSpent: { fr: 'Temps passé', en: 'Time spent' },
  timeLessons: { fr: 'leçons', en: 'lessons' },
  timeQuizzes: { fr: 'quiz', en: 'quizzes' },
  timeMedian: { fr: 'médiane par apprenant', en: 'median per learner' },
  timeLearners: { fr: 'apprenants', en: 'learners' },
  department: { fr: 'Service', en: 'Department' },
  timeHint: {
    fr: 'Mesuré sur les pages des modules (onglet visible, activité récente), plafonné par le serveur.',
    en: 'Measured on module pages (visible tab, recent activity), capped by the server.',
  },
} as const;

export type LearnTextKey = keyof typeof TEXT;

/** `l('key', { name })` in the interface's language; `{name}` is replaced. */
export function useLearnText(): (key: LearnTextKey, values?: Record<string, string | number>) => string {
  const locale = useLocale();
  return (key, values) => {
    let text: string = TEXT[key][locale];
    for (const [k, v] of Object.entries(values ?? {})) text = text.replace(`{${k}}`, String(v));
    return text;
  };
}
