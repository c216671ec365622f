//! Synthetic data: `generate` adds its own catalogue beside the article's, and reads what an
//! earlier run recorded.

use sqlx::{Sqlite, SqlitePool};

use super::catalogue::{RegionRow, SourceRow};

/// An indicator of the catalogue, as `generate` defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorDefinition {
    pub id: String,
    pub name: String,
    pub topic: String,
    pub concept: String,
    pub measure: String,
    pub unit: String,
    pub description: String,
}

/// The entities synthetic figures refer to: their source, their regions (parents first) and
/// their indicators. Imports never create entities, so `generate` adds these first.
#[derive(Debug, Clone)]
pub struct SyntheticCatalogue {
    pub source: SourceRow,
    /// What the source's figures were read from, stored with it (`sources.document`) as every
    /// source's is, and served by no endpoint.
    pub source_document: String,
    pub regions: Vec<RegionRow>,
    pub indicators: Vec<IndicatorDefinition>,
}

/// How many entities [`add_synthetic_catalogue`] added (0 each when all were there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatalogueAdded {
    pub sources: u64,
    pub regions: u64,
    pub indicators: u64,
}

/// Adds the synthetic catalogue's missing entities, with their search entries, in one
/// transaction. Entities already stored (by id) are left as they are, so a second run adds
/// nothing. Touches no figure.
pub async fn add_synthetic_catalogue(
    pool: &SqlitePool,
    catalogue: &SyntheticCatalogue,
) -> sqlx::Result<CatalogueAdded> {
    let mut added = CatalogueAdded::default();
    let mut tx = pool.begin().await?;
    let source = &catalogue.source;
    added.sources = sqlx::query(
        "INSERT INTO sources (id, publication, page, headline, byline, published, document,
                              description)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&source.id)
    .bind(&source.publication)
    .bind(&source.page)
    .bind(&source.headline)
    .bind(&source.byline)
    .bind(&source.published)
    .bind(&catalogue.source_document)
    .bind(&source.description)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    for region in &catalogue.regions {
        let inserted = sqlx::query(
            "INSERT INTO regions (id, name, kind, parent_id, description) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&region.id)
        .bind(&region.name)
        .bind(&region.kind)
        .bind(&region.parent_id)
        .bind(&region.description)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            add_search_entry(
                &mut tx,
                "region",
                &region.id,
                &region.name,
                &region.description,
            )
            .await?;
        }
        added.regions += inserted;
    }
    for indicator in &catalogue.indicators {
        let inserted = sqlx::query(
            "INSERT INTO indicators (id, name, topic, concept, measure, unit, description)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&indicator.id)
        .bind(&indicator.name)
        .bind(&indicator.topic)
        .bind(&indicator.concept)
        .bind(&indicator.measure)
        .bind(&indicator.unit)
        .bind(&indicator.description)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            let (id, name) = (&indicator.id, &indicator.name);
            add_search_entry(&mut tx, "indicator", id, name, &indicator.description).await?;
        }
        added.indicators += inserted;
    }
    tx.commit().await?;
    Ok(added)
}

/// Makes a newly added entity findable by `/v1/search`, as migration 0003 did the article's.
async fn add_search_entry(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    kind: &str,
    id: &str,
    title: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO search_index (kind, ref_id, title, body) VALUES (?, ?, ?, ?)")
        .bind(kind)
        .bind(id)
        .bind(title)
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many figures, retracted or not, name `source_id` as their source.
pub async fn figure_count_of_source(pool: &SqlitePool, source_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE source_id = ?")
        .bind(source_id)
        .fetch_one(pool)
        .await
}

/// The file names of recorded imports that start with `prefix`, in the order recorded.
pub async fn import_files_starting_with(
    pool: &SqlitePool,
    prefix: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT file FROM imports WHERE substr(file, 1, length(?1)) = ?1 ORDER BY id",
    )
    .bind(prefix)
    .fetch_all(pool)
    .await
}
