//! Message catalogs (Fluent, compiled in) and the per-request language.

use dangbo_core::FieldErrors;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./i18n",
        fallback_language: "vi",
        // Fluent's Unicode isolation marks would leak into HTML and exports.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

/// The language of a request: Vietnamese unless English was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// From an Accept-Language header: English only when it comes before Vietnamese.
    pub fn from_accept(h: &str) -> Lang {
        let lower = h.to_ascii_lowercase();
        match (lower.find("en"), lower.find("vi")) {
            (Some(e), Some(v)) if e < v => Lang::En,
            (Some(_), None) => Lang::En,
            _ => Lang::Vi,
        }
    }
    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

/// Looks up messages in one language. Templates call `t`, `t1`, `num` and `date`.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub lang: Lang,
}

impl I18n {
    pub fn new(lang: Lang) -> Self {
        I18n { lang }
    }

    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.lang.id(), key)
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.args(key, &[(name, value.to_string())])
    }

    pub fn count(&self, key: &str, n: i64) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert("count".into(), FluentValue::from(self.num(n)));
        // Plural selection needs the number itself; English catalogs select on it.
        if self.lang == Lang::En {
            args.insert("count".into(), FluentValue::from(n));
            let s = LOCALES.lookup_with_args(self.lang.id(), key, &args);
            return s.replace(&n.to_string(), &self.num(n));
        }
        LOCALES.lookup_with_args(self.lang.id(), key, &args)
    }

    pub fn args(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args.iter().map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.lang.id(), key, &map)
    }

    /// 2068 → "2.068" (vi) or "2,068" (en).
    pub fn num(&self, n: i64) -> String {
        dangbo_core::text::format_int(n, self.lang == Lang::Vi)
    }

    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        dangbo_core::date::display(*d)
    }

    /// Who recorded something, in words: the system's own upkeep and the demo loader are "the
    /// system", not an account name.
    pub fn actor(&self, who: &str) -> String {
        if who == "system" { self.t("actor-system") } else { who.to_string() }
    }

    pub fn opt_date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(dangbo_core::date::display).unwrap_or_default()
    }

    /// A field error as one sentence naming the field: "Ngày sinh: phải trước …".
    pub fn field_message(&self, field: &str, key: &'static str, args: &[(&'static str, String)]) -> String {
        let label = self.t(&format!("field-{field}"));
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
        format!("{label}: {}", self.args(key, &args))
    }

    pub fn field_errors(&self, e: &FieldErrors) -> BTreeMap<String, String> {
        e.0.iter().map(|(f, err)| (f.clone(), self.field_message(f, err.key, &err.args))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<String> {
        src.lines()
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
            .filter(|k| !k.is_empty() && !k.starts_with(' ') && !k.starts_with('[') && !k.starts_with('*'))
            .collect()
    }

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let mut vi = keys(include_str!("../i18n/vi/main.ftl"));
        let mut en = keys(include_str!("../i18n/en/main.ftl"));
        vi.sort();
        en.sort();
        assert_eq!(vi, en);
    }

    #[test]
    fn every_error_key_of_the_domain_has_a_message() {
        let src = [
            include_str!("../../dangbo_core/src/member.rs"),
            include_str!("../../dangbo_core/src/org.rs"),
            include_str!("../../dangbo_core/src/event.rs"),
            include_str!("../../dangbo_db/src/orgs.rs"),
            include_str!("../../dangbo_db/src/members.rs"),
            include_str!("../../dangbo_db/src/auth.rs"),
            include_str!("../../dangbo_core/src/candidate.rs"),
            include_str!("../../dangbo_core/src/course.rs"),
            include_str!("../../dangbo_db/src/candidates.rs"),
            include_str!("../../dangbo_db/src/courses.rs"),
            include_str!("../../dangbo_db/src/rules.rs"),
            include_str!("../../dangbo_db/src/targets.rs"),
            include_str!("pages/targets.rs"),
            include_str!("../../dangbo_core/src/cadre.rs"),
            include_str!("../../dangbo_db/src/cadre.rs"),
            include_str!("../../dangbo_core/src/meeting.rs"),
            include_str!("../../dangbo_core/src/meeting/input.rs"),
            include_str!("../../dangbo_db/src/meetings.rs"),
            include_str!("../../dangbo_db/src/meetings/proposals.rs"),
            include_str!("../../dangbo_db/src/meetings/study.rs"),
            include_str!("../../dangbo_core/src/meeting/study.rs"),
            include_str!("../../dangbo_core/src/cadre/planning.rs"),
            include_str!("../../dangbo_db/src/planning.rs"),
            include_str!("pages/meeting.rs"),
        ]
        .concat();
        let vi = keys(include_str!("../i18n/vi/main.ftl"));
        for part in src.split('"').skip(1).step_by(2) {
            if part.starts_with("err-") {
                assert!(vi.iter().any(|k| k == part), "missing message {part}");
            }
        }
    }

    #[test]
    fn every_coded_value_has_a_label() {
        use dangbo_core::{calendar, candidate, course, rules, todo};
        let vi = keys(include_str!("../i18n/vi/main.ftl"));
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(rules::RuleId::ALL.iter().map(|x| x.message_key()));
        wanted.extend(rules::Unit::ALL.iter().map(|x| x.message_key()));
        wanted.extend(candidate::Stage::ALL.iter().map(|x| x.message_key()));
        wanted.extend(candidate::StepKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(candidate::Source::ALL.iter().map(|x| x.message_key()));
        wanted.extend(course::CourseKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(course::CourseResult::ALL.iter().map(|x| x.message_key()));
        wanted.extend(calendar::DayKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(todo::TodoKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dangbo_core::cadre::Level::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dangbo_core::cadre::MoveKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dangbo_core::cadre::MoveCategory::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dangbo_core::cadre::Title::ALL.iter().map(|x| x.message_key()));
        use dangbo_core::meeting;
        wanted.extend(meeting::MeetingKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(meeting::MeetingKind::ALL.iter().map(|x| format!("agenda-{}", x.as_str())));
        wanted.extend(meeting::MeetingState::ALL.iter().map(|x| x.message_key()));
        wanted.extend(meeting::Presence::ALL.iter().map(|x| x.message_key()));
        wanted.extend(meeting::VoteKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(meeting::ProposalState::ALL.iter().map(|x| x.message_key()));
        wanted.extend(meeting::AssignmentKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(meeting::DocumentKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dangbo_core::cadre::planning::RemovalReason::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dangbo_core::cadre::PostBasis::ALL.iter().map(|x| x.message_key()));
        use dangbo_core::discipline as dis;
        wanted.extend(dis::CaseKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dis::StepKind::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dis::Penalty::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dis::Body::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dis::Outcome::ALL.iter().map(|x| x.message_key()));
        wanted.extend(dis::ComplaintResult::ALL.iter().map(|x| x.message_key()));
        wanted.extend(["probationary", "full", "exempt"].map(|s| format!("status-short-{s}")));
        wanted.extend(["warn-decision-late", "warn-ceremony-late"].map(String::from));
        for k in wanted {
            assert!(vi.contains(&k), "missing message {k}");
        }
    }

    #[test]
    fn messages_name_the_field_without_isolation_marks() {
        let i = I18n::new(Lang::Vi);
        let m = i.field_message("birth_date", "err-admission-age", &[("years", "18".into()), ("rule", "QĐ 24".into())]);
        assert_eq!(m, "Ngày sinh: chưa đủ 18 tuổi vào ngày quyết định kết nạp (QĐ 24).");
        assert_eq!(I18n::new(Lang::En).count("members-total", 2068), "2,068 members");
        assert_eq!(I18n::new(Lang::Vi).count("members-total", 2068), "2.068 đảng viên");
    }
}
