//! HTTP caching: a strong ETag per representation and 304s for it, and the response cache
//! that answers repeated requests from memory until an import moves the data version.

mod response_cache;
mod revalidation;
