//! The Party card (thẻ đảng viên): issued to full members by the level directly above the
//! grassroots organisation, which keeps the card book (sổ phát thẻ đảng viên); reissued when lost
//! or damaged and in an exchange (all cards were exchanged before 2/9/2025); withdrawn when the
//! member leaves the Party (domain reference §3.4, QĐ 29 §6.1).

use serde::{Deserialize, Serialize};

/// Why a card is issued. Stored in the event; an unknown value fails to decode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CardReason {
    /// The member's first card (cấp thẻ lần đầu).
    #[default]
    First,
    /// Reissued after the card was lost (cấp lại do mất thẻ).
    Lost,
    /// Reissued for a damaged card (cấp lại do hỏng thẻ).
    Damaged,
    /// Exchanged in a general exchange of cards (đổi thẻ).
    Exchanged,
}

impl CardReason {
    pub const ALL: [CardReason; 4] = [CardReason::First, CardReason::Lost, CardReason::Damaged, CardReason::Exchanged];

    pub fn as_str(self) -> &'static str {
        match self {
            CardReason::First => "first",
            CardReason::Lost => "lost",
            CardReason::Damaged => "damaged",
            CardReason::Exchanged => "exchanged",
        }
    }

    pub fn parse(s: &str) -> Option<CardReason> {
        CardReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// "card-reason-lost".
    pub fn message_key(self) -> String {
        format!("card-reason-{}", self.as_str())
    }
}
