// A typed consumer of every export of the package (checked by `tsc --noEmit` under strict,
// skipLibCheck false, moduleResolution bundler and nodenext; never run). Every Verdict field is
// read with its declared type, so a declaration that drifts from the verdict fails the check.
import {
  parseCertificate,
  jwsSigningInput,
  sdkVersion,
  isValidMyNumber,
  isValidCorporateNumber,
  redactMyNumbers,
  verifyAssertion,
  verifySignature,
  type Certificate,
  type Identity,
  type DateOfBirth,
  type AnchorRef,
  type CertificateKind,
  type JpkiError,
  type JpkiErrorCode,
  type Purpose,
  type VerifyOptions,
  type ExtraAnchor,
  type Verdict,
  type Claims,
  type ErrorReport,
  type SignatureAlgorithmName,
} from "jpki-verify";
import {
  verifyAssertion as verifyAssertionWithRevocation,
  verifyAssertionSync,
  verifySignatureSync,
  fetchOcsp,
  JpkiCard,
  VirtualCard,
  CrlIndex,
  PasoriReader,
  ReaderSimulator,
  PASORI_FILTERS,
  findPasori,
  simulatedPasori,
  simulatedUsb,
  type UsbDeviceLike,
  type UsbLike,
  type PollOptions,
  type OperatorAnswer,
  type RevocationInput,
  type VerifyOptionsWithRevocation,
} from "jpki-verify/sync";
import { load, type WasmSource } from "jpki-verify/load";
import { load as loadSync } from "jpki-verify/sync/load";

function describe(v: Verdict): string {
  const valid: boolean = v.valid;
  const format: "jws" | "cms" | null = v.format;
  const purpose: Purpose = v.purpose;
  const certificate: Certificate | null = v.certificate;
  const identity: Identity | null = v.identity;
  const anchor: AnchorRef | null = v.anchor;
  const claims: Claims | null = v.claims;
  const status: "good" | "revoked" | "unchecked" | "unknown" = v.revocation.status;
  const reason: string | undefined = v.revocation.reason;
  const source: string | undefined = v.revocation.source;
  const checkedAt: string | undefined = v.revocation.checkedAt;
  const advice: { en: string; ja: string } | undefined = v.revocation.advice;
  const verifiedAt: string = v.verifiedAt;
  const errors: ErrorReport[] = v.errors;
  const warnings: ErrorReport[] = v.warnings;
  const codes: JpkiErrorCode[] = [...errors, ...warnings].map((e) => e.code);
  const offsets: (number | undefined)[] = errors.map((e) => e.offset);
  const kind: CertificateKind | undefined = certificate?.kind;
  const dob: DateOfBirth | undefined = identity?.dateOfBirth;
  const anchorId: string | undefined = anchor?.id;
  const aud: string | undefined = claims?.aud;
  return [valid, format, purpose, kind, identity?.name, dob?.gregorian, anchorId, aud, status, reason, source, checkedAt,
    advice?.ja, verifiedAt, codes.join(","), offsets.length, certificate?.sha256Fingerprint, claims?.exp].join(" ");
}

async function main(jws: string, certDer: Uint8Array, pin: ExtraAnchor): Promise<string[]> {
  const options: VerifyOptions = {
    audience: "https://bank.example.jp",
    nonce: "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos",
    purpose: "account-opening",
    time: new Date(1780272000 * 1000),
    trust: "test",
    extraAnchors: [pin],
    revocationUnchecked: "warning",
    revocationPolicy: { crlMaxAgeSeconds: 86400 },
  };
  const out: string[] = [sdkVersion()];
  out.push(describe(await verifyAssertion(jws, options)));

  const cert: Certificate = parseCertificate(certDer);
  out.push(cert.subject, String(cert.identity?.sex));
  const { signingInput, digestInfo }: { signingInput: string; digestInfo: Uint8Array } = jwsSigningInput('{"alg":"RS256"}', "{}");
  const input = new TextEncoder().encode(signingInput);
  const alg: SignatureAlgorithmName = "RS256";
  const ok: boolean = await verifySignature(alg, certDer, input, new Uint8Array(256));
  const okSync: boolean = verifySignatureSync(alg, certDer, input, digestInfo);
  out.push(String(ok), String(okSync));

  const crl: CrlIndex = await CrlIndex.build(new Uint8Array(0), "test");
  const crl2: CrlIndex = CrlIndex.fromBytes(crl.toBytes());
  const entry = crl2.lookup(cert.serialNumber);
  const operator: OperatorAnswer = { status: "good", source: "operator:example", producedAt: 1780272000, certificateSha256: cert.sha256Fingerprint };
  const ocsp = await fetchOcsp(jws, { url: "http://ocsp.example.jp/", fetch: globalThis.fetch, trust: "test" });
  const revocation: RevocationInput = { crls: [crl2], ocsp: { response: ocsp.response, nonce: ocsp.nonce }, external: operator };
  const withRevocation: VerifyOptionsWithRevocation = { ...options, revocation };
  out.push(describe(await verifyAssertionWithRevocation(jws, withRevocation)));
  out.push(describe(verifyAssertionSync(jws, withRevocation)), String(entry));

  const card = new JpkiCard(new VirtualCard({ persona: "taro", token: "card" }));
  const token: string = await card.token();
  const tries: number | "verified" = await card.triesLeft("sign");
  await card.verifyPin("sign", "ABC123", false);
  const signCert: Uint8Array = await card.readCertificate("sign");
  const signature: Uint8Array = await card.sign("sign", new Uint8Array(51));
  const assertion: string = await card.makeAssertion({
    audience: options.audience,
    nonce: options.nonce,
    purpose: "account-opening",
    iat: 1780272000,
    exp: 1780272300,
    includeCa: false,
  });
  out.push(token, String(tries), String(signCert.length + signature.length), assertion);

  const simulator = new ReaderSimulator({ persona: "taro", fault: "none" });
  const usb: UsbLike = simulatedUsb(simulator);
  const device: UsbDeviceLike = await findPasori({ usb, request: false });
  const direct: UsbDeviceLike = simulatedPasori(simulator, { productId: PASORI_FILTERS[1].productId });
  const reader: PasoriReader = await PasoriReader.open(device ?? direct);
  const poll: PollOptions = { pauseMs: 100, deadlineMs: 10_000 };
  await reader.connectCard(poll);
  const overUsb = new JpkiCard(reader);
  const authCert: Uint8Array = await overUsb.readCertificate("auth");
  await reader.releaseCard();
  const present: boolean = await reader.cardPresent();
  const counters: { usbOut: number; apdus: number } = simulator.counters();
  out.push(reader.firmware, reader.productName, String(reader.apdus), String(authCert.length), String(present),
    String(counters.usbOut + counters.apdus), String(simulator.plugged), String(simulator.cardPresent));
  simulator.setCardPresent(false);
  await reader.close();
  const rcs300Sim = new ReaderSimulator({ model: "rcs300" });
  const experimental: PasoriReader = await PasoriReader.openExperimentalRcs300(simulatedPasori(rcs300Sim));
  out.push(rcs300Sim.model, experimental.firmware);
  await experimental.close();

  const source: WasmSource = new URL("https://cdn.example.jp/jpki_verify_bg.wasm");
  const api = await load(source);
  out.push(describe(await api.verifyAssertion(jws, options)));
  const full = await loadSync(fetch("https://cdn.example.jp/sync/jpki_verify_bg.wasm"));
  out.push(describe(full.verifyAssertionSync(jws, options)));
  return out;
}

function explain(e: unknown): string {
  const err = e as JpkiError;
  const tries: number | undefined = err.triesLeft;
  const counted: boolean | undefined = err.pinTryMayHaveCounted;
  return `${err.name} ${err.code} ${err.message} ${err.offset ?? ""} ${tries ?? ""} ${counted ?? ""}`;
}

export { main, explain };

// The numbers helpers: booleans and a string, nothing else.
export const numberChecks: [boolean, boolean, string] = [
  isValidMyNumber("1234 5678 9018"),
  isValidCorporateNumber("7000012050002"),
  redactMyNumbers("id 123456789018"),
];
