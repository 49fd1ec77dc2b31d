//! A checksum on every stored record. redb checks its own pages, but a record changed in the
//! file so that it still decodes (a date edited in place) would be served as truth: each record
//! of the articles, reports and log tables is stored as its protobuf encoding followed by the
//! CRC-32 of that encoding (4 bytes, little endian), and every read checks it.
//!
//! What a corrupt record does: a read of one record (an event by id) is an error naming it
//! ([`StoreError::Corrupt`]); a listing (pages, the log replayed to subscribers, the reports the
//! server reads at start) skips it, logs it and counts it in `rasad_store_corrupt_records`, so one
//! damaged record never stops the server or a listing, and is never served.

use prometheus_client::metrics::counter::Counter;

use super::{Result, StoreError};

/// Bytes of the checksum after each record.
pub(crate) const CHECKSUM_BYTES: usize = 4;

/// `payload` as stored: followed by its checksum.
pub(crate) fn seal(payload: &[u8]) -> Vec<u8> {
    let mut record = Vec::with_capacity(payload.len() + CHECKSUM_BYTES);
    record.extend_from_slice(payload);
    record.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    record
}

/// The payload of a stored `record`, if its checksum holds.
pub(crate) fn unseal(record: &[u8]) -> Option<&[u8]> {
    let (payload, checksum) = record.split_at_checked(record.len().checked_sub(CHECKSUM_BYTES)?)?;
    (crc32fast::hash(payload).to_le_bytes() == checksum).then_some(payload)
}

/// `read` of one record of a listing: none (logged and counted in `corrupt`) when the record is
/// corrupt, so that the listing goes on without it.
pub(crate) fn skip_corrupt<T>(read: Result<T>, corrupt: &Counter) -> Result<Option<T>> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(e @ StoreError::Corrupt { .. }) => {
            tracing::error!(error = %e, "skipped a corrupt record");
            corrupt.inc();
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_changed_in_any_byte_fails_its_checksum() {
        let record = seal(b"2019-05-14");
        assert_eq!(unseal(&record), Some(&b"2019-05-14"[..]));
        for i in 0..record.len() {
            let mut changed = record.clone();
            changed[i] ^= 1;
            assert_eq!(unseal(&changed), None, "byte {i} changed");
        }
        assert_eq!(unseal(&record[..3]), None);
        assert_eq!(unseal(&[]), None);
    }
}
