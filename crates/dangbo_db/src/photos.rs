//! The member's photo: one a member, replaced by a command of who may write the member's file
//! (audited with its size, not its bytes), read only by who may read the file.

use crate::command::Right;
use crate::members::member_visible;
use crate::{Caller, DbError, Store, now};
use sqlx::Row;

impl Store {
    /// Keeps `bytes` (checked by [`dangbo_core::member::photo_type`]) as the member's photo.
    pub async fn set_member_photo(&self, caller: &Caller, member_id: &str, bytes: Vec<u8>) -> Result<(), DbError> {
        let kind = dangbo_core::member::photo_type(&bytes).map_err(DbError::Invalid)?;
        self.command(caller, Right::Write, async |c| {
            if !member_visible(&mut c.tx, c.caller, member_id).await? {
                return Err(DbError::NotFound);
            }
            sqlx::query("DELETE FROM member_photo WHERE member_id = $1").bind(member_id).execute(&mut *c.tx).await?;
            sqlx::query("INSERT INTO member_photo (member_id, content_type, bytes, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5)")
                .bind(member_id)
                .bind(kind)
                .bind(&bytes)
                .bind(now())
                .bind(&c.caller.username)
                .execute(&mut *c.tx)
                .await?;
            c.audit("member.photo", "member", member_id, None, Some(serde_json::json!({"type": kind, "bytes": bytes.len()}))).await
        })
        .await
    }

    /// The member's photo (media type, bytes), when there is one and the caller may read the
    /// member's file.
    #[tracing::instrument(skip_all)]
    pub async fn member_photo(&self, caller: &Caller, member_id: &str) -> Result<Option<(String, Vec<u8>)>, DbError> {
        let mut tx = self.read().await?;
        if !member_visible(&mut tx, caller, member_id).await? {
            return Err(DbError::NotFound);
        }
        let row = sqlx::query("SELECT content_type, bytes FROM member_photo WHERE member_id = $1").bind(member_id).fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        row.map(|r| Ok((r.try_get("content_type")?, r.try_get("bytes")?))).transpose()
    }
}
