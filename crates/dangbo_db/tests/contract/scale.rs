//! The synthetic dataset of `demo load --scale`, written through the bulk path.

use crate::{admin, d, each_backend, today};
use dangbo_core::demo::scale::Scale;
use std::sync::Mutex;

#[tokio::test]
async fn a_generated_commune_loads_through_the_bulk_path_and_keeps_its_history() {
    let figures = Mutex::new(Vec::new());
    each_backend(|store, name| {
        let figures = &figures;
        async move {
            let loaded = store.load_scale(Scale::Commune, 3, today(), |_| {}).await.expect("load").expect("an empty database");
            assert!(loaded.members > 1000 && loaded.events > 3 * loaded.members, "{name}: {loaded:?}");
            assert!(store.load_scale(Scale::Commune, 3, today(), |_| {}).await.expect("second load").is_none(), "{name}: loads only into an empty database");
            let a = admin();
            let nation = store.summary(&a, "TW", today()).await.expect("the whole Party");
            let commune = store.summary(&a, "P01-X001", today()).await.expect("commune");
            assert_eq!(nation.total(), commune.total(), "{name}");
            assert!(commune.total() > 900 && commune.grassroots_orgs >= 15, "{name}: {commune:?}");
            // Before 1/7/2025 the same grassroots organisations were under the district.
            let district_2019 = store.summary(&a, "P01-H1", d("2019-12-31")).await.expect("district in 2019");
            assert_eq!(district_2019.grassroots_orgs, commune.grassroots_orgs, "{name}");
            assert!(district_2019.total() > 500, "{name}: {district_2019:?}");
            assert_eq!(store.summary(&a, "P01-H1", today()).await.expect("district today").grassroots_orgs, 0, "{name}: the district has ended");
            let stats = store.member_stats(&a, "P01", today()).await.expect("stats");
            assert_eq!(stats.total, nation.total(), "{name}");
            for b in &stats.breakdowns {
                assert_eq!(b.rows.iter().map(|r| r.1).sum::<i64>(), stats.total, "{name}: {}", b.dimension);
            }
            figures.lock().unwrap().push((loaded.members, loaded.events, commune.total(), district_2019.total()));
        }
    })
    .await;
    let f = figures.into_inner().unwrap();
    assert!(f.windows(2).all(|w| w[0] == w[1]), "the same seed gives the same data on both databases: {f:?}");
}
