//! The generated protobuf types (`rasad.v1`), their proto3 JSON mapping, and the descriptor
//! set that gRPC reflection serves.

#![allow(clippy::all, clippy::pedantic)]

tonic::include_proto!("rasad.v1");
include!(concat!(env!("OUT_DIR"), "/rasad.v1.serde.rs"));

/// Encoded `FileDescriptorSet` of `proto/`, for tonic-reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rasad_descriptor.bin"));

impl EventDate {
    /// The first and last day the date covers ("2019", "2019-05", "2019-05-14", with an optional
    /// end); `None` when it does not parse.
    pub fn days(&self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        let (first, start_last) = day_bounds(&self.start)?;
        let last = if self.end.is_empty() { start_last } else { day_bounds(&self.end)?.1 };
        Some((first, last))
    }
}

/// First and last day of an ISO 8601 year, month or day.
fn day_bounds(s: &str) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    use chrono::NaiveDate;
    let mut parts = s.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let year = i32::try_from(parts.next()??).ok()?;
    match (parts.next(), parts.next()) {
        (None, _) => Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?)),
        (Some(m), None) => {
            let first = NaiveDate::from_ymd_opt(year, m?, 1)?;
            let next = first.checked_add_months(chrono::Months::new(1))?;
            Some((first, next.pred_opt()?))
        }
        (Some(m), Some(d)) => {
            let day = NaiveDate::from_ymd_opt(year, m?, d?)?;
            Some((day, day))
        }
    }
}
