//! Request ids made without a system call: UUID-shaped (version 4, 36 characters, as clients
//! and logs already read them), from a key drawn once per process and a counter, mixed so that
//! ids do not read as a sequence. `MakeRequestUuid` asked the operating system for 16 random
//! bytes on every request, a system call on the path of every cache hit.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};

/// The request id's header, set on every request and echoed on its response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives each request an id: the one it came with, or a new one.
#[derive(Clone)]
pub struct MakeCheapRequestId(Arc<IdSource>);

struct IdSource {
    /// Drawn from the OS once (std's `RandomState` is seeded from it): ids differ between
    /// processes and replicas.
    key: [u64; 2],
    counter: AtomicU64,
}

impl Default for MakeCheapRequestId {
    fn default() -> Self {
        let key = [
            RandomState::new().hash_one(0u8),
            RandomState::new().hash_one(1u8),
        ];
        MakeCheapRequestId(Arc::new(IdSource {
            key,
            counter: AtomicU64::new(0),
        }))
    }
}

/// SplitMix64's finaliser: a bijection, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl IdSource {
    fn next(&self) -> [u8; 36] {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let high = mix(count ^ self.key[0]);
        let low = mix(count.wrapping_add(self.key[1]));
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&high.to_be_bytes());
        bytes[8..].copy_from_slice(&low.to_be_bytes());
        // RFC 9562: version 4, variant 10.
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'-'; 36];
        let mut at = 0;
        for (index, byte) in bytes.iter().enumerate() {
            if matches!(index, 4 | 6 | 8 | 10) {
                at += 1;
            }
            text[at] = HEX[usize::from(byte >> 4)];
            text[at + 1] = HEX[usize::from(byte & 0x0f)];
            at += 2;
        }
        text
    }
}

impl MakeCheapRequestId {
    /// The request's id: its `x-request-id` as the client sent it, or a new one, which is
    /// set on the request for the layers inside.
    pub fn assign(&self, request: &mut Request) -> HeaderValue {
        if let Some(id) = request.headers().get(REQUEST_ID) {
            return id.clone();
        }
        let id = HeaderValue::from_bytes(&self.0.next())
            .expect("hexadecimal digits and dashes make a valid header value");
        request.headers_mut().insert(REQUEST_ID, id.clone());
        id
    }

    /// Echoes the request's id on its response, unless a layer inside set one.
    pub fn echo(id: HeaderValue, response: &mut axum::response::Response) {
        if !response.headers().contains_key(REQUEST_ID) {
            response.headers_mut().insert(REQUEST_ID, id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_uuid_v4_shaped_and_distinct() {
        let source = MakeCheapRequestId::default();
        let ids: HashSet<String> = (0..10_000)
            .map(|_| String::from_utf8(source.0.next().to_vec()).unwrap())
            .collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(100) {
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(groups[2].starts_with('4'), "{id}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{id}");
            assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
        }
    }
}
