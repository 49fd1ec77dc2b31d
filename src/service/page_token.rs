//! Page tokens of `ListEvents` and `ListReports`: where the next page starts, opaque to clients.
//! A token names its listing (and, for reports, the event) and carries a check, so a token that
//! was not given by this listing (garbage, a typo, another event's) is refused as
//! INVALID_ARGUMENT instead of silently starting somewhere.

use sha2::{Digest, Sha256};
use tonic::Status;

/// Hex digits of the check.
const CHECK: usize = 12;

/// The token for continuing `listing` ("events", "reports of ev-3") at `position`.
pub fn encode(listing: &str, position: &str) -> String {
    let hex: String = position.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.{}", check(listing, position))
}

/// The position of a token given by `listing`; "" for the first page.
#[allow(clippy::result_large_err)]
pub fn decode(listing: &str, token: &str) -> Result<String, Status> {
    if token.is_empty() {
        return Ok(String::new());
    }
    let invalid = || {
        Status::invalid_argument(format!(
            "page_token {token:?} was not given by the listing of {listing}: pass next_page_token as it came, or omit it for the first page"
        ))
    };
    let (hex, given) = token.split_once('.').ok_or_else(invalid)?;
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(invalid)?;
    let position = String::from_utf8(bytes).map_err(|_| invalid())?;
    if position.is_empty() || given != check(listing, &position) {
        return Err(invalid());
    }
    Ok(position)
}

fn check(listing: &str, position: &str) -> String {
    let digest = Sha256::new().chain_update(listing).chain_update([0]).chain_update(position).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect::<String>()[..CHECK].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_what_they_did_not_give() {
        let token = encode("reports of ev-1", "a#1");
        assert_eq!(decode("reports of ev-1", &token).unwrap(), "a#1");
        assert!(decode("reports of ev-2", &token).is_err());
        for garbage in ["garbage", "12", "a#1", "zz.1234", "."] {
            assert!(decode("reports of ev-1", garbage).is_err(), "{garbage}");
        }
        assert_eq!(decode("events", "").unwrap(), "");
    }
}
