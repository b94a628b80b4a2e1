//! Print-document model: see the fudao-pdf crate.
