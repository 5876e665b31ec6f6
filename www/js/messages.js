// What the person is told for each stable error code, in Japanese and English.
// From docs/error-codes.md ("what the user should do"); where that column is "—" (a problem on
// the service's side), a short plain statement of the meaning. The codes of the backend
// (nonces, requests, availability) are the server's. Keep this in step with the table: the
// end-to-end test fails if a code of docs/error-codes.md has no text here.

export const MESSAGES = {
  JPKI_MALFORMED: {
    ja: "カードから読み取ったデータの形式が正しくありません。もう一度カードを読み取ってください。繰り返す場合はカードまたはアプリの不具合の可能性があります。",
    en: "The data read from the card is not in the right form. Read the card again; if it repeats, the card or app may be faulty.",
  },
  JPKI_INPUT_TOO_LARGE: {
    ja: "データが大きすぎます。公式の手順でやり直してください（JPKI の証明書は約 1.5 KB です）。",
    en: "The data is too large. Retry from the official app; a JPKI certificate is about 1.5 KB.",
  },
  JPKI_UNSUPPORTED_ALGORITHM: {
    ja: "対応していない方式です。サービスにお問い合わせください。カードやアプリが新しい方式の可能性があります。",
    en: "This method is not supported. Contact the service; your card or app may be newer than the service supports.",
  },
  JPKI_ANCHOR_PIN_MISMATCH: {
    ja: "サービス側の設定に問題があります（信頼する認証局の確認に失敗）。サービスにお問い合わせください。",
    en: "The service is misconfigured (a trusted certification authority did not match its fingerprint). Contact the service.",
  },
  JPKI_ANCHOR_INVALID: {
    ja: "サービス側の設定に問題があります（信頼する認証局の証明書が不正）。サービスにお問い合わせください。",
    en: "The service is misconfigured (a trusted certification authority certificate is not valid). Contact the service.",
  },
  JPKI_ALGORITHM_NOT_ALLOWED: {
    ja: "許可されていない署名方式です。公式アプリでやり直してください。偽造または古い形式の可能性があります。",
    en: "This signature method is not allowed. Use the official app; this looks like a forged or outdated assertion.",
  },
  JPKI_WEAK_KEY: {
    ja: "この証明書は使えません（鍵の長さが不足）。市区町村窓口で更新してください。",
    en: "Your certificate cannot be used (its key is too short); renew it at your municipality.",
  },
  JPKI_SIGNATURE_INVALID: {
    ja: "署名を確認できませんでした。最初からやり直してください。データは編集しないでください。",
    en: "The signature could not be verified. Try again from the start; do not edit the data.",
  },
  JPKI_CHAIN_UNTRUSTED: {
    ja: "信頼できる発行元の証明書ではありません。J-LIS が発行したマイナンバーカードの証明書を使ってください。",
    en: "The certificate is not from a trusted issuer. Use a My Number Card certificate issued by J-LIS.",
  },
  JPKI_TEST_ANCHOR_REFUSED: {
    ja: "テスト用の証明書は、このサービスでは使えません。実際のマイナンバーカードを使ってください。",
    en: "Test certificates are not accepted by this service. Use a real My Number Card.",
  },
  JPKI_CERT_EXPIRED: {
    ja: "電子証明書の有効期限が切れています。市区町村窓口で電子証明書を更新してください（発行後5回目の誕生日まで有効）。",
    en: "The certificate has expired. Renew your certificate at your municipality (certificates expire at the 5th birthday after issue).",
  },
  JPKI_CERT_NOT_YET_VALID: {
    ja: "電子証明書がまだ有効になっていません。時間をおいて再度お試しください。",
    en: "The certificate is not valid yet. Try again later.",
  },
  JPKI_WRONG_CERTIFICATE_KIND: {
    ja: "電子証明書の種類が違います。画面の案内に従ってください。口座開設では署名用パスワード（英数字6〜16桁）を使います。",
    en: "This is the wrong kind of certificate. Follow the instructions: account opening asks for the 6–16 character signature password.",
  },
  JPKI_POLICY_MISMATCH: {
    ja: "マイナンバーカードの証明書ではありません。マイナンバーカードの証明書を使ってください。",
    en: "This is not a My Number Card certificate. Use a My Number Card certificate.",
  },
  JPKI_KEY_USAGE: {
    ja: "この用途には使えない証明書です。マイナンバーカードの証明書を使ってください。",
    en: "This certificate cannot be used for this purpose. Use a My Number Card certificate.",
  },
  JPKI_UNKNOWN_CRITICAL_EXTENSION: {
    ja: "この証明書にはサービスが処理できない情報が含まれています。サービスにお問い合わせください。",
    en: "The certificate contains information the service cannot process. Contact the service.",
  },
  JPKI_AUDIENCE_MISMATCH: {
    ja: "別のサービス向けの署名です。このサービスのページから最初からやり直してください。",
    en: "This signature was made for another service. Start again from this service's own page.",
  },
  JPKI_NONCE_MISMATCH: {
    ja: "確認用の番号（チャレンジ）が一致しません。最初からやり直してください（毎回新しいチャレンジを使います）。",
    en: "The challenge does not match. Start again; each attempt uses a new challenge.",
  },
  JPKI_PURPOSE_MISMATCH: {
    ja: "署名の目的が違います。正しい画面から最初からやり直してください。",
    en: "The signature was made for another purpose. Start again from the right screen.",
  },
  JPKI_ASSERTION_EXPIRED: {
    ja: "署名の有効時間を過ぎました。もう一度署名してください（有効時間は数分です）。",
    en: "The signature has expired. Sign again; an assertion is valid for a few minutes.",
  },
  JPKI_ASSERTION_NOT_YET_VALID: {
    ja: "署名の時刻が未来になっています。端末の時刻を確認してから、もう一度署名してください。",
    en: "The signature is dated in the future. Check your device's clock, then sign again.",
  },
  JPKI_REVOKED: {
    ja: "電子証明書は失効しています。転居・氏名変更などで失効します。市区町村窓口で署名用電子証明書を再発行してください。",
    en: "The certificate is revoked. Moves and name changes revoke it: renew the signature certificate at your municipality.",
  },
  JPKI_REVOCATION_UNCHECKED: {
    ja: "電子証明書の失効確認ができませんでした。時間をおいて再度お試しください。",
    en: "The certificate's revocation status could not be checked. Try again later.",
  },
  JPKI_REVOCATION_SOURCE_INVALID: {
    ja: "失効情報を確認できませんでした。時間をおいて再度お試しください。",
    en: "The revocation information could not be used. Try again later.",
  },
  JPKI_REVOCATION_STALE: {
    ja: "失効情報が古いため確認できませんでした。時間をおいて再度お試しください。",
    en: "The revocation information is out of date. Try again later.",
  },
  JPKI_BUDGET_EXCEEDED: {
    ja: "データが処理の上限を超えました。公式の手順でやり直してください。",
    en: "The data exceeded a processing limit. Retry from the official app.",
  },
  JPKI_FORMAT_UNAVAILABLE: {
    ja: "サービス側の処理に問題が発生しました。時間をおいて再度お試しください。",
    en: "The service made an error. Try again later.",
  },
  JPKI_INVALID_OPTIONS: {
    ja: "サービス側の処理に問題が発生しました。時間をおいて再度お試しください。",
    en: "The service made an error. Try again later.",
  },
  JPKI_PIN_INCORRECT: {
    ja: "暗証番号またはパスワードが違います。入力を確認してから再試行してください。回数を使い切るとロックされます（利用者証明用3回、署名用5回）。",
    en: "The PIN or password was wrong. Check it carefully before trying again: the card locks after the last try (auth PIN 3 tries, signature password 5).",
  },
  JPKI_PIN_BLOCKED: {
    ja: "暗証番号またはパスワードがロックされています。カードを持って市区町村窓口で初期化してください。",
    en: "The PIN or password is blocked. Reset it at your municipality's office (bring the card).",
  },
  JPKI_PIN_LAST_TRY_GUARD: {
    ja: "残り1回のため、カードに送信していません。確実な場合のみ、最後の1回の使用を確認してください。不安な場合は市区町村窓口で初期化してください。",
    en: "Only one try is left, so nothing was sent to the card. If you are sure, confirm to use your last try; otherwise reset it at your municipality.",
  },
  JPKI_PIN_FORMAT: {
    ja: "形式が違います（利用者証明用: 数字4桁、署名用: 英字と数字6〜16桁）。入力し直してください（回数は減っていません）。",
    en: "The format is wrong (auth PIN: 4 digits; signature password: 6–16 letters and digits). Re-enter it; no try was used.",
  },
  JPKI_CARD_IO: {
    ja: "カードまたはリーダーでエラーが発生しました。カードをリーダーに置き直し、動かさずにお待ちください。",
    en: "The card or reader failed. Place the card on the reader again and hold it still.",
  },
  JPKI_MYNUMBER_REFUSED: {
    ja: "マイナンバーに到達する操作を拒否しました（このサービスはマイナンバーを読み取りません）。サービスにお問い合わせください。",
    en: "An operation that would reach the My Number was refused (this service never reads it). Contact the service.",
  },
  JPKI_READER_NOT_FOUND: {
    ja: "カードリーダーが見つかりません。PaSoRi が USB に接続されているか確認してください（窓口では係員をお呼びください）。",
    en: "No card reader was found. Check that the PaSoRi is plugged in (at a branch, call a member of staff).",
  },
  JPKI_READER_BUSY: {
    ja: "カードリーダーを他のソフトウェアが使用中です。ほかのタブやアプリを閉じてからお試しください（窓口では係員をお呼びください）。",
    en: "Another program is using the card reader. Close other tabs or apps and try again (at a branch, call a member of staff).",
  },
  JPKI_READER_UNPLUGGED: {
    ja: "カードリーダーの接続が切れました。USB ケーブルを確認し、接続し直してください。",
    en: "The card reader was disconnected. Check the USB cable and plug it in again.",
  },
  JPKI_READER_TIMEOUT: {
    ja: "カードリーダーの応答がありません。カードを置き直してもう一度お試しください。",
    en: "The card reader did not answer. Place the card again and retry.",
  },
  JPKI_READER_PROTOCOL: {
    ja: "カードとの通信に失敗しました。カードをリーダーの中央に置き、動かさずにもう一度お試しください。",
    en: "Communication with the card failed. Place the card in the middle of the reader, hold it still and retry.",
  },
  JPKI_NO_CARD: {
    ja: "カードが見つかりません。マイナンバーカードをリーダーの上に置いてください。",
    en: "No card was found. Place your My Number Card on the reader.",
  },
  JPKI_CARD_REMOVED: {
    ja: "読み取り中にカードが離れました。カードをリーダーに置き直してください。暗証番号の確認中だった場合は、残り回数を確認してから再入力をお願いします。",
    en: "The card was moved away during the read. Place it on the reader again. If it happened while checking your PIN, the remaining tries are shown again before you re-enter it.",
  },
  JPKI_SMARTPHONE_NOT_ALLOWED: {
    ja: "この金融機関では、スマートフォン用電子証明書での口座開設を受け付けていません。マイナンバーカード本体をかざしてやり直してください。",
    en: "This bank does not accept the smartphone certificate for account opening. Start again holding your My Number Card itself to the reader or phone.",
  },
  JPKI_RENEWAL_UNLINKED: {
    ja: "新しい電子証明書を、お客さまの口座に結び付ける確認ができませんでした。口座はそのままです。金融機関にお問い合わせください。",
    en: "Your new certificate could not be linked to your account. Your account is unchanged; please contact the bank.",
  },
  JPKI_NO_LINKED_CUSTOMER: {
    ja: "このカードの電子証明書は、この金融機関の口座に結び付いていません。先に口座開設、または新しいカードでの更新手続きをしてください。",
    en: "This card's certificate is not linked to an account at this bank. Open an account first, or renew with your new card.",
  },
  JPKI_SESSION_INVALID: {
    ja: "ログインの有効期限が切れました。もう一度カードでログインしてください。",
    en: "Your login has expired. Log in again with your card.",
  },
  JPKI_HANDOFF_UNKNOWN: {
    ja: "この引き継ぎは見つかりません。元の画面でもう一度「スマートフォンで続ける」を押してください。",
    en: "This hand-off was not found. Press \"Continue on my phone\" again on the first screen.",
  },
  JPKI_HANDOFF_USED: {
    ja: "この引き継ぎはすでに使われています（1 回だけ使えます）。元の画面でやり直してください。",
    en: "This hand-off was already used (single use). Start again on the first screen.",
  },
  JPKI_HANDOFF_EXPIRED: {
    ja: "引き継ぎの有効期限が切れました。元の画面でやり直してください。",
    en: "The hand-off expired. Start again on the first screen.",
  },
  JPKI_HANDOFF_WRONG_SESSION: {
    ja: "この引き継ぎは別の手続きのものです。元の画面でやり直してください。",
    en: "This hand-off belongs to another session. Start again on the first screen.",
  },
  JPKI_IO: {
    ja: "ファイルの読み書きに失敗しました。",
    en: "A file could not be read or written.",
  },
  JPKI_INTERNAL: {
    ja: "サービス内部で問題が発生しました。時間をおいて再度お試しください。",
    en: "Something went wrong inside the service. Try again later.",
  },
  // The backend's codes.
  JPKI_NONCE_UNKNOWN: {
    ja: "このチャレンジはサービスが発行したものではありません。最初からやり直してください。",
    en: "The service did not issue this challenge. Start again.",
  },
  JPKI_NONCE_REUSED: {
    ja: "このチャレンジはすでに使用されています（同じ署名は一度しか送れません）。最初からやり直してください。",
    en: "This challenge has already been used (a signature can be sent only once). Start again.",
  },
  JPKI_NONCE_EXPIRED: {
    ja: "チャレンジの有効時間を過ぎました。最初からやり直してください。",
    en: "The challenge has expired. Start again.",
  },
  JPKI_BAD_REQUEST: {
    ja: "送信内容に誤りがあります。最初からやり直してください。",
    en: "The request was not valid. Start again.",
  },
  JPKI_UNAUTHORIZED: {
    ja: "ログインできませんでした。利用者証明用電子証明書でもう一度ログインしてください。",
    en: "You could not be logged in. Log in again with your authentication certificate.",
  },
  JPKI_RATE_LIMITED: {
    ja: "短い間に多くの要求がありました。少し待ってからやり直してください。",
    en: "Too many requests in a short time. Wait a moment and try again.",
  },
  JPKI_ORIGIN_REFUSED: {
    ja: "このページからは受け付けられません。サービスのページを開き直してください。",
    en: "This page cannot send that request. Open the service's own page and try again.",
  },
  JPKI_METHOD_NOT_ALLOWED: {
    ja: "この操作は受け付けられませんでした。ページを再読み込みしてやり直してください。",
    en: "That request is not accepted here. Reload the page and try again.",
  },
  JPKI_NOT_FOUND: {
    ja: "お探しの情報は見つかりませんでした。",
    en: "What you asked for was not found.",
  },
  JPKI_UNAVAILABLE: {
    ja: "サービスに接続できません。時間をおいて再度お試しください。",
    en: "The service cannot be reached. Try again later.",
  },
};

/** The person's text for `code` in `lang` ("ja" | "en"); a generic text for an unknown code. */
export function userMessage(code, lang) {
  const entry = MESSAGES[code];
  if (entry) return entry[lang] ?? entry.en;
  return lang === "ja"
    ? "エラーが発生しました。最初からやり直してください。"
    : "An error occurred. Please start again.";
}
