//! The response cache and the layers outside it (public-url, rate-limit, request-target, cors,
//! metrics, request-log, request-id, security-headers) as one service: they run on every
//! request, cache hits included, and each as a middleware of its own cost a clone of what it
//! wraps, a boxed `Next` and a boxed future per request, more than most of their work. Here
//! each is a step before the request goes in and a step after its answer comes out, in the
//! order of [`LAYERS`](super::stack::LAYERS), and any of them may be left out (the benchmark
//! prices them one by one). A hit's route comes from the cache, not from an extension made
//! for it. An `OPTIONS` answer, which the CORS step makes, also says with
//! `Allow` which methods the API serves.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::Response;
use tower::Service;

use super::cors::Cors;
use super::limits::{limit_rate, ClientRateLimit};
use super::metrics::Metrics;
use super::public_url::set_base_url;
use super::request_id::{MakeCheapRequestId, REQUEST_ID};
use super::request_log::{route_of, Arrival, RequestLog};
use super::request_target::{check_target, TargetLimits};
use super::response_cache::{Answer, ResponseCache};
use super::security_headers::{add_security_headers, set_security_headers};
use super::shared::Shared;
use crate::http::base_url::LinkBase;
use crate::http::router;

/// Which of the outer layers run, each with what it needs; innermost first.
#[derive(Default)]
pub struct Edge {
    /// Innermost: a hit is answered here, without the layers below.
    pub response_cache: Option<Arc<ResponseCache>>,
    pub public_url: Option<LinkBase>,
    /// Absent when the rate is 0 as well as when the layer is left out.
    pub rate_limit: Option<Arc<ClientRateLimit>>,
    pub request_target: Option<TargetLimits>,
    pub cors: Option<Cors>,
    pub metrics: Option<Arc<Metrics>>,
    pub request_log: Option<RequestLog>,
    pub request_id: Option<MakeCheapRequestId>,
    pub security_headers: bool,
}

impl Edge {
    /// Whether any of the layers runs.
    pub fn is_empty(&self) -> bool {
        self.response_cache.is_none()
            && self.public_url.is_none()
            && self.rate_limit.is_none()
            && self.request_target.is_none()
            && self.cors.is_none()
            && self.metrics.is_none()
            && self.request_log.is_none()
            && self.request_id.is_none()
            && !self.security_headers
    }

    /// `inner`'s answer to `request`, or the answer of the first layer that refuses it (a 414,
    /// a 400, a 429) or answers it (a CORS preflight), with what the layers outside that one
    /// add to every answer.
    async fn answer(&self, mut request: Request, inner: Shared) -> Response {
        let request_id = self.request_id.as_ref().map(|ids| ids.assign(&mut request));
        let started = Instant::now();
        let arrival = self
            .request_log
            .as_ref()
            .map(|_| Arrival::of(&request, started, request_id.as_ref()));
        let measured = self
            .metrics
            .as_ref()
            .map(|metrics| (metrics.enter(), request.method().clone()));
        let allow_origin = self
            .cors
            .as_ref()
            .map(|cors| cors.allow_origin(request.headers()));
        let preflight = self.cors.is_some() && request.method() == Method::OPTIONS;

        let (mut response, stored_route, finished) =
            if let (true, Some(cors)) = (preflight, &self.cors) {
                (cors.preflight(allow_origin.clone().flatten()), None, false)
            } else if let Some(refusal) = self
                .request_target
                .and_then(|limits| check_target(limits, &request))
            {
                (refusal, None, false)
            } else if let Some(refusal) = self
                .rate_limit
                .as_ref()
                .and_then(|rate| limit_rate(rate, &request))
            {
                (refusal, None, false)
            } else {
                let base_url = self
                    .public_url
                    .as_ref()
                    .map(|link_base| link_base.of(request.headers(), request.uri()));
                let call_inner = move |request| {
                    let mut inner = inner;
                    let answer = inner.call(request);
                    async move {
                        match answer.await {
                            Ok(response) => response,
                            Err(never) => match never {},
                        }
                    }
                };
                match &self.response_cache {
                    Some(cache) => {
                        let finish = |headers: &mut HeaderMap| self.finish_stored(headers);
                        let Answer {
                            response,
                            stored_route,
                            finished,
                        } = cache.answer(request, base_url, call_inner, finish).await;
                        (response, stored_route, finished)
                    }
                    None => {
                        if let Some(base_url) = base_url {
                            set_base_url(base_url, &mut request);
                        }
                        (call_inner(request).await, None, false)
                    }
                }
            };

        // A finished hit has the CORS and security headers and a place for its id already.
        if let (false, false, Some(cors)) = (preflight, finished, &self.cors) {
            cors.decorate(allow_origin.flatten(), &mut response);
        }
        let route = route_of(&response, stored_route.as_ref());
        if let (Some(metrics), Some((_in_flight, method))) = (&self.metrics, &measured) {
            metrics.record_answer(method, started, &response, route);
        }
        if let (Some(log), Some(arrival)) = (&self.request_log, &arrival) {
            log.log(arrival, &response, route);
        }
        if let Some(id) = request_id {
            if finished {
                response.headers_mut().insert(REQUEST_ID, id);
            } else {
                MakeCheapRequestId::echo(id, &mut response);
            }
        }
        if self.security_headers && !finished {
            set_security_headers(&mut response);
        }
        if preflight {
            // The router alone would list GET and HEAD.
            response.headers_mut().insert(
                header::ALLOW,
                HeaderValue::from_static(router::ALLOWED_METHODS),
            );
        }
        response
    }
}

impl Edge {
    /// Adds to a response being stored what the steps after the cache add to each of its
    /// hits, in their order, when that depends on nothing in the request (CORS that lets any
    /// origin read): made once per entry, not per hit. The request id's value is a
    /// placeholder each hit replaces, in place. `false`, leaving the steps to each hit, when
    /// it depends on the request or no step adds anything.
    fn finish_stored(&self, headers: &mut HeaderMap) -> bool {
        let cors = match &self.cors {
            Some(cors) => match cors.fixed_allow_origin() {
                Some(allow_origin) => Some((cors, allow_origin)),
                None => return false,
            },
            None => None,
        };
        // A response that names an id of its own keeps it (see `MakeCheapRequestId::echo`).
        if self.request_id.is_some() && headers.contains_key(REQUEST_ID) {
            return false;
        }
        if cors.is_none() && self.request_id.is_none() && !self.security_headers {
            return false;
        }
        if let Some((cors, allow_origin)) = cors {
            cors.decorate_headers(Some(allow_origin), headers);
        }
        if self.request_id.is_some() {
            headers.insert(REQUEST_ID, HeaderValue::from_static("-"));
        }
        if self.security_headers {
            add_security_headers(headers);
        }
        true
    }
}

/// [`Edge`] around the layers and routes inside it.
#[derive(Clone)]
pub struct EdgeService {
    edge: Arc<Edge>,
    inner: Shared,
}

impl EdgeService {
    pub fn new(edge: Edge, inner: Shared) -> EdgeService {
        EdgeService {
            edge: Arc::new(edge),
            inner,
        }
    }
}

impl Service<Request> for EdgeService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    /// Always ready, as [`Shared`] is.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let (edge, inner) = (self.edge.clone(), self.inner.clone());
        Box::pin(async move { Ok(edge.answer(request, inner).await) })
    }
}
