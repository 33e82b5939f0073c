//! The schema and the store's SQL stay inside what distributed PostgreSQL-compatible engines
//! run (Citus, CockroachDB, YugabyteDB; see docs/scaling.md): checked on the source text.

#[cfg(test)]
mod tests {
    /// Constructs one of those engines lacks or treats differently, with the reason.
    const AVOIDED: &[(&str, &str)] = &[
        ("CREATE TRIGGER", "triggers: CockroachDB (before 24.3) and Citus on distributed tables"),
        ("CREATE EXTENSION", "extensions: CockroachDB has none"),
        ("CREATE FUNCTION", "stored functions: limited on CockroachDB, not pushed down by Citus"),
        ("CREATE PROCEDURE", "stored procedures"),
        ("SERIAL", "sequences make a hot spot on CockroachDB; ids are UUIDv7 made by the application"),
        ("CREATE SEQUENCE", "sequences"),
        ("DEFERRABLE", "deferred constraints: CockroachDB has none"),
        ("LISTEN", "LISTEN/NOTIFY: neither Citus workers nor CockroachDB"),
        ("NOTIFY", "LISTEN/NOTIFY"),
        ("PG_ADVISORY", "advisory locks: CockroachDB has none"),
        ("INHERITS", "table inheritance"),
        ("EXCLUDE USING", "exclusion constraints"),
        ("CREATE RULE", "rules"),
        ("FOR UPDATE SKIP LOCKED", "queue patterns"),
    ];

    /// Whether `construct` stands in `text` as whole words (SERIAL, not SERIALIZE).
    fn contains_word(text: &str, construct: &str) -> bool {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        text.match_indices(construct).any(|(i, _)| !word(text[..i].chars().next_back()) && !word(text[i + construct.len()..].chars().next()))
    }

    fn sources() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut dirs = vec![root.join("migrations"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("source folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "sql" || e == "rs") && !path.ends_with("portability.rs") {
                    out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("source text")));
                }
            }
        }
        out
    }

    /// Uses on SQLite alone, which those engines never see: (file, construct, why).
    const SQLITE_ONLY: &[(&str, &str, &str)] =
        &[("stored_enums.rs", "CREATE TRIGGER", "SQLite cannot add a CHECK to a table; PostgreSQL and its kin get a CHECK constraint")];

    #[test]
    fn migrations_and_store_sql_avoid_what_distributed_engines_lack() {
        let mut found = Vec::new();
        for (path, text) in sources() {
            let upper = text.to_uppercase();
            for (construct, why) in AVOIDED {
                if SQLITE_ONLY.iter().any(|(file, c, _)| path.ends_with(file) && c == construct) {
                    continue;
                }
                if contains_word(&upper, construct) {
                    found.push(format!("{path}: {construct} ({why})"));
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn every_table_has_a_primary_key_or_is_a_derived_child_of_one() {
        // Citus and CockroachDB need a key to distribute and to replicate rows; the few tables
        // without one are derived rows keyed by their parent (listed here on purpose): the
        // kept counts may hold several rows of one organisation and day (an import appends its
        // own), summed when read.
        let keyless_ok = ["member_span", "member_attachment", "member_transfer", "org_tally", "org_tally_year"];
        for (path, text) in sources().into_iter().filter(|(p, _)| p.ends_with(".sql")) {
            for stmt in text.split(';') {
                let Some(rest) = stmt.split("CREATE TABLE ").nth(1) else { continue };
                let name = rest.split_whitespace().next().unwrap_or("");
                let keyed = stmt.contains("PRIMARY KEY") || keyless_ok.contains(&name);
                assert!(keyed, "{path}: table {name} has no primary key");
            }
        }
    }
}
