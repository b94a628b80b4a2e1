//! What a local database must offer to be synchronised. Implemented by `fudao-store`.

use crate::protocol::{Conflict, Mutation, MutationOutcome, PullResponse, Resolution};
use uuid::Uuid;

/// A local replica of the server's rows with an outbox of unsynced changes.
///
/// Every method is one local transaction: a failure leaves the local database as it was.
pub trait LocalReplica {
    type Error: std::error::Error + Send + Sync + 'static;

    /// This installation's device id.
    fn device_id(&self) -> Result<Uuid, Self::Error>;
    /// Unacknowledged outbox entries in device order, at most `limit`.
    fn pending(&self, limit: usize) -> Result<Vec<Mutation>, Self::Error>;
    /// Records the server's answer to a push: accepted mutations leave the outbox, rejected
    /// ones are set aside with their error (never silently dropped), conflicts are stored.
    fn acknowledge(
        &self,
        sent: &[Mutation],
        outcomes: &[MutationOutcome],
    ) -> Result<(), Self::Error>;
    /// The cursor stored with the last applied page.
    fn cursor(&self) -> Result<Option<String>, Self::Error>;
    /// Applies a pulled page and stores its cursor, in one transaction. Local edits still in
    /// the outbox are re-applied on top of the pulled rows.
    fn apply_page(&self, page: &PullResponse) -> Result<(), Self::Error>;
    /// Applies consecutive pulled pages, in order, and stores the last one's cursor. A store
    /// that can should do it in one transaction (all or nothing: the same rows as applying
    /// each page in turn); this default applies each page in its own transaction.
    fn apply_pages(&self, pages: &[PullResponse]) -> Result<(), Self::Error> {
        for page in pages {
            self.apply_page(page)?;
        }
        Ok(())
    }
    /// Replaces the local copy of the open conflicts in the user's scope.
    fn store_conflicts(&self, conflicts: &[Conflict]) -> Result<(), Self::Error>;
    /// Conflicts resolved locally whose resolution the server has not yet been told.
    fn pending_resolutions(&self) -> Result<Vec<(Uuid, Resolution)>, Self::Error>;
    /// The server has recorded the resolution of conflict `id`.
    fn resolution_reported(&self, id: Uuid) -> Result<(), Self::Error>;
}
