//! What may be opened as a store. A new store is created only where no file is: a file of
//! 0 bytes (truncated), one that is no redb database (another program's), and a redb database
//! without Rasad's layout marker (another program's, or an older rasad's whose records carry no
//! checksums) are refused with a message saying what they are. The marker is the `layout` entry of
//! the `meta` table; the README describes it.

use std::{fs::File, io::Read, path::Path};

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::{META, Result, StoreError};

/// The layout this rasad writes: 2 = every record followed by its checksum (`checksum`).
pub(crate) const LAYOUT: u64 = 2;
/// The key of the marker in the `meta` table.
const MARKER: &str = "layout";
/// How every redb file starts.
const REDB_MAGIC: &[u8] = b"redb\x1a\x0a\xa9\x0d\x0a";

/// Refuses a file at `file` that cannot be a store: empty, or no redb database. A missing one is
/// fine (it is created).
pub(crate) fn check_file(file: &Path) -> Result<()> {
    let path = || file.display().to_string();
    // A file that cannot be opened is left to redb, which says why.
    let Ok(mut opened) = File::open(file) else { return Ok(()) };
    let mut start = [0; REDB_MAGIC.len()];
    match opened.read_exact(&mut start) {
        Ok(()) if start == REDB_MAGIC => Ok(()),
        _ if opened.metadata().is_ok_and(|m| m.len() == 0) => Err(StoreError::EmptyFile { path: path() }),
        _ => Err(StoreError::Foreign { path: path() }),
    }
}

/// Checks the marker of a store being opened for writing; a database with no table at all is new
/// and gets the marker.
pub(crate) fn check_or_mark(txn: &WriteTransaction) -> Result<()> {
    let new = txn.list_tables()?.next().is_none();
    let mut meta = txn.open_table(META)?;
    if new {
        meta.insert(MARKER, LAYOUT)?;
        return Ok(());
    }
    let found = meta.get(MARKER)?.map(|v| v.value());
    expect(found)
}

/// Checks the marker of a store being opened for reading.
pub(crate) fn check(txn: &ReadTransaction) -> Result<()> {
    let found = match txn.open_table(META) {
        Ok(meta) => meta.get(MARKER)?.map(|v| v.value()),
        Err(redb::TableError::TableDoesNotExist(_)) => None,
        Err(e) => return Err(e.into()),
    };
    expect(found)
}

fn expect(found: Option<u64>) -> Result<()> {
    match found {
        Some(LAYOUT) => Ok(()),
        found => Err(StoreError::Layout { found: found.map_or_else(|| "none".to_string(), |v| v.to_string()) }),
    }
}
