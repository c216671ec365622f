//! `/v1/companies` and `/v1/facilities`.

use super::figure;
use crate::helpers::TestApp;

#[tokio::test]
async fn companies_and_facilities() {
    let app = TestApp::spawn().await;
    let byd = app.get_ok("/v1/companies/byd").await;
    assert_eq!(
        figure(&byd, "byd-cumulative-nev-production").value_in_units,
        10_000_000
    );
    assert_eq!(figure(&byd, "byd-years-to-10-million-nev").value, 16);
    assert_eq!(app.get_list("/v1/companies").await.len(), 4);

    let facilities = app.get_list("/v1/facilities").await;
    assert_eq!(facilities.len(), 5);
    let juno = app
        .get_ok("/v1/facilities/jiangmen-underground-neutrino-observatory")
        .await;
    assert_eq!(juno["region"]["id"], "jiangmen");
    assert_eq!(juno["speaker"]["name"], "Huang Kunming");
}
