//! Statements beside the lists: the analytics' reads and an import's reads and writes.

use super::*;

/// The analytics (the exchange rate behind every `?currency=`, the consistency report, the
/// derived figures) read the figures that link to others, the figures they link to, and
/// figures named by id or indicator: every one found through an index, none by a walk of the
/// table, so they cost the same on the article's figures as on a million.
#[tokio::test]
async fn the_analytics_find_their_figures_through_indexes() {
    let app = TestApp::spawn().await;
    let equivalents = RelatedFigures {
        equivalents: true,
        ..Default::default()
    };
    let everything = RelatedFigures {
        equivalents: true,
        restatements: true,
        ids: vec!["hengqin-gdp-span-start".to_owned()],
        indicators: vec!["trillion-yuan-cluster-count".to_owned()],
    };
    for (label, related, indexes) in [
        (
            "the exchange rate",
            equivalents,
            &["observations_equivalent_of"][..],
        ),
        (
            "the consistency report",
            everything,
            &["observations_equivalent_of", "observations_restates"],
        ),
    ] {
        let plan = store::query_plans::explain_related_observations(&app.pool, &related)
            .await
            .unwrap()
            .expect("a statement to run");
        let reads = figure_reads(&plan);
        assert!(
            !reads.is_empty() && reads.iter().all(|(_, scan)| !scan),
            "{label} reads every figure:\n{plan}"
        );
        for index in indexes {
            assert!(
                plan.steps.iter().any(|step| step.contains(index)),
                "{label} does not use {index}:\n{plan}"
            );
        }
    }
    let nothing =
        store::query_plans::explain_related_observations(&app.pool, &RelatedFigures::default())
            .await
            .unwrap();
    assert!(nothing.is_none(), "nothing asked for, nothing run");
}

/// An import reads and writes the figures by key, and setting the secondary indexes aside for
/// a bulk load changes none of its plans.
/// - It writes by key: it finds the figures it copies into their revisions, corrects and
///   retracts through the id's UNIQUE index and the revisions' primary key, neither set aside.
///   (Adding a figure plans a read of the tables that point at it, `equivalent_of` and
///   `restates`, which SQLite runs only while a deferred foreign key is unresolved: a file
///   whose figure points at one further down.)
/// - It checks each batch by key: the figures it names through the id's index, and the
///   figures that link to them through the links' partial indexes, which the load keeps. When
///   the load set those aside too, each look-up walked the table, so each batch of `generate`
///   took longer than the one before.
#[tokio::test]
async fn an_import_reads_and_writes_by_key_with_the_secondary_indexes_set_aside() {
    let app = TestApp::spawn().await;
    let writer = store::database::open_and_migrate(&app.db_url)
        .await
        .unwrap();
    let mut connection = writer.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *connection).await.unwrap();
    let indexed = store::query_plans::explain_import_writes(&mut tx)
        .await
        .unwrap();
    let aside = store::bulk_load::set_aside(&mut tx).await.unwrap();
    assert!(store::bulk_load::secondary_indexes(&mut tx)
        .await
        .unwrap()
        .is_empty());
    let plans = store::query_plans::explain_import_writes(&mut tx)
        .await
        .unwrap();
    assert_eq!(plans, indexed);
    // After the insert: the copy to the revisions, the corrections (their numbers, the figures
    // and their new state) and the retraction (its revision, then the figure), each by key.
    let by_key = |plan: &QueryPlan, needle: &str| plan.steps.iter().any(|s| s.contains(needle));
    let id = "INDEX sqlite_autoindex_observations_1 (id=?)";
    let revision = "USING PRIMARY KEY (observation_id=?";
    assert!(by_key(&plans[1], id), "{}", plans[1]);
    assert!(by_key(&plans[2], revision), "{}", plans[2]);
    assert!(
        by_key(&plans[3], id) && by_key(&plans[3], revision),
        "{}",
        plans[3]
    );
    assert!(by_key(&plans[4], id), "{}", plans[4]);
    assert!(by_key(&plans[5], id), "{}", plans[5]);
    // The look-ups: the figures by id, then those linking to them by each link.
    let reads = store::query_plans::explain_import_reads(&mut tx)
        .await
        .unwrap();
    let links = [
        "INDEX observations_equivalent_of (equivalent_of=?)",
        "INDEX observations_restates (restates=?)",
    ];
    assert_eq!(reads.len(), 1 + links.len());
    for (plan, index) in reads.iter().zip([id].into_iter().chain(links)) {
        assert!(by_key(plan, index), "{plan}");
    }
    for plan in plans[1..].iter().chain(&reads) {
        let walk = |step: &String| {
            let step = step.trim_start();
            FIGURE_TABLES
                .iter()
                .any(|table| step.starts_with(&format!("SCAN {table}")))
        };
        assert!(!plan.steps.iter().any(walk), "{plan}");
    }
    store::bulk_load::rebuild(&mut tx, aside).await.unwrap();
    tx.rollback().await.unwrap();
}
