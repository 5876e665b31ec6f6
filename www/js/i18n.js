// The page's texts in Japanese (default) and English, and the language switch.
// Static elements carry data-i18n="key" (text) and data-i18n-args='{"n":4}' (placeholders);
// applyTexts() renders them all again whenever the language changes.

const TEXTS = {
  "app.title": ["口座開設 — jpki-verify デモ銀行", "Open an account — jpki-verify Demo Bank"],
  "skip": ["本文へ移動", "Skip to content"],
  "brand": ["jpki-verify デモ銀行", "jpki-verify Demo Bank"],
  "brand.sub": ["マイナンバーカードでオンライン口座開設", "Open an account online with your My Number Card"],
  "nav.label": ["メニュー", "Menu"],
  "nav.open": ["口座開設", "Open an account"],
  "nav.audit": ["確認履歴", "Who verified me"],
  "nav.login": ["ログイン", "Log in"],
  "lang.label": ["言語 / Language", "Language / 言語"],
  "banner.test": ["TEST PKI — テスト用の認証局です。実際のマイナンバーカードではありません", "TEST PKI — not a real card"],
  "banner.test.detail": [
    "このサーバーはテスト用認証局の証明書だけを受け付けます。実在の人物の情報は扱いません。",
    "This server accepts only the test PKI's certificates; no real person's data is involved.",
  ],
  "progress.label": ["手続きの進み具合", "Progress"],
  "progress.consent": ["同意", "Consent"],
  "progress.reader": ["読み取り方法", "Card reader"],
  "progress.pin.sign": ["パスワード", "Password"],
  "progress.pin.auth": ["暗証番号", "PIN"],
  "progress.review": ["送信内容の確認", "Review"],
  "progress.result": ["完了", "Done"],
  "progress.auditIntro": ["説明", "About"],
  "progress.trail": ["確認履歴", "History"],
  "progress.session": ["ログイン中", "Logged in"],
  "progress.current": ["（現在のステップ）", " (current step)"],

  "status.config": ["設定を読み込んでいます…", "Loading the settings…"],
  "status.tries": ["カードの残り回数を確認しています…", "Checking the tries left on the card…"],
  "status.verifyPin": ["カードで確認しています…", "Checking with the card…"],
  "status.challenge": ["銀行からチャレンジを受け取っています…", "Getting a challenge from the bank…"],
  "status.readAuth": ["利用者証明用電子証明書を読み取っています…", "Reading the authentication certificate…"],
  "status.signing": ["カードで署名しています…", "The card is signing…"],
  "status.precheck": ["ブラウザで署名を事前確認しています…", "Pre-checking the signature in this browser…"],
  "status.sending": ["銀行に送信しています…", "Sending to the bank…"],
  "status.audit": ["確認履歴を取得しています…", "Getting your verification history…"],
  "status.session": ["ログインしています…", "Logging in…"],
  "status.readers": ["カードリーダーを探しています…", "Looking for card readers…"],
  "status.connect": ["カードリーダーに接続しています…", "Connecting to the card reader…"],
  "status.placeCard": ["カードを待っています…", "Waiting for the card…"],
  "status.done": ["完了しました。", "Done."],
  "status.error": ["エラーが発生しました。", "An error occurred."],

  "consent.h": ["本人確認への同意", "Consent to identity verification"],
  "consent.lead": [
    "口座開設では、犯罪による収益の移転防止に関する法律（犯罪収益移転防止法）に基づく本人確認（取引時確認）を、マイナンバーカードの署名用電子証明書（公的個人認証サービス、JPKI）で行います。",
    "To open an account, the bank must verify your identity under the Act on Prevention of Transfer of Criminal Proceeds (犯罪収益移転防止法). It does so with the signature certificate on your My Number Card (JPKI, the public personal authentication service).",
  ],
  "consent.read.h": ["読み取る情報", "What will be read"],
  "consent.read.1": [
    "署名用電子証明書に記録された基本4情報：氏名・住所・生年月日・性別",
    "From the signature certificate, the 4 basic information: name, address, date of birth and sex",
  ],
  "consent.read.2": [
    "署名用電子証明書のシリアル番号（発行番号）・発行者・有効期間",
    "The signature certificate's serial number, issuer and validity period",
  ],
  "consent.read.3": [
    "利用者証明用電子証明書（氏名などの個人情報は含まれません）。あとでご自身が「確認履歴」にログインできるよう、この手続きと結び付けるために使います。",
    "The authentication certificate (it holds no name or other personal details), to link this application to you so that you can later log in and see who verified you.",
  ],
  "consent.notread.h": ["読み取らない情報", "What will not be read"],
  "consent.notread.1": [
    "マイナンバー（個人番号）は読み取りません。読み取りに使うソフトウェアは、マイナンバーに届く命令をカードに送る前に拒否します。",
    "Your My Number (individual number) is never read: the software refuses any command that would reach it before it gets to the card.",
  ],
  "consent.why.h": ["利用目的", "Why"],
  "consent.why.1": [
    "口座開設時の本人確認のためです。確認した情報と署名済みのデータは、法令に基づく確認記録として当行が保存します。",
    "To verify your identity for opening the account. The bank keeps the verified information and the signed data as the verification record the law requires.",
  ],
  "consent.need.h": ["必要なもの", "What you need"],
  "consent.need.1": [
    "マイナンバーカードと、署名用電子証明書のパスワード（英数字6〜16桁）。5回続けて間違えるとロックされ、市区町村窓口での初期化が必要になります。",
    "Your My Number Card and its signature certificate password (6–16 letters and digits). Five wrong entries in a row lock it; it must then be reset at your municipality's office.",
  ],
  "consent.check": [
    "上記の内容を確認し、本人確認のための読み取りと送信に同意します",
    "I have read the above and agree to this information being read and sent for identity verification",
  ],
  "consent.continue": ["同意して次へ", "Agree and continue"],
  "consent.required": ["続けるには、同意のチェックボックスを選択してください。", "To continue, tick the consent box."],

  "reader.h": ["カードの読み取り方法", "How the card is read"],
  "reader.legend": ["読み取り方法を選んでください", "Choose how the card is read"],
  "reader.virtual": ["仮想カード（テスト用 PKI）", "Virtual card (test PKI)"],
  "reader.virtual.desc": [
    "このページの中で動くソフトウェアのカードです。テスト用認証局の鍵を持ち、実在の人物の情報は含みません。",
    "A software card running in this page. It holds keys of the test PKI, never a real person's data.",
  ],
  "reader.virtual.jlisOnly": [
    "このサーバーは本番の認証局（J-LIS）だけを信頼するため、仮想カードは使えません。",
    "This server trusts only the production CAs (J-LIS), so the virtual card cannot be used.",
  ],
  "reader.persona": ["テスト用の人物", "Test persona"],
  "persona.taro": ["山田 太郎（有効な証明書）", "Taro Yamada (valid certificates)"],
  "persona.hanako": ["高橋 花子（有効・置き換え文字あり）", "Hanako Takahashi (valid; a substituted character)"],
  "persona.expired": ["有効期限切れの証明書", "Expired certificates"],
  "persona.moved": ["転居済み（署名用電子証明書は失効）", "Moved house (signature certificate revoked)"],
  "persona.iphone": ["スマートフォン（iPhone）の電子証明書", "Smartphone certificate (iPhone)"],
  "reader.pasori": ["PaSoRi（USB 接続のカードリーダー）", "PaSoRi (USB card reader)"],
  "reader.pasori.desc": [
    "USB に接続した Sony PaSoRi（RC-S380）にマイナンバーカードを置いて読み取ります。初回はブラウザーがリーダーの使用許可を求めます（窓口の端末では不要です）。",
    "Reads the My Number Card placed on a Sony PaSoRi (RC-S380) on USB. The first time, the browser asks to allow the reader (not at a branch kiosk).",
  ],
  "reader.pasori.unavailable": [
    "このブラウザーでは WebUSB を使えません（パソコンの Chrome または Edge をお使いください）。",
    "This browser does not offer WebUSB (use Chrome or Edge on a computer).",
  ],
  "reader.smartcard": ["ICカードリーダー（Web Smart Card API）", "Card reader (Web Smart Card API)"],
  "reader.smartcard.desc": [
    "接続したICカードリーダー上のマイナンバーカードを読み取ります。キオスク端末や Isolated Web App など、Web Smart Card API を使えるブラウザでだけ選べます。",
    "Reads the My Number Card on a connected reader. Only in browsers that offer the Web Smart Card API (kiosks, isolated web apps).",
  ],
  "reader.smartcard.unavailable": [
    "このブラウザでは Web Smart Card API を使えません。",
    "This browser does not offer the Web Smart Card API.",
  ],
  "reader.smartcard.select": ["リーダー", "Reader"],
  "reader.smartcard.none": ["リーダーが見つかりません", "No reader found"],
  "reader.note.h": ["そのほかの方法について", "About other ways"],
  "reader.note.nfc": [
    "スマートフォンの Web NFC はマイナンバーカードと通信できません（NDEF タグの読み書きだけに対応しているため）。",
    "Web NFC on phones cannot talk to the My Number Card: it only reads and writes NDEF tags.",
  ],
  "reader.note.usb": [
    "RC-S300 は WebUSB では読み取れません。PC/SC（ICカードリーダーのドライバー）経由でお使いください。",
    "The RC-S300 is not read over WebUSB here: use it through PC/SC (the card-reader driver).",
  ],
  "place.h": ["カードをリーダーに置いてください", "Place your card on the reader"],
  "place.lead": [
    "マイナンバーカードを PaSoRi の上に置き、読み取りが終わるまで動かさないでください。",
    "Put your My Number Card on the PaSoRi and keep it still until reading is finished.",
  ],
  "place.cancel": ["やめる", "Cancel"],
  "place.retry": ["もう一度読み取る", "Try again"],
  "place.reader": ["リーダー: {name}（ファームウェア {fw}）", "Reader: {name} (firmware {fw})"],
  "card.hold": ["カードを離さないでください。読み取り・署名の途中です。", "Do not remove the card: reading and signing are in progress."],
  "card.remove": ["カードの読み取りが終わりました。カードをお取りください。", "The card is done. You can take your card now."],
  "card.removed": ["カードが取り外されました。", "The card was removed."],
  "kiosk.badge": ["窓口端末", "Branch kiosk"],
  "handoff.offer.h": ["この端末にカードリーダーがない場合", "No card reader here?"],
  "handoff.offer.desc": [
    "スマートフォンで続けられます。表示される QR コードを読み取るか、NFC タグにかざしてください。",
    "Continue on your phone: scan the QR code shown next, or tap an NFC tag.",
  ],
  "handoff.start": ["スマートフォンで続ける", "Continue on my phone"],
  "handoff.scan": ["窓口の NFC タグを読み取る", "Read the kiosk's NFC tag"],
  "handoff.h": ["スマートフォンで続けてください", "Continue on your phone"],
  "handoff.lead": [
    "スマートフォンのカメラでこの QR コードを読み取ってください。開いたページに表示される確認コードが、下の番号と同じか確かめてください。",
    "Scan this QR code with your phone's camera. Check that the confirmation code the phone shows is the number below.",
  ],
  "handoff.code": ["確認コード", "Confirmation code"],
  "handoff.url": ["アドレス", "Address"],
  "handoff.expires": ["有効期限: {at}（1 回だけ使えます）", "Valid until {at} (single use)"],
  "handoff.waiting": ["スマートフォンでの読み取りを待っています…", "Waiting for your phone…"],
  "handoff.claimed": ["スマートフォンで手続き中です。", "Continuing on your phone…"],
  "handoff.done": ["スマートフォンで本人確認が完了しました。受付番号: {record}", "Verified on your phone. Record: {record}"],
  "handoff.failed": ["スマートフォンでの本人確認ができませんでした（{code}）。", "Verification on your phone failed ({code})."],
  "handoff.expired": ["有効期限が切れました。もう一度「スマートフォンで続ける」を押してください。", "This code expired. Press \"Continue on my phone\" again."],
  "handoff.cancel": ["やめる", "Cancel"],
  "handoff.write": ["NFC タグに書き込む", "Write to an NFC tag"],
  "handoff.written": ["NFC タグに書き込みました。スマートフォンをタグにかざしてください。", "Written to the tag: tap it with your phone."],
  "handoff.banner": [
    "別の端末から引き継ぎました。確認コード {code} が元の画面の番号と同じか確かめてください。",
    "Continued from another screen. Check that the code {code} is the one on the first screen.",
  ],
  "reader.continue": ["次へ", "Continue"],
  "back": ["戻る", "Back"],

  "pin.h.sign": ["署名用電子証明書のパスワード", "Signature certificate password"],
  "pin.h.auth": ["利用者証明用電子証明書の暗証番号", "Authentication certificate PIN"],
  "pin.lead.sign": [
    "カードが銀行のチャレンジに署名できるよう、署名用電子証明書のパスワードを入力してください。パスワードはカードにだけ送られ、銀行には送信も保存もされません。",
    "Enter your signature certificate password so the card can sign the bank's challenge. The password goes to the card only: it is never sent to the bank or stored.",
  ],
  "pin.lead.auth": [
    "ログインのため、利用者証明用電子証明書の暗証番号（数字4桁）を入力してください。暗証番号はカードにだけ送られます。",
    "To log in, enter your authentication certificate PIN (4 digits). It goes to the card only.",
  ],
  "pin.tries.label": ["カードの残り回数", "Tries left on the card"],
  "pin.tries": ["残り {n} 回", "{n} tries left"],
  "pin.tries.one": ["残り 1 回", "1 try left"],
  "pin.tries.verified": ["確認済み", "Already verified"],
  "pin.tries.unknown": ["—", "—"],
  "pin.label.sign": ["署名用パスワード（英数字6〜16桁）", "Signature password (6–16 letters and digits)"],
  "pin.label.auth": ["暗証番号（数字4桁）", "PIN (4 digits)"],
  "pin.testHint.sign": ["テスト用カードのパスワード：ABC123", "Test card password: ABC123"],
  "pin.testHint.auth": ["テスト用カードの暗証番号：1234", "Test card PIN: 1234"],
  "pin.lastTry.h": ["残りは最後の1回です", "This is your last try"],
  "pin.lastTry.text": [
    "次に間違えるとカードがロックされ、市区町村窓口で初期化するまで使えなくなります。確実でない場合は入力せず、窓口で初期化してください。",
    "If this entry is wrong, the card locks and cannot be used until it is reset at your municipality's office. If you are not sure, do not try: have it reset instead.",
  ],
  "pin.lastTry.check": [
    "間違えるとカードがロックされることを理解しました",
    "I understand the card locks if this is wrong",
  ],
  "pin.submit.sign": ["カードで署名する", "Sign with the card"],
  "pin.submit.auth": ["ログイン", "Log in"],

  "review.h": ["送信内容の確認", "Check what will be sent"],
  "review.lead": [
    "カードが署名しました。ブラウザでの事前確認の結果と、銀行に送信する内容です。よろしければ「送信する」を押してください。",
    "The card has signed. Here is the browser's pre-check and what will be sent to the bank. If it is right, press Send.",
  ],
  "review.precheck": ["ブラウザでの事前確認", "Pre-check in this browser"],
  "review.precheck.ok": ["署名・電子証明書・チャレンジを確認しました", "Signature, certificate and challenge checked"],
  "review.precheck.ng": ["事前確認で問題が見つかったため、送信できません。", "The pre-check found a problem, so nothing can be sent."],
  "review.revocation": [
    "失効の確認はブラウザでは行いません（銀行のサーバーが扱います）。",
    "Revocation is not checked in the browser (the bank's server handles it).",
  ],
  "review.identity.h": ["基本4情報", "The 4 basic information"],
  "review.cert.h": ["署名用電子証明書", "Signature certificate"],
  "review.claims.h": ["署名した内容", "What was signed"],
  "review.jws": ["署名済みデータ（JWS コンパクト形式）を表示", "Show the signed data (compact JWS)"],
  "review.send": ["送信する", "Send"],
  "review.cancel": ["やり直す", "Start again"],
  "substituted.note": [
    "下線の文字は、J-LIS が外字の代わりに置き換えた文字です。登録内容と照合するときは注意が必要です。",
    "Underlined characters were substituted by J-LIS for characters outside its character set; take care when comparing with other records.",
  ],

  "field.name": ["氏名", "Name"],
  "field.address": ["住所", "Address"],
  "field.dob": ["生年月日", "Date of birth"],
  "field.sex": ["性別", "Sex"],
  "field.serial": ["シリアル番号（発行番号）", "Serial number"],
  "field.token": ["電子証明書の格納先", "Certificate held on"],
  "token.card": ["マイナンバーカード", "My Number Card"],
  "token.smartphone": ["スマートフォン（スマホ用電子証明書）", "Smartphone (smartphone JPKI certificate)"],
  "token.unknown": ["不明", "Unknown"],
  "field.issuer": ["発行者", "Issuer"],
  "field.validity": ["有効期間", "Validity"],
  "field.audience": ["宛先（この銀行）", "Audience (this bank)"],
  "field.purpose": ["目的", "Purpose"],
  "field.signedAt": ["署名時刻", "Signed at"],
  "field.expires": ["署名の有効期限", "Signature valid until"],
  "field.recordId": ["受付番号（記録ID）", "Reference (record ID)"],
  "field.eventId": ["確認イベントID", "Verification event ID"],
  "field.revocation": ["失効確認", "Revocation check"],
  "field.revocationSource": ["確認元", "Checked against"],
  "field.verifiedAt": ["確認日時", "Verified at"],
  "sex.male": ["男性", "Male"],
  "sex.female": ["女性", "Female"],
  "sex.unknown": ["不明", "Unknown"],
  "purpose.account-opening": ["口座開設", "Account opening"],
  "purpose.login": ["ログイン", "Login"],
  "purpose.sign": ["署名", "Signing"],
  "revocation.unchecked": ["未確認", "Not checked"],
  "revocation.good": ["有効（失効していません）", "Good (not revoked)"],
  "revocation.revoked": ["失効", "Revoked"],
  "revocation.unknown": ["不明", "Unknown"],

  "result.h.ok": ["本人確認が完了しました", "Your identity has been verified"],
  "result.h.ng": ["本人確認ができませんでした", "Your identity could not be verified"],
  "result.lead.ok": [
    "銀行が署名と電子証明書を確認しました。受付番号を控えてください。",
    "The bank verified the signature and the certificate. Please note your reference.",
  ],
  "result.verified.h": ["確認された基本4情報", "Verified 4 basic information"],
  "result.revocation.note": [
    "このデモサーバーは、失効確認をしないままの受付を許可する設定で動いています。本番では J-LIS またはプラットフォーム事業者による失効確認が必要で、それがない口座開設は犯罪収益移転防止法上の本人確認として不完全です。",
    "This demo server runs with unchecked revocation allowed. In production the bank must check revocation with J-LIS or a platform operator; an account opened without it is not a complete identity check under the Act.",
  ],
  "result.toAudit": ["誰が私を確認したかを見る", "See who verified me"],
  "result.restart": ["最初に戻る", "Back to the start"],

  "login.h": ["ログイン（利用者証明用電子証明書）", "Log in with your card (authentication certificate)"],
  "login.lead": [
    "口座をお持ちの方は、マイナンバーカードの利用者証明用電子証明書と暗証番号（数字4桁）でログインできます。",
    "If you have an account, log in with the authentication certificate of your My Number Card and its PIN (4 digits).",
  ],
  "login.read": [
    "カードが紛失・失効していないことを銀行が確認します（失効していればログインできません）。ログインには有効期限があり（既定15分）、延長されません。氏名や住所は送信されません。",
    "The bank checks that the card has not been reported lost or revoked (if it has, you cannot log in). A login has a fixed lifetime (15 minutes by default) and is not extended. No name or address is sent.",
  ],
  "session.h": ["ログイン中", "Logged in"],
  "session.h.out": ["ログアウト", "Logged out"],
  "session.lead": ["ログインしました。", "You are logged in."],
  "session.customer": ["お客さま番号", "Customer number"],
  "session.created": ["ログイン日時", "Logged in at"],
  "session.expires": ["有効期限", "Valid until"],
  "session.lifetime": [
    "有効期限を過ぎると自動的にログアウトします。共用の端末では、使い終わったら必ずログアウトしてください。",
    "You are logged out automatically at that time. On a shared device, always log out when you are done.",
  ],
  "session.logout": ["ログアウト", "Log out"],
  "session.lbi": ["最新の基本4情報の確認に同意する", "Consent to checks of my latest details"],
  "lbi.h": ["最新の基本4情報の確認への同意", "Consent to checks of your latest 4 basic information"],
  "lbi.lead": [
    "引っ越しや結婚で署名用電子証明書が失効したとき、銀行が最新の氏名・住所などを確認できるようにするための同意です。下の文面に、署名用電子証明書で署名します。",
    "So that the bank can learn your current name, address and other details when a move or marriage revokes your signature certificate. You sign the text below with your signature certificate.",
  ],
  "lbi.check": ["上の文面を読み、同意します", "I have read the text above and agree"],
  "lbi.required": ["同意する場合はチェックを入れてください。", "Tick the box if you agree."],
  "lbi.continue": ["署名して同意する", "Sign to consent"],
  "lbi.done.h": ["同意を受け付けました", "Consent received"],
  "lbi.done.lead": [
    "同意の文面とあなたの署名を保存しました。",
    "The consent text and your signature are stored.",
  ],
  "lbi.consentId": ["同意番号", "Consent number"],
  "withdraw.h": ["同意を撤回する", "Withdraw the consent"],
  "withdraw.lead": [
    "最新の基本4情報の確認への同意を撤回します。利用者証明用電子証明書と暗証番号（数字4桁）でご本人であることを確認します。撤回後、銀行は照会しません。",
    "Withdraws your consent to checks of your latest 4 basic information. Your authentication certificate and PIN (4 digits) confirm it is you. After that the bank makes no further check.",
  ],
  "withdraw.done.h": ["同意を撤回しました", "Consent withdrawn"],
  "withdraw.done.lead": ["同意を撤回しました。今後、最新の基本4情報の照会は行われません。", "Your consent is withdrawn. No further check of your latest 4 basic information is made."],
  "withdraw.done.none": ["撤回する同意はありませんでした。", "There was no consent to withdraw."],
  "withdraw.count": ["撤回した同意の数", "Consents withdrawn"],
  "lbi.givenAt": ["同意日時", "Given at"],
  "lbi.withdraw": [
    "同意はいつでも撤回できます（カードでログインして撤回）。撤回後は照会されません。",
    "You can withdraw at any time (log in with your card to withdraw); after that no check is made.",
  ],
  "session.loggedOut": ["ログアウトしました。", "You are logged out."],
  "audit.h": ["確認履歴：誰が私を確認したか", "See who verified me"],
  "audit.lead": [
    "あなたの電子証明書について行われた本人確認の記録を、ご自身で確認できます。利用者証明用電子証明書（暗証番号4桁）でログインしてください。",
    "You can see every verification made with your certificate. Log in with your authentication certificate (4-digit PIN).",
  ],
  "audit.read": [
    "ログインでは利用者証明用電子証明書とカードによる署名だけを使います。基本4情報もマイナンバーも読み取りません。",
    "Login uses only the authentication certificate and a signature by the card; neither the 4 basic information nor the My Number is read.",
  ],
  "audit.continue": ["ログインへ進む", "Continue to log in"],
  "trail.h": ["確認履歴", "Verification history"],
  "trail.subject": ["あなたの識別子（この銀行専用）", "Your identifier (for this bank only)"],
  "trail.caption": ["あなたの電子証明書に関する確認イベント", "Verification events about your certificate"],
  "trail.empty": ["記録はありません。", "No events."],
  "trail.records.h": ["保存されている記録", "Records kept"],
  "col.at": ["日時", "When"],
  "col.purpose": ["目的", "Purpose"],
  "col.outcome": ["結果", "Outcome"],
  "col.audience": ["確認した事業者", "Verified by"],
  "col.record": ["記録ID", "Record"],
  "col.certificate": ["電子証明書", "Certificate"],
  "certificate.signature": ["署名用", "Signature"],
  "certificate.authentication": ["利用者証明用", "Authentication"],
  "col.recordId": ["記録ID", "Record ID"],
  "col.createdAt": ["作成日時", "Created"],
  "col.kept": ["保存された項目", "What was kept"],
  "claim.name": ["氏名", "Name"],
  "claim.dateOfBirth": ["生年月日", "Date of birth"],
  "claim.sex": ["性別", "Sex"],
  "claim.address": ["住所", "Address"],
  "claim.evidence": ["署名データ", "Signed data"],
  "claim.prefecture": ["都道府県", "Prefecture"],
  "claim.ageOver": ["{n}歳以上かどうか", "Whether over {n}"],
  "list.separator": ["、", ", "],
  "purpose.renewal": ["電子証明書の更新", "Certificate renewal"],
  "outcome.valid": ["確認済み", "Verified"],
  "outcome.invalid": ["失敗", "Failed"],

  "error.code": ["エラーコード", "Error code"],
  "footer": [
    "jpki-verify のデモです。このページはこの銀行のサーバーとだけ通信します。",
    "A jpki-verify demo. This page talks to this bank's server only.",
  ],
};

const STORAGE_KEY = "jpki-demo-lang";
let lang = "ja";
const listeners = [];

function stored() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === "en" || v === "ja" ? v : null;
  } catch {
    return null; // storage disabled: default language
  }
}

export function getLang() {
  return lang;
}

/** The text of `key` in the current language, with {placeholders} from `args`. */
export function t(key, args) {
  const entry = TEXTS[key];
  let s = entry ? entry[lang === "en" ? 1 : 0] : key;
  if (args) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in args ? String(args[k]) : m));
  return s;
}

/** Renders every [data-i18n] element under `root` in the current language. */
export function applyTexts(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : undefined;
    el.textContent = t(el.dataset.i18n, args);
  }
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
}

/** Sets the language ("ja" | "en"), remembers it, updates <html lang> and re-renders. */
export function setLang(next, { remember = true } = {}) {
  lang = next === "en" ? "en" : "ja";
  document.documentElement.lang = lang;
  document.title = t("app.title");
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }
  applyTexts();
  for (const f of listeners) f(lang);
}

export function onLangChange(f) {
  listeners.push(f);
}

export function initLang() {
  setLang(stored() ?? "ja", { remember: false });
}
