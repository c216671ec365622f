//! `gd-indicators healthcheck`: asks a running server whether it is ready, for container
//! health checks in images without an HTTP client.

use super::config::Config;

/// `gd-indicators healthcheck`: whether the server at `config.addr` answers /readyz with 200.
/// A plain HTTP/1.1 exchange over TCP, so no HTTP client is needed in a slim image.
pub fn healthcheck(config: &Config) -> Result<(), String> {
    use std::io::{Read, Write};
    let timeout = std::time::Duration::from_secs(3);
    // A server bound to every interface is asked on loopback.
    let mut address = config.addr;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .map_err(|error| format!("no server at {address}: {error}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| {
            write!(
                stream,
                "GET /readyz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
        })
        .map_err(|error| format!("cannot ask {address}: {error}"))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|error| format!("no answer from {address}: {error}"))?;
    let status = response.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        Err(format!("{address} is not ready: {status}"))
    }
}
