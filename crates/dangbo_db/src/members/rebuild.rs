//! Derived rows missing after a migration that added a derived table: episodes by replaying
//! the member's events, search words in bulk from the stored search text.

use super::{derive_by, write_spans};
use crate::{DbError, Store};

/// Rewrites the derived rows of members that lack them after a migration that added a derived
/// table: episodes by replaying the member's events, search words in bulk from the stored
/// search text (millions of members in minutes). Returns how many members were completed.
pub(crate) async fn rebuild_missing(store: &Store) -> Result<usize, DbError> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT m.id FROM member m WHERE NOT EXISTS (SELECT 1 FROM member_episode e WHERE e.member_id = m.id) ORDER BY m.id")
            .fetch_all(&store.pool)
            .await?;
    if !ids.is_empty() {
        store
            .upkeep("derived rows missing after a migration", async |tx| {
                // One read of the rules for every member replayed.
                let book = crate::rules::load_rules(tx).await?;
                for id in &ids {
                    let d = derive_by(tx, id, &book).await?;
                    write_spans(tx, id, &d).await?;
                }
                Ok(())
            })
            .await?;
    }
    let n = ids.len() + rebuild_words(store).await?;
    rebuild_dictionary(store).await?;
    Ok(n)
}

/// Fills the dictionary of name words from the word index when it is empty.
async fn rebuild_dictionary(store: &Store) -> Result<(), DbError> {
    use futures_util::TryStreamExt;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_word").fetch_one(&store.pool).await?;
    if n > 0 {
        return Ok(());
    }
    let mut bulk = store.bulk(256).await?;
    let mut rows = sqlx::query_scalar::<_, Vec<u8>>("SELECT DISTINCT word FROM member_word").fetch(&store.pool);
    while let Some(w) = rows.try_next().await? {
        if std::str::from_utf8(&w).is_ok_and(super::is_name_word) {
            bulk.push(crate::bulk::SEARCH_WORD, vec![w.into()]).await?;
        }
    }
    drop(rows);
    bulk.commit().await?;
    Ok(())
}

async fn rebuild_words(store: &Store) -> Result<usize, DbError> {
    use futures_util::TryStreamExt;
    let mut bulk = store.bulk(256).await?;
    let mut rows = sqlx::query_as::<_, (String, String, String)>(
        "SELECT m.id, m.search_text, o.path FROM member m JOIN org o ON o.id = m.org_id WHERE NOT EXISTS (SELECT 1 FROM member_word w WHERE w.member_id = m.id)",
    )
    .fetch(&store.pool);
    let mut n = 0;
    while let Some((id, text, path)) = rows.try_next().await? {
        for w in super::words_of(&text) {
            bulk.push(crate::bulk::MEMBER_WORD, vec![w.into_bytes().into(), path.as_bytes().to_vec().into(), id.as_str().into()]).await?;
        }
        n += 1;
    }
    drop(rows);
    bulk.commit().await?;
    Ok(n)
}
