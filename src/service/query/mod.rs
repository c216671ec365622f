//! The typed query model of the list endpoints, independent of the HTTP edge: what each list
//! accepts, the strict parsing of a query string against it, keyset cursors and pages.

/// Keyset cursors and the fingerprint that ties one to its query.
pub mod cursor;
/// Pages and their cursors; in-memory filtering, sorting and paging.
pub mod page;
/// What each list accepts: filters, sorts, paging, formats.
pub mod params;
/// The strict parser of a query string.
pub mod parse;

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::params::{FilterSpec, ListSpec, ParamKind, SortSpec};
    use super::parse::ListQuery;
    use crate::error::ApiError;

    const SPEC: ListSpec = ListSpec {
        filters: &[
            FilterSpec {
                name: "kind",
                kind: ParamKind::Words(&["city", "province"]),
                path: "kind",
            },
            FilterSpec {
                name: "year",
                kind: ParamKind::Years,
                path: "",
            },
            FilterSpec {
                name: "min",
                kind: ParamKind::Number,
                path: "",
            },
        ],
        sorts: &[
            SortSpec {
                name: "name",
                path: "name",
            },
            SortSpec {
                name: "size",
                path: "size",
            },
        ],
        paginated: true,
    };

    fn items() -> Vec<Value> {
        (0..10)
            .map(|i| serde_json::json!({"id": format!("r{i}"), "name": format!("n{}", i % 3), "size": i, "kind": if i % 2 == 0 { "city" } else { "province" }}))
            .collect()
    }

    fn query(raw: &str) -> ListQuery {
        ListQuery::parse("/test", Some(raw), &SPEC).unwrap()
    }

    #[test]
    fn several_values_come_comma_separated_or_repeated() {
        let q = query("year=2020,2021&year=2023");
        assert_eq!(q.years("year"), Some(&[2020, 2021, 2023][..]));
    }

    #[test]
    fn walking_pages_forward_and_back_visits_every_row_once() {
        let q = query("sort=name,-size&limit=3");
        let first = q.apply(&SPEC, items());
        assert_eq!(first.total, 10);
        assert!(first.prev.is_none());
        let mut seen: Vec<Value> = first.items.clone();
        let mut pages = vec![first.items.clone()];
        let mut next = first.next;
        while let Some(cursor) = next {
            let q = query(&format!(
                "sort=name,-size&limit=3&cursor={}",
                cursor.encode()
            ));
            let page = q.apply(&SPEC, items());
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
        let last = query(&format!("sort=name,-size&limit=3&cursor={}", {
            let q = query("sort=name,-size&limit=3");
            let p2 = q.apply(&SPEC, items());
            p2.next.unwrap().encode()
        }))
        .apply(&SPEC, items());
        let back = query(&format!(
            "sort=name,-size&limit=3&cursor={}",
            last.prev.unwrap().encode()
        ))
        .apply(&SPEC, items());
        assert_eq!(back.items, pages[0]);
        assert!(back.prev.is_none());
    }

    #[test]
    fn a_cursor_from_another_query_or_mangled_is_refused() {
        let page = query("sort=name&limit=2").apply(&SPEC, items());
        let token = page.next.unwrap().encode();
        let other = ListQuery::parse(
            "/test",
            Some(&format!("sort=size&limit=2&cursor={token}")),
            &SPEC,
        );
        assert!(
            matches!(other, Err(ApiError::InvalidParameter { ref name, .. }) if name == "cursor")
        );
        let mangled = ListQuery::parse("/test", Some("cursor=bm90LWEtY3Vyc29y"), &SPEC);
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
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("sort=-colour", "sort"),
            ("sort=name,name", "sort"),
            ("format=xml", "format"),
            ("kind=city,", "kind"),
        ] {
            match ListQuery::parse("/test", Some(raw), &SPEC) {
                Err(ApiError::InvalidParameter { name: got, .. }) => assert_eq!(got, name, "{raw}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn filters_keep_matching_items_only() {
        let page = query("kind=city").apply(&SPEC, items());
        assert_eq!(page.total, 5);
        assert!(page.items.iter().all(|item| item["kind"] == "city"));
    }
}
