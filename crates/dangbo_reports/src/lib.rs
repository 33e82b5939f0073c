//! Data → bytes for reports. Architecture invariant: no database, no HTTP; every function takes
//! the figures it draws and returns the document.

pub mod cell;
pub mod fee_book;
pub mod member_data;
pub mod pdf;
pub mod register;
pub mod svg;
pub mod table_xlsx;
