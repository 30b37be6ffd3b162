/**
 * The policy Guard ships with, as commented YAML: what a French organisation would start from
 * (CNIL and ANSSI habits — secrets never leave, national identifiers and bank details never
 * reach a provider in clear, marked documents stay with approved services). Copy and edit it.
 */

export const DEFAULT_POLICY_YAML = `# Vigie Guard — politique par défaut / default policy.
# Pour chaque donnée trouvée, la PREMIÈRE règle qui correspond s'applique (comme un pare-feu) :
# placez les exceptions en tête. Pour le texte entier, l'action la plus stricte l'emporte :
#   allow < warn < pseudonymise < redact < block
# For each finding, the FIRST matching rule applies (like a firewall): put exceptions first.
# For the whole text, the strictest action wins.
version: 1
name: Politique par défaut (organisation française)

# Services de destination (nom de l'amont du proxy ou identifiant du catalogue).
# Classes : sanctioned (contrat et DPA signés), eu_hosted (hébergé dans l'UE, non approuvé),
# blocked (interdit), unknown (tout service non listé).
services:
  internal-llm: { class: sanctioned, label: 'Modèle interne (vLLM / Ollama)' }
  mistral: { class: eu_hosted, label: 'Mistral AI — Le Chat, La Plateforme' }
  deepseek: { class: blocked, label: 'DeepSeek (hébergé hors UE, sans garanties)' }
unknownServiceClass: unknown

rules:
  # Secrets (clés d'API, jetons, clés privées, mots de passe) : jamais, nulle part.
  - name: secrets
    types: [secret.*]
    action: block

  # Documents marqués « Confidentiel », C3, « Diffusion restreinte » : seulement vers un service approuvé.
  - name: marquages vers service non approuvé
    types: [marking.confidential, marking.restricted]
    serviceClasses: [eu_hosted, unknown]
    action: block
  - name: marquages vers service approuvé
    types: [marking.confidential, marking.restricted]
    action: warn
  - name: usage interne
    types: [marking.internal]
    action: warn

  # NIR (numéro de sécurité sociale), IBAN, cartes : jamais en clair chez un fournisseur.
  # Pseudonymisés (rétablis dans la réponse) vers un service approuvé, masqués ailleurs.
  - name: identifiants sensibles vers service approuvé
    types: [pii.nir, pii.iban, pii.card]
    serviceClasses: [sanctioned]
    action: pseudonymise
  - name: identifiants sensibles ailleurs
    types: [pii.nir, pii.iban, pii.card, pii.passport, pii.id_card]
    action: redact

  # Exemple d'exception par service : le service juridique peut envoyer des noms et adresses
  # au modèle interne (décommentez et adaptez).
  # - name: juridique vers modèle interne
  #   types: [pii.person, pii.address]
  #   departments: [Juridique]
  #   services: [internal-llm]
  #   action: allow

  # Autres données personnelles : pseudonymisées, pour que la réponse reste utilisable.
  - name: données personnelles
    types: [pii.email, pii.phone, pii.person, pii.address, pii.birth_date]
    action: pseudonymise
  - name: identifiants d'entreprise et adresses IP
    types: [pii.siren, pii.siret, pii.vat_fr, pii.ip]
    action: warn

  # Termes des dictionnaires de l'organisation (noms de projets, de clients).
  - name: dictionnaires vers service non approuvé
    types: [dictionary.*]
    serviceClasses: [eu_hosted, unknown]
    action: pseudonymise
  - name: dictionnaires
    types: [dictionary.*]
    action: warn

  # Code source collé : un avertissement (le code lui-même est souvent l'objet de la question).
  - name: code source
    types: [code.*]
    action: warn

  # Réponses du modèle (analyse de sortie) / model answers (output scanning).
  - name: fuite du prompt système
    types: [output.system_prompt_leak]
    action: block
  - name: image ou lien d'exfiltration vers un hôte inconnu
    types: [output.exfiltration_link]
    action: redact
  - name: liens externes
    types: [output.external_link]
    action: allow

# Donnée trouvée qu'aucune règle ne vise / a finding no rule matches.
fallback: warn

injection:
  # threshold: 0.5     # absent : le seuil du modèle livré (1 % de faux positifs)
  action: block        # dans une requête de l'utilisateur
  documentAction: warn # dans un document fourni au modèle (injection indirecte)

# Texte plus long que la limite d'analyse : la fin n'a pas été lue.
truncated: block
`;
