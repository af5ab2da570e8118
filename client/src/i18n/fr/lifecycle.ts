// French strings of the "lifecycle" section (the reference; en/lifecycle.ts mirrors its keys).

const lifecycle = {
  heading: "Où en est le dossier ?",
  loadError: "L'état du dossier n'a pas pu être chargé.",
  steps: "Les trois étapes du dossier",
  stepName: {
    brouillon: "Brouillon",
    fige: "Figé",
    depose: "Déposé",
  },
  stepNow: "(étape actuelle)",
  stepDone: "(étape passée)",
  stateLine: {
    brouillon: "Brouillon : tout le monde écrit",
    fige: "Figé : le texte ne bouge plus, le collectif l'approuve",
    depose: "Déposé",
  },
  stateHelp: {
    brouillon:
      "Les membres écrivent et commentent les réponses. Quand le texte est prêt, la structure porteuse le fige. Le collectif vote alors pour approuver ce texte.",
    fige: "Plus personne ne peut modifier les réponses. Le collectif vote l'approbation finale du texte. Ensuite, la structure porteuse dépose le dossier.",
    depose: "Le dossier est envoyé. Il est définitif : plus personne ne peut le modifier.",
  },
  frozenOn: "Figé le {{date}}.",
  fingerprint: {
    current: "Empreinte du contenu :",
    frozen: "Empreinte du texte figé :",
    submitted: "Empreinte du texte déposé :",
    help: "L'empreinte est un code calculé à partir de tout le texte du dossier. Si un seul mot change, elle change. Elle prouve quel texte a été approuvé.",
    draftHelp: "Elle change à chaque modification des réponses.",
  },
  refresh: "Mettre à jour",
  refreshed: "État du dossier mis à jour.",
  checklist: {
    heading: "Pour déposer le dossier",
    intro: "Chaque point doit être réglé avant le dépôt.",
    met: "Fait :",
    unmet: "À faire :",
    allMet: "Tout est prêt : le dossier peut être déposé.",
    remaining_one: "Encore {{count}} point à régler.",
    remaining_other: "Encore {{count}} points à régler.",
  },
  conditions: {
    frozen: {
      met: "Le dossier est figé.",
      unmet: "Le dossier doit être figé.",
      helpLead: "Quand le texte est prêt, figez-le avec le bouton « Figer le dossier » plus bas.",
      help: "La structure porteuse le fige quand le texte est prêt.",
    },
    answers: {
      noAction: "Le dossier n'a pas encore d'action : ajoutez-en une, puis écrivez ses réponses.",
      met: "Toutes les questions obligatoires ont une réponse.",
      unmet_one: "{{count}} question obligatoire n'a pas de réponse.",
      unmet_other: "{{count}} questions obligatoires n'ont pas de réponse.",
      action: "Action « {{title}} » :",
      goTo: "Aller à la question « {{label}} » de l'action « {{title}} »",
      show: "Voir les questions sans réponse",
      frozenHelp: "Le texte est figé : pour compléter ces réponses, il faut d'abord rouvrir le dossier.",
    },
    priority_order: {
      notNeeded: "Pas besoin d'ordre de priorité : le dossier a une seule action.",
      met: "L'ordre de priorité des actions est adopté.",
      unmet: "L'ordre de priorité des actions n'est pas adopté.",
      help: "Avec plusieurs actions, le financeur demande leur ordre d'importance. Le collectif le vote. L'ordre adopté doit être l'ordre actuel des actions.",
      link: "Voter l'ordre de priorité",
    },
    final_approval: {
      met: "L'approbation finale du texte figé est adoptée.",
      notOpen: "L'approbation finale n'est pas encore ouverte.",
      notOpenHelp: "Elle s'ouvre quand la structure porteuse fige le dossier. Le collectif vote alors sur le texte figé.",
      open: "L'approbation finale est en cours de vote.",
      openHelp: "Le vote se termine le {{date}}.",
      rejected: "L'approbation finale n'a pas été adoptée.",
      rejectedHelp:
        "Le collectif n'a pas approuvé le texte figé. Pour le modifier, il faut d'abord une décision de rouvrir le dossier.",
      vote: "Voter sur l'approbation finale",
      see: "Voir la décision d'approbation finale",
    },
    content_unchanged: {
      met: "Le texte n'a pas changé depuis qu'il a été figé.",
      unmet: "Le texte a changé depuis qu'il a été figé.",
      help: "L'approbation vaut seulement pour le texte figé. Il faut rouvrir le dossier, puis le figer de nouveau.",
    },
  },
  leadOnly: "Seule la structure porteuse peut figer, rouvrir et déposer le dossier.",
  freeze: {
    heading: "Figer le dossier",
    intro:
      "Quand le texte est prêt, figez-le. Les réponses passent alors en lecture seule pour tout le monde. Le collectif vote l'approbation finale de ce texte.",
    open: "Préparer le gel du dossier",
    legend: "Le vote d'approbation finale",
    rule: "Règle de décision",
    rules: {
      consentement: "Consentement",
      majorite_simple: "Majorité simple",
      majorite_qualifiee: "Majorité qualifiée (deux tiers)",
      unanimite: "Unanimité",
    },
    ruleHelp: {
      consentement:
        "Le texte est approuvé, sauf si quelqu'un maintient une objection avec sa raison écrite. Ne pas voter, c'est consentir.",
      majorite_simple: "Le texte est approuvé s'il y a plus de « pour » que de « contre ». Les abstentions ne comptent pas.",
      majorite_qualifiee:
        "Le texte est approuvé si au moins deux tiers des votes exprimés sont « pour ». Les abstentions ne comptent pas.",
      unanimite: "Le texte est approuvé si personne ne vote « contre » et si au moins une personne vote « pour ». On peut s'abstenir.",
    },
    quorum: "Quorum (en %)",
    quorumHint:
      "La part des votants qui doivent participer pour que le vote compte. Par exemple 50 : au moins la moitié des votants.",
    quorumInvalid: "Saisissez un nombre entier entre 0 et 100.",
    closesAt: "Fin du vote",
    closesAtHint:
      "Dans les 90 jours. Le vote se termine à cette date, même si personne n'est connecté. Vous pourrez aussi le clore plus tôt.",
    closesAtInvalid: "Choisissez une date et une heure à venir, dans les 90 jours.",
    secret: "Vote à bulletin secret",
    secretHint: "Chacun voit qui a voté, mais pas ce que les autres ont voté.",
    everyCollege: "La règle doit être respectée dans chaque collège",
    everyCollegeHint: "En plus du résultat global (double majorité).",
    submit: "Figer le dossier",
    confirmTitle: "Figer le dossier ?",
    confirmText:
      "Les réponses passeront en lecture seule pour tout le monde, tout de suite, même pour les personnes en train d'écrire. Le collectif votera l'approbation finale de ce texte jusqu'au {{date}}.",
    confirmReopen: "Pour modifier le texte ensuite, il faudra une décision de rouvrir le dossier.",
    confirmMissing_one:
      "Attention : {{count}} question obligatoire n'a pas de réponse. Le dossier ne pourra pas être déposé ainsi.",
    confirmMissing_other:
      "Attention : {{count}} questions obligatoires n'ont pas de réponse. Le dossier ne pourra pas être déposé ainsi.",
    confirm: "Oui, figer le dossier",
    done: "Le dossier est figé. Le vote d'approbation finale est ouvert.",
  },
  reopen: {
    heading: "Rouvrir le dossier",
    intro: "Pour modifier de nouveau les réponses, le collectif doit d'abord adopter une décision de rouvrir le dossier.",
    ready: "Le collectif a adopté la décision de rouvrir le dossier.",
    notReady: "Aucune décision de rouvrir le dossier n'est adoptée pour l'instant.",
    propose: "Proposer une décision pour rouvrir le dossier",
    button: "Rouvrir le dossier",
    confirmTitle: "Rouvrir le dossier ?",
    confirmText:
      "Les réponses redeviendront modifiables pour tout le monde. Le vote d'approbation finale en cours sera annulé. Il faudra figer le dossier de nouveau avant de le déposer.",
    confirm: "Oui, rouvrir le dossier",
    done: "Le dossier est rouvert : tout le monde peut de nouveau écrire.",
  },
  submit: {
    heading: "Déposer le dossier",
    intro:
      "Le dépôt est définitif : plus personne ne pourra modifier le dossier. Vous recevrez un reçu avec l'empreinte du texte et celle du registre.",
    button: "Déposer le dossier",
    confirmTitle: "Déposer le dossier ?",
    confirmText:
      "Le dossier deviendra définitif : plus personne ne pourra le modifier. Le dépôt sera inscrit au registre des décisions.",
    confirm: "Oui, déposer le dossier",
    refused: "Le dossier ne peut pas encore être déposé. Il manque :",
    done: "Le dossier est déposé. Voici le reçu.",
  },
  receipt: {
    heading: "Reçu de dépôt",
    intro:
      "Gardez ce reçu. Avec l'empreinte du registre, chacun pourra vérifier plus tard que le registre n'a pas été réécrit.",
    submittedAt: "Déposé le",
    submittedBy: "Par",
    contentHash: "Empreinte du texte déposé",
    registerHead: "Empreinte du registre (entrée n° {{sequence}})",
    copyContent: "Copier l'empreinte du texte",
    copyHead: "Copier l'empreinte du registre",
    copied: "Empreinte copiée.",
    copyFailed: "Copie impossible : sélectionnez l'empreinte et copiez-la à la main.",
    registerLink: "Voir le registre des décisions",
    packageHeading: "Le dossier déposé, scellé",
    packageIntro:
      "Ces fichiers ont été produits et scellés au moment du dépôt : chaque téléchargement redonne exactement les mêmes octets, vérifiables par leur empreinte SHA-256.",
    size: "{{kb}} ko",
    files: {
      dossier_docx: "Dossier au format Word (DOCX)",
      dossier_pdf: "Dossier au format PDF",
      registre_json: "Registre des décisions (JSON)",
      recu_json: "Reçu (JSON, pour la vérification)",
      recu_pdf: "Reçu (PDF)",
    },
  },
  errors: {
    no_actions: "Ajoutez au moins une action avant de figer le dossier.",
    poll_open: "Un vote sur l'ordre de priorité est encore ouvert : clôturez-le avant de figer le dossier.",
    order_decision_open:
      "Une décision sur l'ordre de priorité est encore ouverte : clôturez-la avant de figer le dossier.",
    dossier_not_draft: "Le dossier n'est plus en brouillon : il a déjà été figé ou déposé.",
    dossier_not_frozen: "Le dossier n'est pas figé : il ne peut pas être rouvert.",
    reopen_needs_decision:
      "Pour rouvrir le dossier, il faut d'abord une décision de rouvrir adoptée depuis qu'il a été figé.",
    dossier_submitted: "Le dossier est déjà déposé.",
    deadline_in_past: "La date de fin du vote doit être à venir.",
    deadline_too_far: "La date de fin du vote doit être dans les 90 jours.",
    invalid_deadline: "La date de fin du vote n'est pas valide.",
  },
} as const;

export default lifecycle;
