//! The personas of the test PKI: who they are and what each one exercises.

use sha2::{Digest, Sha256};

use crate::der::DateTime;

/// Which of a persona's two certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertKind {
    /// Signature certificate (署名用電子証明書), issued by `sign-ca`.
    Sign,
    /// User-authentication certificate (利用者証明用電子証明書), issued by `auth-ca`.
    Auth,
}

impl CertKind {
    /// `"sign"` or `"auth"`, as used in file names (`<id>-sign.der`).
    pub fn as_str(self) -> &'static str {
        match self {
            CertKind::Sign => "sign",
            CertKind::Auth => "auth",
        }
    }
}

/// ASN.1 string type used for a JPKI identity attribute value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringKind {
    /// `UTF8String` (tag 12) — the default.
    Utf8,
    /// `BMPString` (tag 30, UTF-16BE).
    Bmp,
    /// `PrintableString` (tag 19) — only for the digit fields.
    Printable,
}

impl StringKind {
    /// ASN.1 type name, e.g. `UTF8String`.
    pub fn asn1_name(self) -> &'static str {
        match self {
            StringKind::Utf8 => "UTF8String",
            StringKind::Bmp => "BMPString",
            StringKind::Printable => "PrintableString",
        }
    }
}

/// The four basic identity attributes (基本４情報) carried in the signature
/// certificate's subjectAltName as `otherName` entries under
/// `1.2.392.200149.8.5.5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    /// Name (`.1`), family and given name separated by U+3000.
    pub name: &'static str,
    /// Zero-based character indices of `name` whose registered glyph was
    /// replaced by a substitute character; drives the `.2` flags.
    pub name_substituted: &'static [usize],
    /// Sex code (`.3`): `1` male, `2` female, `3` unknown.
    pub sex: &'static str,
    /// Date of birth (`.4`), `EYYYYMMDD`: E is the era (0 unknown, 1 Meiji,
    /// 2 Taisho, 3 Showa, 4 Heisei, 5 Reiwa), unknown month/day are `00`.
    pub birth_date: &'static str,
    /// Address (`.5`), prefecture first.
    pub address: &'static str,
    /// Zero-based character indices of `address` that were substituted;
    /// drives the `.6` flags.
    pub address_substituted: &'static [usize],
    /// String type of the name value.
    pub name_kind: StringKind,
    /// String type of the digit fields (both flag strings, sex, birth date).
    pub digits_kind: StringKind,
}

impl Identity {
    fn flags(text: &str, substituted: &[usize]) -> String {
        text.chars()
            .enumerate()
            .map(|(i, _)| if substituted.contains(&i) { '1' } else { '0' })
            .collect()
    }

    /// Name substitution flags (`.2`): one `0`/`1` per character of the name.
    pub fn name_flags(&self) -> String {
        Self::flags(self.name, self.name_substituted)
    }

    /// Address substitution flags (`.6`): one digit per address character.
    pub fn address_flags(&self) -> String {
        Self::flags(self.address, self.address_substituted)
    }
}

/// How a persona deviates from a fully valid JPKI certificate pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// None: both certificates are valid at [`crate::VALIDATION_TIME_RFC3339`]
    /// (identity edge cases may still apply).
    None,
    /// Both certificates expired (2019-04-01 → 2024-03-31T14:59:59Z).
    Expired,
    /// Both certificates not yet valid (2026-12-01 → 2031-11-30T14:59:59Z).
    NotYetValid,
    /// Signature cert keyUsage digitalSignature only; auth cert keyUsage
    /// keyEncipherment only.
    WrongKeyUsage,
    /// Both certificates assert anyPolicy (2.5.29.32.0) instead of the JPKI policy.
    WrongPolicy,
    /// Both certificates signed with sha1WithRSAEncryption.
    Sha1Signature,
    /// Both end-entity keys are RSA-1024.
    Rsa1024,
    /// Both end-entity keys are ECDSA P-256 (still signed by the RSA CA).
    EcdsaP256,
    /// Valid smartphone certificates (スマホ用電子証明書) of an Android phone: both carry the test
    /// PKI's smartphone marker (RFC 7229 `id-TEST-certPolicyOne`, 1.3.6.1.5.5.7.13.1) beside
    /// the JPKI test policy; the virtual card presents them with the token label
    /// `JPKIAPGPSETOKEN`. J-LIS has not published how real ones differ (jpki-facts §5.1).
    Android,
    /// The same for an iPhone (token label `JPKIAPIOSTOKEN`).
    Iphone,
}

impl Defect {
    /// Whether the persona's keys are on a smartphone.
    pub fn is_smartphone(self) -> bool {
        matches!(self, Defect::Android | Defect::Iphone)
    }
}

/// One test persona; each has a signature and an authentication certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Persona {
    /// Short id used in file names (`<id>-sign.der`, `<id>-auth.key.der`, …).
    pub id: &'static str,
    /// Position in [`PERSONAS`]; fixes the certificate serial numbers.
    pub number: u32,
    /// What this persona exercises, in one sentence.
    pub exercises: &'static str,
    /// Identity carried by the signature certificate.
    pub identity: Identity,
    /// Deviation from a valid certificate pair.
    pub defect: Defect,
}

/// Default end-entity validity: 2025-04-01T00:00:00Z.
const EE_NOT_BEFORE: DateTime = DateTime::new(2025, 4, 1, 0, 0, 0);
/// Default end-entity validity: 2030-02-16T14:59:59Z.
const EE_NOT_AFTER: DateTime = DateTime::new(2030, 2, 16, 14, 59, 59);

impl Persona {
    /// `(notBefore, notAfter)` of both certificates.
    pub fn validity(&self) -> (DateTime, DateTime) {
        match self.defect {
            Defect::Expired => (
                DateTime::new(2019, 4, 1, 0, 0, 0),
                DateTime::new(2024, 3, 31, 14, 59, 59),
            ),
            Defect::NotYetValid => (
                DateTime::new(2026, 12, 1, 0, 0, 0),
                DateTime::new(2031, 11, 30, 14, 59, 59),
            ),
            _ => (EE_NOT_BEFORE, EE_NOT_AFTER),
        }
    }

    /// Certificate serial number: `0x10000000 + 2·number`, plus 1 for the
    /// authentication certificate.
    pub fn serial(&self, kind: CertKind) -> u32 {
        0x1000_0000 + 2 * self.number + u32::from(kind == CertKind::Auth)
    }

    /// Opaque subject commonName: `TEST` followed by the first 19 upper-case
    /// hex digits of SHA-256("jpki-verify testpki v1/cn/" + file stem). Like
    /// real JPKI CNs it identifies the certificate, never the person, and the
    /// signature and authentication certificates get unrelated values.
    pub fn common_name(&self, kind: CertKind) -> String {
        let digest = Sha256::digest(format!("{}cn/{}", crate::keys::SEED_PREFIX, self.file_stem(kind)));
        let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
        format!("TEST{}", &hex[..19])
    }

    /// Base name of the certificate file, e.g. `taro-sign` (the certificate is
    /// `taro-sign.der`, its key `taro-sign.key.der`).
    pub fn file_stem(&self, kind: CertKind) -> String {
        format!("{}-{}", self.id, kind.as_str())
    }
}

const fn utf8(name: &'static str, sex: &'static str, birth_date: &'static str, address: &'static str) -> Identity {
    Identity {
        name,
        name_substituted: &[],
        sex,
        birth_date,
        address,
        address_substituted: &[],
        name_kind: StringKind::Utf8,
        digits_kind: StringKind::Utf8,
    }
}

/// A 200-character address (the longest a JPKI certificate carries): full-width
/// digits, full-width hyphens (U+FF0D) and ideographic spaces.
const LONG_ADDRESS: &str = concat!(
    "長野県北佐久郡軽井沢町大字軽井沢字旧軽井沢東雲ノ沢国有林内１２３４番地の５６７８\u{3000}軽井沢ヴィレッジ・",
    "レジデンス・フォレストヒルズ東館・西館連絡通路側第三棟管理棟別館１２３４－５６７８－９０１２号室\u{3000}（",
    "株式会社サンプル不動産管理事務所気付\u{3000}総務部総務課庶務係文書受付窓口担当）\u{3000}私書箱第１２３４５６７８",
    "号－１－２－３－４－５－６－７－８－９－１０－１１－１２－１３－１４－１５－１６－１７－１８－１９９",
);

/// Every persona, in serial-number order.
pub const PERSONAS: &[Persona] = &[
    Persona {
        id: "taro",
        number: 0,
        exercises: "Ordinary valid persona (Showa birth, no substituted characters).",
        identity: utf8(
            "山田\u{3000}太郎",
            "1",
            "319850412",
            "東京都千代田区霞が関二丁目１番２号",
        ),
        defect: Defect::None,
    },
    Persona {
        id: "hanako",
        number: 1,
        exercises: "Substituted characters in name (髙→高) and address (梅 of 梅田); Heisei leap-day birth; female.",
        identity: Identity {
            name: "高橋\u{3000}花子",
            name_substituted: &[0],
            sex: "2",
            birth_date: "419920229",
            address: "大阪府大阪市北区梅田一丁目１番１号",
            address_substituted: &[8],
            name_kind: StringKind::Utf8,
            digits_kind: StringKind::Utf8,
        },
        defect: Defect::None,
    },
    Persona {
        id: "fumi",
        number: 2,
        exercises: "Partial birth date (Meiji, month and day unknown); name encoded as BMPString.",
        identity: Identity {
            name: "佐藤\u{3000}ふみ",
            name_substituted: &[],
            sex: "2",
            birth_date: "119100000",
            address: "京都府京都市左京区吉田本町",
            address_substituted: &[],
            name_kind: StringKind::Bmp,
            digits_kind: StringKind::Utf8,
        },
        defect: Defect::None,
    },
    Persona {
        id: "kaoru",
        number: 3,
        exercises: "Era unknown (0) with day unknown; sex unknown (3); digit fields as PrintableString.",
        identity: Identity {
            name: "鈴木\u{3000}薫",
            name_substituted: &[],
            sex: "3",
            birth_date: "019450800",
            address: "北海道札幌市中央区北一条西二丁目",
            address_substituted: &[],
            name_kind: StringKind::Utf8,
            digits_kind: StringKind::Printable,
        },
        defect: Defect::None,
    },
    Persona {
        id: "ichiro",
        number: 4,
        exercises: "Maximum-length address (200 characters, full-width digits and hyphens); Taisho birth.",
        identity: utf8("田中\u{3000}一郎", "1", "219250101", LONG_ADDRESS),
        defect: Defect::None,
    },
    Persona {
        id: "rei",
        number: 5,
        exercises: "Reiwa birth (era 5).",
        identity: utf8(
            "伊藤\u{3000}玲",
            "2",
            "520190501",
            "福岡県福岡市博多区博多駅前三丁目２番１号",
        ),
        defect: Defect::None,
    },
    Persona {
        id: "expired",
        number: 6,
        exercises: "Both certificates expired (notAfter 2024-03-31T14:59:59Z).",
        identity: utf8(
            "期限\u{3000}切子",
            "2",
            "319700315",
            "愛知県名古屋市中区三の丸三丁目１番１号",
        ),
        defect: Defect::Expired,
    },
    Persona {
        id: "notyet",
        number: 7,
        exercises: "Both certificates not yet valid (notBefore 2026-12-01T00:00:00Z).",
        identity: utf8(
            "前田\u{3000}健一",
            "1",
            "419950707",
            "宮城県仙台市青葉区本町三丁目８番１号",
        ),
        defect: Defect::NotYetValid,
    },
    Persona {
        id: "wrongku",
        number: 8,
        exercises: "Wrong keyUsage: sign cert digitalSignature only (no nonRepudiation); auth cert keyEncipherment only.",
        identity: utf8(
            "松本\u{3000}直樹",
            "1",
            "319780923",
            "広島県広島市中区基町１０番５２号",
        ),
        defect: Defect::WrongKeyUsage,
    },
    Persona {
        id: "wrongpolicy",
        number: 9,
        exercises: "Both certificates assert anyPolicy (2.5.29.32.0) instead of the JPKI policy.",
        identity: utf8(
            "井上\u{3000}美咲",
            "2",
            "420010114",
            "埼玉県さいたま市浦和区高砂三丁目１５番１号",
        ),
        defect: Defect::WrongPolicy,
    },
    Persona {
        id: "sha1",
        number: 10,
        exercises: "Both certificates signed with sha1WithRSAEncryption (1.2.840.113549.1.1.5).",
        identity: utf8(
            "木村\u{3000}誠",
            "1",
            "319660530",
            "千葉県千葉市中央区市場町１番１号",
        ),
        defect: Defect::Sha1Signature,
    },
    Persona {
        id: "rsa1024",
        number: 11,
        exercises: "Both end-entity keys RSA-1024 (too small).",
        identity: utf8(
            "林\u{3000}由美子",
            "2",
            "319830808",
            "兵庫県神戸市中央区下山手通五丁目１０番１号",
        ),
        defect: Defect::Rsa1024,
    },
    Persona {
        id: "p256",
        number: 12,
        exercises: "Both end-entity keys ECDSA P-256 (id-ecPublicKey, prime256v1), signed by the RSA CA with sha256WithRSAEncryption.",
        identity: utf8(
            "清水\u{3000}翔太",
            "1",
            "419981225",
            "新潟県新潟市中央区新光町４番地１",
        ),
        defect: Defect::EcdsaP256,
    },
    Persona {
        id: "moved",
        number: 13,
        exercises: "Valid certificates, but the signature certificate is revoked with affiliationChanged in `sign-ca.crl` (the holder moved: the 4 basic information changed).",
        identity: utf8(
            "引越\u{3000}舞",
            "2",
            "419890606",
            "神奈川県横浜市中区日本大通１番地",
        ),
        defect: Defect::None,
    },
    Persona {
        id: "lost",
        number: 14,
        exercises: "Valid certificates, but both are revoked with keyCompromise in `sign-ca.crl` and `auth-ca.crl` (the card was lost).",
        identity: utf8(
            "紛失\u{3000}守",
            "1",
            "319720202",
            "静岡県静岡市葵区追手町９番６号",
        ),
        defect: Defect::None,
    },
    Persona {
        id: "android",
        number: 15,
        exercises: "Android smartphone certificates (token JPKIAPGPSETOKEN): the test PKI's smartphone marker beside the test policy; the authentication certificate needs the PIN before it can be read.",
        identity: utf8(
            "携帯\u{3000}優",
            "1",
            "420050310",
            "石川県金沢市広坂一丁目１番１号",
        ),
        defect: Defect::Android,
    },
    Persona {
        id: "iphone",
        number: 16,
        exercises: "iPhone smartphone certificates (token JPKIAPIOSTOKEN), marked like android's.",
        identity: utf8(
            "林檎\u{3000}葵",
            "2",
            "520190801",
            "沖縄県那覇市泉崎一丁目２番２号",
        ),
        defect: Defect::Iphone,
    },
    Persona {
        id: "movednew",
        number: 17,
        exercises: "moved's new certificates after the move: the same name, sex and date of birth, a new address (renewal linked by the 4 basic information).",
        identity: utf8(
            "引越\u{3000}舞",
            "2",
            "419890606",
            "岡山県岡山市北区内山下二丁目４番６号",
        ),
        defect: Defect::None,
    },
    Persona {
        id: "wed",
        number: 18,
        exercises: "moved's new certificates after a marriage: a new family name, the same sex, date of birth and address (linkable only with operator evidence).",
        identity: utf8(
            "結城\u{3000}舞",
            "2",
            "419890606",
            "神奈川県横浜市中区日本大通１番地",
        ),
        defect: Defect::None,
    },
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn numbering_and_ids() {
        for (i, p) in PERSONAS.iter().enumerate() {
            assert_eq!(p.number as usize, i, "{}", p.id);
            assert!(p.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        }
        let mut ids: Vec<_> = PERSONAS.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PERSONAS.len());
    }

    #[test]
    fn identity_shapes() {
        for p in PERSONAS {
            let id = &p.identity;
            assert_eq!(id.name_flags().chars().count(), id.name.chars().count());
            assert_eq!(id.address_flags().chars().count(), id.address.chars().count());
            assert!(id.name_substituted.iter().all(|i| *i < id.name.chars().count()));
            assert!(id.address_substituted.iter().all(|i| *i < id.address.chars().count()));
            assert!(["1", "2", "3"].contains(&id.sex));
            assert_eq!(id.birth_date.len(), 9);
            assert!(id.birth_date.bytes().all(|b| b.is_ascii_digit()));
            assert!(id.name.contains('\u{3000}'));
        }
    }

    #[test]
    fn specific_values() {
        let find = |id: &str| PERSONAS.iter().find(|p| p.id == id).unwrap().identity;
        assert_eq!(find("taro").name_flags(), "00000");
        assert_eq!(find("hanako").name_flags(), "10000");
        assert_eq!(find("hanako").address_flags(), "00000000100000000");
        assert_eq!(find("hanako").address.chars().nth(8), Some('梅'));
        assert_eq!(find("kaoru").name_flags(), "0000");
        assert_eq!(find("ichiro").address.chars().count(), 200);
        assert!(find("ichiro").address.contains('－'));
        assert!(find("ichiro").address.starts_with("長野県"));
        assert_eq!(find("ichiro").address_flags(), "0".repeat(200));
    }

    #[test]
    fn serials() {
        assert_eq!(PERSONAS[0].serial(CertKind::Sign), 0x1000_0000);
        assert_eq!(PERSONAS[0].serial(CertKind::Auth), 0x1000_0001);
        assert_eq!(PERSONAS[12].serial(CertKind::Auth), 0x1000_0019);
    }
}
