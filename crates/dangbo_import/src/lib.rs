//! Import: the bytes of a member list as organisation boards keep them (XLSX, XLS, CSV in
//! UTF-8 with or without BOM, or Windows-1258; legacy TCVN3/VNI text converted) → member inputs, one per row, with the row's
//! problems. Architecture invariant: no database, no HTTP; the store decides what is new.

pub mod legacy;
pub mod members;
pub mod payments;
pub mod stream;
pub mod table;

pub use members::{ImportRow, Mapping, fields, header_key, row_to_input};
pub use stream::{RowResult, Sheet, stream_csv};
pub use table::{Cell, Keyed, Table, TableError, read_keyed, read_levels, read_places, read_table, read_tree};
