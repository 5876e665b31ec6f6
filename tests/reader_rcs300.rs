//! The EXPERIMENTAL RC-S300 vendor-interface driver (escape messages, `FF 50` transparent
//! session, Type B layer 3, host ISO-DEP) against the RC-S300 simulator: the JPKI client runs
//! over it unchanged and the faults end as on the RC-S380. This proves the driver against the
//! documented model only; the RC-S300's real Type B behaviour is unconfirmed (readers.md §2.4).

#![cfg(all(feature = "reader", feature = "virtual-card"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use jpki_verify::card::{block_on, CertificateFile, JpkiCard, KeyRef, PinRef, VirtualCard, VirtualCardConfig};
use jpki_verify::reader::rcs300::{exchange_payload, Rcs300};
use jpki_verify::reader::sim::{virtual_rcs300, Fault, Rcs300Simulator, SimulatedUsb};
use jpki_verify::reader::{ContactlessCard, IsoDepPolicy, PollPolicy};
use jpki_verify::Error;

type Device = SimulatedUsb<Rcs300Simulator<VirtualCard>>;

fn connect(fault: Fault) -> jpki_verify::Result<ContactlessCard<Rcs300<Device>>> {
    let usb = SimulatedUsb::new(virtual_rcs300(VirtualCardConfig::default(), fault).unwrap());
    let reader = block_on(Rcs300::open(usb))?;
    block_on(ContactlessCard::connect(
        reader,
        PollPolicy {
            pause_ms: 200,
            deadline_ms: 2_000,
        },
        IsoDepPolicy::default(),
    ))
}

fn expected(file: CertificateFile) -> Vec<u8> {
    let mut card = JpkiCard::new(VirtualCard::new(VirtualCardConfig::default()).unwrap());
    if file == CertificateFile::SignCertificate {
        block_on(card.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    }
    block_on(card.read_certificate(file)).unwrap()
}

/// The addendum's REQB transparent exchange (felica-rs) is what the driver sends for
/// SENSB_REQ, but for the SENSB_REQ PARAM byte (`10`, as on the RC-S380) and the 30 ms timeout.
#[test]
fn transparent_exchange_bytes() {
    let p = exchange_payload(&[0x05, 0x00, 0x10], 30).unwrap();
    assert_eq!(
        p,
        [
            0xFF, 0x50, 0x00, 0x01, 0x00, 0x00, 0x12, 0x90, 0x02, 0x00, 0x1C, 0x5F, 0x46, 0x04, 0x30, 0x75, 0x00, 0x00,
            0x95, 0x82, 0x00, 0x03, 0x05, 0x00, 0x10, 0x00, 0x00, 0x00
        ]
    );
}

#[test]
fn the_jpki_client_runs_over_the_rcs300() {
    let mut client = JpkiCard::new(connect(Fault::None).unwrap());
    let auth = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap();
    assert_eq!(auth, expected(CertificateFile::AuthCertificate));
    block_on(client.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    let sign = block_on(client.read_certificate(CertificateFile::SignCertificate)).unwrap();
    assert_eq!(sign, expected(CertificateFile::SignCertificate));
    let di = jpki_verify::assertion::digest_info_sha256(b"account opening");
    assert_eq!(block_on(client.sign(KeyRef::Sign, &di)).unwrap().len(), 256);
    let card = client.into_transport();
    let reader = block_on(card.close()).unwrap();
    block_on(reader.close()).unwrap();
}

#[test]
fn faults_on_the_rcs300() {
    assert_eq!(connect(Fault::CardAbsent).err(), Some(Error::NoCard));
    assert_eq!(connect(Fault::NotIsoDep).err().unwrap().code(), "JPKI_READER_PROTOCOL");
    for fault in [Fault::LostBlock, Fault::CrcError, Fault::SlowCard] {
        let mut client = JpkiCard::new(connect(fault).unwrap());
        let auth = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap();
        assert_eq!(auth, expected(CertificateFile::AuthCertificate), "{fault:?}");
    }
    let mut client = JpkiCard::new(connect(Fault::RemoveDuringVerify).unwrap());
    assert_eq!(
        block_on(client.verify_pin(PinRef::Sign, "WRONG1", false)),
        Err(Error::CardRemoved {
            pin_try_may_have_counted: true
        })
    );
    let mut client = JpkiCard::new(connect(Fault::UnplugDuringRead).unwrap());
    assert_eq!(
        block_on(client.read_certificate(CertificateFile::AuthCertificate)),
        Err(Error::ReaderUnplugged)
    );
}
