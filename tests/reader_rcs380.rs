//! The whole reader stack — RC-S380 frames, chip commands, Type B, ISO-DEP, the card
//! `Transport` — against the byte-exact RC-S380 simulator with the virtual card in its field,
//! with no USB: the JPKI client runs unchanged over it, and every fault the simulator can
//! inject ends in the typed error the kiosk shows (or in a recovered read).

#![cfg(all(feature = "reader", feature = "virtual-card"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use jpki_verify::card::{
    block_on, CertificateFile, JpkiCard, KeyRef, PinRef, PinStatus, VirtualCard, VirtualCardConfig,
};
use jpki_verify::reader::rcs380::{Rcs380, Rcs380Policy};
use jpki_verify::reader::sim::{virtual_rcs380, Fault, Rcs380Simulator, SimulatedUsb};
use jpki_verify::reader::usb::BulkDevice;
use jpki_verify::reader::{ContactlessCard, IsoDepPolicy, PollPolicy};
use jpki_verify::{Error, Result};

mod common;
use common::bytes::from_hex;

type Card = ContactlessCard<Rcs380<Recorder>>;

/// Records every bulk OUT transfer the driver makes, in front of the simulator.
struct Recorder {
    usb: SimulatedUsb<Rcs380Simulator<VirtualCard>>,
    out: Vec<Vec<u8>>,
}

impl BulkDevice for Recorder {
    async fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.push(bytes.to_vec());
        self.usb.transfer_out(bytes).await
    }
    async fn transfer_in(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>> {
        self.usb.transfer_in(max_len, timeout_ms).await
    }
    fn max_packet_size(&self) -> usize {
        self.usb.max_packet_size()
    }
    async fn pause(&mut self, ms: u32) {
        self.usb.pause(ms).await
    }
    fn now_ms(&mut self) -> u64 {
        self.usb.now_ms()
    }
}

fn reader(fault: Fault) -> Rcs380<Recorder> {
    let sim = virtual_rcs380(VirtualCardConfig::default(), fault).unwrap();
    let device = Recorder {
        usb: SimulatedUsb::new(sim),
        out: Vec::new(),
    };
    block_on(Rcs380::open(device, Rcs380Policy::default())).unwrap()
}

fn connect(reader: Rcs380<Recorder>) -> Result<Card> {
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

/// Our driver's first frames are the readers.md §1.4 frames (✓ rows: real-hardware nfcpy
/// traces): ACK, then — after GetCommandType — SetCommandType 1, GetFirmwareVersion, SwitchRF
/// off, then the Type B poll (InSetRF 106B, defaults, Type B set, SENSB_REQ 30 ms) and ATTRIB.
#[test]
fn golden_frames_of_readers_md() {
    let mut card = connect(reader(Fault::None)).unwrap();
    let out = &card.reader_device().out;
    let want = [
        "00 00 FF 00 FF 00",
        "00 00 FF FF FF 02 00 FE D6 28 02 00",
        "00 00 FF FF FF 03 00 FD D6 2A 01 FF 00",
        "00 00 FF FF FF 02 00 FE D6 20 0A 00",
        "00 00 FF FF FF 03 00 FD D6 06 00 24 00",
        "00 00 FF FF FF 06 00 FA D6 00 03 07 0F 07 0A 00",
        "00 00 FF FF FF 28 00 D8 D6 02 00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 08 00 09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06 4B 00",
        "00 00 FF FF FF 0C 00 F4 D6 02 0B 01 09 01 0C 01 0A 01 00 14 E6 00",
        "00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00",
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(out[i], from_hex(w), "frame {i}");
    }
    // ATTRIB for the simulated card's PUPI 4A 50 4B 49, 30 ms, after the three setup frames.
    let attrib = &out[12];
    assert_eq!(attrib[8..20], from_hex("D6 04 36 01 1D 4A 50 4B 49 00 08 01")[..]);
    // The SELECT of the JPKI AP as I(0), 81 ms (FWI 8: 77.3 + 3.6 ms → (81 + 1) × 10 = 0x0334).
    block_on(JpkiCard::new(&mut card).select_jpki_ap()).unwrap();
    let select = card.reader_device().out.last().unwrap().clone();
    assert_eq!(
        select[8..select.len() - 2],
        from_hex("D6 04 34 03 02 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")[..]
    );
}

trait ReaderDevice {
    fn reader_device(&mut self) -> &mut Recorder;
}

impl ReaderDevice for Card {
    fn reader_device(&mut self) -> &mut Recorder {
        self.reader().device_mut()
    }
}

/// Account opening over the PaSoRi path: the auth certificate with no PIN, the signature
/// certificate and a signature after VERIFY — the bytes equal the virtual card's own.
#[test]
fn the_jpki_client_runs_unchanged_over_the_reader() {
    let card = connect(reader(Fault::None)).unwrap();
    let mut client = JpkiCard::new(card);
    let auth = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap();
    assert_eq!(auth, expected(CertificateFile::AuthCertificate));
    assert_eq!(
        block_on(client.tries_left(PinRef::Sign)).unwrap(),
        PinStatus::TriesLeft(5)
    );
    block_on(client.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    let sign = block_on(client.read_certificate(CertificateFile::SignCertificate)).unwrap();
    assert_eq!(sign, expected(CertificateFile::SignCertificate));
    let di = jpki_verify::assertion::digest_info_sha256(b"account opening");
    let signature = block_on(client.sign(KeyRef::Sign, &di)).unwrap();
    assert_eq!(signature.len(), 256);
    // The certificate reads are chained responses (FSD 256): more blocks than APDUs.
    let mut card = client_into_card(client);
    assert!(card.apdus() > 5);
    let transfers = card.reader().transfers();
    assert!(transfers.out > 4 * card.apdus(), "{transfers:?}");
    let reader = block_on(card.close()).unwrap();
    let device = block_on(reader.close()).unwrap();
    assert_eq!(device.out.last().unwrap(), &from_hex("00 00 FF 00 FF 00"));
}

fn client_into_card(client: JpkiCard<Card>) -> Card {
    client.into_transport()
}

#[test]
fn no_card_is_a_typed_error_after_the_deadline() {
    let r = connect(reader(Fault::CardAbsent));
    assert_eq!(r.err(), Some(Error::NoCard));
}

#[test]
fn a_card_that_is_not_iso_dep() {
    let e = connect(reader(Fault::NotIsoDep)).err().unwrap();
    assert_eq!(e.code(), "JPKI_READER_PROTOCOL");
    assert!(e.to_string().contains("not ISO 14443-4"), "{e}");
}

/// Lost blocks (answer lost → R(NAK); command lost → R(ACK) of the other number →
/// retransmission) and a CRC error are recovered: the certificate arrives intact.
#[test]
fn lost_blocks_and_crc_errors_are_recovered() {
    for fault in [Fault::LostBlock, Fault::CrcError, Fault::SlowCard] {
        let card = connect(reader(fault)).unwrap();
        let mut client = JpkiCard::new(card);
        let auth = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap();
        assert_eq!(auth, expected(CertificateFile::AuthCertificate), "{fault:?}");
        block_on(client.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
        let di = jpki_verify::assertion::digest_info_sha256(b"x");
        assert_eq!(
            block_on(client.sign(KeyRef::Sign, &di)).unwrap().len(),
            256,
            "{fault:?}"
        );
    }
}

#[test]
fn card_removed_during_a_read_or_signing() {
    let card = connect(reader(Fault::RemoveDuringRead)).unwrap();
    let mut client = JpkiCard::new(card);
    let e = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap_err();
    assert_eq!(
        e,
        Error::CardRemoved {
            pin_try_may_have_counted: false
        }
    );

    let card = connect(reader(Fault::RemoveDuringSigning)).unwrap();
    let mut client = JpkiCard::new(card);
    block_on(client.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    let di = jpki_verify::assertion::digest_info_sha256(b"x");
    assert_eq!(
        block_on(client.sign(KeyRef::Sign, &di)).unwrap_err().code(),
        "JPKI_CARD_REMOVED"
    );
}

/// The card takes a wrong PIN (the try counts) and leaves before answering: the error says
/// the try may have counted; the VERIFY went over the radio once; placed again, the client
/// reads the tries left (4) before sending anything.
#[test]
fn a_lost_verify_is_not_resent_and_the_tries_are_read_again() {
    let card = connect(reader(Fault::RemoveDuringVerify)).unwrap();
    let mut client = JpkiCard::new(card);
    let e = block_on(client.verify_pin(PinRef::Sign, "WRONG1", false)).unwrap_err();
    assert_eq!(
        e,
        Error::CardRemoved {
            pin_try_may_have_counted: true
        }
    );
    let mut card = client_into_card(client);
    let verifies = card
        .reader_device()
        .out
        .iter()
        .filter(|f| f.len() > 16 && f[10..12] == [0x20, 0x00] && f[8..10] == [0xD6, 0x04])
        .count();
    let pin_frames = card
        .reader_device()
        .out
        .iter()
        .filter(|f| f.windows(6).any(|w| w == b"WRONG1"))
        .count();
    assert_eq!(
        pin_frames, 1,
        "the PIN went over the radio once ({verifies} VERIFY frames)"
    );
    // The person places the card again: a new session reads the tries first.
    let mut reader = block_on(card.close()).unwrap();
    reader.device_mut().usb.sim.set_card_present(true);
    let mut client = JpkiCard::new(connect(reader).unwrap());
    assert_eq!(
        block_on(client.tries_left(PinRef::Sign)).unwrap(),
        PinStatus::TriesLeft(4)
    );
}

#[test]
fn unplugged_mid_read_then_replugged() {
    let card = connect(reader(Fault::UnplugDuringRead)).unwrap();
    let mut client = JpkiCard::new(card);
    let e = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap_err();
    assert_eq!(e, Error::ReaderUnplugged);
    let mut card = client_into_card(client);
    card.reader_device().usb.sim.replug();
    // The same device object after a replug: a fresh initialisation and the read succeeds.
    let reader = card.into_reader();
    let device = reader.into_device();
    let reader = block_on(Rcs380::open(device, Rcs380Policy::default())).unwrap();
    let mut client = JpkiCard::new(connect(reader).unwrap());
    let auth = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap();
    assert_eq!(auth, expected(CertificateFile::AuthCertificate));
}

/// Configuring the chip once per field-on instead of before every block (the policy knob)
/// reads the same bytes with fewer transfers.
#[test]
fn configuring_once_saves_transfers() {
    let count = |policy: Rcs380Policy| {
        let sim = virtual_rcs380(VirtualCardConfig::default(), Fault::None).unwrap();
        let device = Recorder {
            usb: SimulatedUsb::new(sim),
            out: Vec::new(),
        };
        let reader = block_on(Rcs380::open(device, policy)).unwrap();
        let mut client = JpkiCard::new(connect(reader).unwrap());
        let auth = block_on(client.read_certificate(CertificateFile::AuthCertificate)).unwrap();
        assert_eq!(auth, expected(CertificateFile::AuthCertificate));
        client.into_transport().reader().transfers().out
    };
    let each = count(Rcs380Policy::default());
    let once = count(Rcs380Policy {
        configure_before_each_exchange: false,
    });
    assert!(once * 3 < each * 2, "once {once}, each {each}");
}
