const FR = {
  title: "Paiement",
  test: "MODE TEST",
  close: "Fermer",
  back: "Retour",
  loading: "Chargement…",
  country: "Choisissez votre pays",
  method: "Choisissez votre moyen de paiement",
  phone: "Numéro de téléphone",
  badPhone: "Numéro invalide pour ce pays (ex. {x})",
  operator: "Opérateur : {x}",
  pay: "Payer {x}",
  redirectHint: "Vous allez finir le paiement sur la page sécurisée de l'opérateur.",
  ussd: "Confirmez le paiement sur votre téléphone",
  ussdHelp: "Une demande a été envoyée au {x}. Saisissez votre code secret sur le téléphone pour valider.",
  otp: "Code de confirmation",
  otpHelp: "Saisissez le code à usage unique reçu par SMS.",
  otpSubmit: "Valider le code",
  badOtp: "Code incorrect. Réessayez.",
  waiting: "Terminez le paiement dans la fenêtre ouverte.",
  reopen: "Rouvrir la fenêtre de paiement",
  blocked: "Votre navigateur a bloqué la fenêtre de paiement.",
  onPage: "Terminez le paiement sur la page de paiement",
  onPageHelp: "Ce moyen de paiement se valide sur la page sécurisée de l'opérateur : ouvrez-la, puis revenez ici.",
  openPage: "Ouvrir la page de paiement",
  iPaid: "J'ai effectué le paiement",
  checking: "Vérification du paiement…",
  success: "Paiement réussi",
  ref: "Référence : {x}",
  failed: "Le paiement n'a pas abouti",
  retry: "Réessayer avec un autre moyen",
  expired: "Le délai de paiement est dépassé",
  restart: "Recommencer",
  error: "Une erreur est survenue. Réessayez.",
  busy: "Un paiement est déjà en cours.",
  closed: "Cette session de paiement est terminée.",
  card: "Carte bancaire",
  cancel: "Annuler le paiement",
  otpTitle: "Validez avec un code",
  elsewhere: "Un paiement est déjà en cours pour cette commande",
  elsewhereHelp: "Terminez-le là où vous l'avez commencé (votre téléphone, une autre fenêtre). Cette page suit son résultat.",
  cancelled: "Paiement annulé",
  unavailable: "Ce moyen de paiement ne répond pas pour le moment. Réessayez dans un instant ou choisissez-en un autre.",
  offline: "Connexion perdue. Vérifiez votre réseau et réessayez.",
  reconnecting: "Connexion perdue, nouvelle tentative…",
  reconnected: "Connexion rétablie.",
  shop: "Retour à la boutique",
  ussdWait: "Rien reçu ? Patientez un peu : une demande non validée est annulée, et vous pourrez alors réessayer.",
  popupClosed: "La fenêtre de paiement a été fermée.",
  popupClosedHelp: "Rouvrez-la pour terminer le paiement, ou confirmez si vous l'avez déjà effectué.",
  tryAgain: "Réessayer",
  orangeOtp: "Composez le #144*82# sur votre ligne Orange Money pour obtenir un code de paiement, puis saisissez-le ici.",
  sandboxOtp: "(bac à sable : 123456)",
};
export type Strings = typeof FR;

const EN: Strings = {
  title: "Payment",
  test: "TEST MODE",
  close: "Close",
  back: "Back",
  loading: "Loading…",
  country: "Choose your country",
  method: "Choose how to pay",
  phone: "Phone number",
  badPhone: "Not a valid number for this country (e.g. {x})",
  operator: "Operator: {x}",
  pay: "Pay {x}",
  redirectHint: "You will finish the payment on the provider's secure page.",
  ussd: "Confirm the payment on your phone",
  ussdHelp: "A request was sent to {x}. Enter your PIN on the phone to approve it.",
  otp: "Confirmation code",
  otpHelp: "Enter the one-time code you received by SMS.",
  otpSubmit: "Confirm code",
  badOtp: "Wrong code. Try again.",
  waiting: "Complete the payment in the window that opened.",
  reopen: "Reopen the payment window",
  blocked: "Your browser blocked the payment window.",
  onPage: "Finish the payment on the payment page",
  onPageHelp: "This way to pay is approved on the provider's secure page: open it, then come back here.",
  openPage: "Open the payment page",
  iPaid: "I've completed the payment",
  checking: "Checking the payment…",
  success: "Payment successful",
  ref: "Reference: {x}",
  failed: "The payment did not go through",
  retry: "Try another way to pay",
  expired: "The payment timed out",
  restart: "Start over",
  error: "Something went wrong. Please try again.",
  busy: "A payment is already in progress.",
  closed: "This checkout has ended.",
  card: "Card",
  cancel: "Cancel payment",
  otpTitle: "Confirm with a code",
  elsewhere: "A payment for this order is already under way",
  elsewhereHelp: "Finish it where you started it (your phone, another window). This page follows its outcome.",
  cancelled: "Payment cancelled",
  unavailable: "This way to pay is not answering right now. Try again in a moment, or choose another.",
  offline: "Connection lost. Check your network and try again.",
  reconnecting: "Connection lost, retrying…",
  reconnected: "Connection restored.",
  shop: "Back to the shop",
  ussdWait: "Nothing on your phone? Give it a moment: a request nobody approves is cancelled, and you can then try again.",
  popupClosed: "The payment window was closed.",
  popupClosedHelp: "Reopen it to finish paying, or confirm if you already have.",
  tryAgain: "Try again",
  orangeOtp: "Dial #144*82# on your Orange Money line to get a payment code, then enter it here.",
  sandboxOtp: "(sandbox: 123456)",
};

export function strings(locale: "fr" | "en"): Strings {
  return locale === "fr" ? FR : EN;
}

/** `fr` when asked, or when the browser prefers French; else `en`. */
export function pickLocale(wanted?: string | null): "fr" | "en" {
  if (wanted === "fr" || wanted === "en") return wanted;
  const langs = typeof navigator === "undefined" ? [] : navigator.languages || [navigator.language];
  return langs.some((l) => /^fr\b/i.test(l)) ? "fr" : "en";
}

export const fill = (s: string, x: string) => s.replace("{x}", x);

/** Minor units → "2 500 F CFA" / "F CFA 2,500" (fr-FR / en-US), the currency's own exponent from Intl. */
export function money(amount: number, currency: string, locale: "fr" | "en"): string {
  const fmt = new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-US", { style: "currency", currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 0;
  return fmt.format(amount / 10 ** digits);
}
