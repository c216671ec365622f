# gd-indicators container image. Two targets:
#
# runtime (the default: the last stage) - the server with its database on a volume. The
#   database is created and migrated on first start, and migrated again by newer images.
#     docker build -t gd-indicators .
#     docker run -p 8080:8080 -v gd-data:/data gd-indicators
#   A bind mount instead of a named volume must be writable by UID 10001.
#
# snapshot - for the replicated read-only deployment: the database is migrated while the
#   image is built and baked in read-only, so every replica serves the same data and needs no
#   volume.
#     docker build --target snapshot -t gd-indicators:snapshot .
#     docker run -p 8080:8080 gd-indicators:snapshot
#   SQLite writes nothing beside the database (no -shm or -wal; see the snapshot stage), so
#   no path in the container needs to be writable for the data.
#
# Both listen on 0.0.0.0:8080, log JSON lines (LOG_FORMAT=json), run as UID/GID 10001 and
# report their health through the binary itself (`gd-indicators healthcheck` asks GET /readyz),
# since the slim image has no curl. Other settings are flags or environment variables, e.g.
# `docker run gd-indicators serve --help`.
#
# Both targets share one dependency-caching build (cargo-chef: planner -> cook -> build): the
# dependencies are compiled in a layer keyed only by Cargo.toml and Cargo.lock, so a change to
# the sources rebuilds the crate alone. With BuildKit (Docker's default builder) `docker build .`
# builds only the stages the runtime needs; the snapshot's migration never runs for it.

# Rust 1.95, the toolchain CI checks with (the manifest's rust-version, 1.89, is the floor the
# locked crates allow). Bookworm, to match the runtime's glibc (2.36).
FROM lukemathwalker/cargo-chef:0.1.77-rust-1.95.0-bookworm AS chef
WORKDIR /app

# The recipe is Cargo.toml and Cargo.lock with the sources left out: it changes only when the
# dependencies do, which is what keeps the cook layer below cached.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
# Build settings (SQLite's compile flags) apply to the dependencies cooked here too.
COPY .cargo .cargo
RUN cargo chef cook --release --locked --recipe-path recipe.json
# The sources, with migrations/ (sqlx::migrate!() embeds them in the binary at compile time)
# and seed/, from which migrations/0002 is generated. The touch makes sure cargo rebuilds the
# crate over cook's placeholder, whatever the copied files' timestamps.
COPY . .
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin gd-indicators

# The snapshot database, built by the very binary that will serve it, so its migrations match
# by construction. Closing the database checkpoints its write-ahead log into the file and removes
# it; a -wal file left with content would hold migrated data that copying the .db alone loses,
# so the build stops instead.
FROM builder AS snapshot-db
RUN mkdir /snapshot \
    && target/release/gd-indicators migrate --database-url sqlite:/snapshot/gd-indicators.db \
    && { test ! -s /snapshot/gd-indicators.db-wal \
         || { echo "migrate left an unmerged /snapshot/gd-indicators.db-wal" >&2; exit 1; }; } \
    && chmod 0444 /snapshot/gd-indicators.db

# What both images share. The binary links only glibc, libm and libgcc_s, all in the slim base
# image, so no packages are installed. Bookworm, like the builder.
FROM debian:bookworm-20260824-slim AS base
RUN groupadd --system --gid 10001 gd-indicators \
    && useradd --system --no-log-init --uid 10001 --gid 10001 \
       --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin gd-indicators
COPY --from=builder /app/target/release/gd-indicators /usr/local/bin/gd-indicators
ENV ADDR=0.0.0.0:8080 \
    LOG_FORMAT=json
EXPOSE 8080
# healthcheck asks loopback when ADDR is 0.0.0.0; exits 0 when /readyz says ready, 1 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["gd-indicators", "healthcheck"]
ENTRYPOINT ["gd-indicators"]
CMD ["serve"]

# Read-only snapshot. The file is owned by root, mode 0444, in a root-owned directory: the
# server's user can neither change nor replace it. The database is in WAL mode (migrate sets
# it), and a WAL reader normally needs to create -shm and -wal files beside the database, which
# a read-only directory forbids ("attempt to write a readonly database" at start-up).
# `immutable=true` tells SQLite the file cannot change, so it reads it with no locks, no -shm and
# no -wal, and writes nothing anywhere; that is exactly true of a file baked into an image. The
# server's start-up finds every migration applied and the journal already WAL, so it writes
# nothing either, and its pool is query_only besides. (The alternative, a /snapshot directory
# writable by the server's user, would let that user delete or replace the database.)
FROM base AS snapshot
COPY --from=snapshot-db /snapshot/gd-indicators.db /snapshot/gd-indicators.db
ENV DATABASE_URL=sqlite:/snapshot/gd-indicators.db?immutable=true
USER 10001:10001

# The default image, last so that a build without --target produces it. /data is created owned
# by the server's user before it is declared a volume, so a new named volume starts out
# writable by that user.
FROM base AS runtime
RUN mkdir /data && chown 10001:10001 /data && chmod 0750 /data
VOLUME ["/data"]
ENV DATABASE_URL=sqlite:/data/gd-indicators.db
USER 10001:10001
