//! The typed query model, independent of the HTTP edge: every parameter declared once, what
//! each endpoint accepts, the strict parsing of a query string against it, the typed queries
//! handlers receive, keyset cursors and pages.

/// Keyset cursors and the fingerprint that ties one to its query.
pub mod cursor;
/// Pages and their cursors; in-memory filtering, sorting and paging.
pub mod page;
/// Every query parameter, declared once: name, values, type.
pub mod params;
/// The strict parser of a query string, and the checks against the database.
pub mod parse;
/// The typed queries each family of endpoints reads.
pub mod queries;
/// What one endpoint accepts: its parameters and shape.
pub mod spec;

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::params::{MIN, REGION_KIND, YEAR};
    use super::parse::FromParsed;
    use super::parse::Parsed;
    use super::queries::{CatalogueQuery, FigureListQuery};
    use super::spec::{QuerySpec, Shape, SortSpec};
    use crate::error::ApiError;

    static SPEC: QuerySpec = QuerySpec {
        params: &[REGION_KIND.matching("kind"), YEAR.accept(), MIN.accept()],
        shape: Shape::Page(&[SortSpec::new("name", "name"), SortSpec::new("size", "size")]),
    };

    fn items() -> Vec<Value> {
        (0..10)
            .map(|i| serde_json::json!({"id": format!("r{i}"), "name": format!("n{}", i % 3), "size": i, "kind": if i % 2 == 0 { "city" } else { "province" }}))
            .collect()
    }

    fn query(raw: &str) -> CatalogueQuery {
        CatalogueQuery::from_parsed(Parsed::parse("/test", Some(raw), &SPEC).unwrap())
    }

    fn page(raw: &str) -> super::page::Page {
        let query = query(raw);
        query.list.apply(&query.filters, items())
    }

    #[test]
    fn several_values_come_comma_separated_or_repeated() {
        let parsed = Parsed::parse("/test", Some("year=2020,2021&year=2023"), &SPEC).unwrap();
        assert_eq!(parsed.get(&YEAR), [2020, 2021, 2023]);
        let figures = FigureListQuery::from_parsed(parsed);
        assert_eq!(figures.filter.years, [2020, 2021, 2023]);
    }

    #[test]
    fn walking_pages_forward_and_back_visits_every_row_once() {
        let first = page("sort=name,-size&limit=3");
        assert_eq!(first.total, 10);
        assert!(first.prev.is_none());
        let mut seen: Vec<Value> = first.items.clone();
        let mut pages = vec![first.items.clone()];
        let mut next = first.next;
        while let Some(cursor) = next {
            let page = page(&format!(
                "sort=name,-size&limit=3&cursor={}",
                cursor.encode()
            ));
            assert!(page.prev.is_some());
            seen.extend(page.items.clone());
            pages.push(page.items.clone());
            next = page.next;
        }
        assert_eq!(seen.len(), 10);
        let names: Vec<(String, i64)> = seen
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().unwrap().to_owned(),
                    v["size"].as_i64().unwrap(),
                )
            })
            .collect();
        let mut sorted = names.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        assert_eq!(names, sorted);

        // Back from the last page lands on the page before it.
        let second = page(&format!(
            "sort=name,-size&limit=3&cursor={}",
            page("sort=name,-size&limit=3").next.unwrap().encode()
        ));
        let back = page(&format!(
            "sort=name,-size&limit=3&cursor={}",
            second.prev.unwrap().encode()
        ));
        assert_eq!(back.items, pages[0]);
        assert!(back.prev.is_none());
    }

    #[test]
    fn a_cursor_from_another_query_or_mangled_is_refused() {
        let token = page("sort=name&limit=2").next.unwrap().encode();
        let other = Parsed::parse(
            "/test",
            Some(&format!("sort=size&limit=2&cursor={token}")),
            &SPEC,
        );
        assert!(
            matches!(other, Err(ApiError::InvalidParameter { ref name, .. }) if name == "cursor")
        );
        let mangled = Parsed::parse("/test", Some("cursor=bm90LWEtY3Vyc29y"), &SPEC);
        assert!(
            matches!(mangled, Err(ApiError::InvalidParameter { ref name, .. }) if name == "cursor")
        );
    }

    #[test]
    fn bad_parameters_name_themselves() {
        for (raw, name) in [
            ("knd=city", "knd"),
            ("kind=town", "kind"),
            ("year=20x0", "year"),
            ("min=1e400", "min"),
            ("min=1&min=2", "min"),
            ("limit=1001", "limit"),
            ("sort=-colour", "sort"),
            ("sort=name,name", "sort"),
            ("format=xml", "format"),
            ("kind=city,", "kind"),
        ] {
            match Parsed::parse("/test", Some(raw), &SPEC) {
                Err(ApiError::InvalidParameter { name: got, .. }) => assert_eq!(got, name, "{raw}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn filters_keep_matching_items_only() {
        let page = page("kind=city");
        assert_eq!(page.total, 5);
        assert!(page.items.iter().all(|item| item["kind"] == "city"));
    }
}
