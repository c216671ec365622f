//! `gd-indicators healthcheck`: asks a running server whether it is ready, for container
//! health checks in images without an HTTP client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::config::HealthcheckArgs;
use super::exit::{Exit, Stopped};

/// `gd-indicators healthcheck`: whether the server at `--addr` answers /readyz with 200. A
/// plain HTTP/1.1 exchange over TCP, so no HTTP client is needed in a slim image. Every way
/// of not being ready is exit 1: Docker reserves 2 in health checks.
pub fn healthcheck(args: &HealthcheckArgs) -> Result<Exit, Stopped> {
    let timeout = Duration::from_secs(3);
    let addr = &args.addr;
    let candidates: Vec<SocketAddr> = addr
        .to_string()
        .to_socket_addrs()
        .map_err(|error| Stopped::refused(format!("no server at {addr}: {error}")))?
        // A server bound to every interface is asked on loopback.
        .map(|mut candidate| {
            if candidate.ip().is_unspecified() {
                candidate.set_ip(match candidate {
                    SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                    SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                });
            }
            candidate
        })
        .collect();
    let mut refusals = Vec::new();
    let (mut stream, address) = candidates
        .iter()
        .find_map(
            |candidate| match TcpStream::connect_timeout(candidate, timeout) {
                Ok(stream) => Some((stream, candidate)),
                Err(error) => {
                    refusals.push(format!("{candidate}: {error}"));
                    None
                }
            },
        )
        .ok_or_else(|| Stopped::refused(no_server(addr, &candidates, &refusals)))?;
    // The Host header names the server as given, which is what its Host check expects.
    let host = if addr.is_ip() && candidates.len() == 1 {
        address.to_string()
    } else {
        addr.to_string()
    };
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| {
            write!(
                stream,
                "GET /readyz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            )
        })
        .map_err(|error| Stopped::refused(format!("cannot ask {address}: {error}")))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|error| Stopped::refused(format!("no answer from {address}: {error}")))?;
    let status = response.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") {
        Ok(Exit::Done)
    } else {
        Err(Stopped::refused(format!(
            "{address} is not ready: {status}"
        )))
    }
}

/// Why no connection was made, in one line: the address tried, or each address a name gave.
fn no_server(
    addr: &super::config::HostPort,
    candidates: &[SocketAddr],
    refusals: &[String],
) -> String {
    match (candidates, refusals) {
        ([], _) => format!("no server at {addr}: it resolves to no address"),
        ([only], [refusal]) if addr.is_ip() => {
            let reason = refusal.trim_start_matches(&format!("{only}: "));
            format!("no server at {only}: {reason}")
        }
        _ => format!("no server at {addr} ({})", refusals.join("; ")),
    }
}
