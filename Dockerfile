# orgscan container image: built from source on the official Rust image, run on Debian slim as a
# non-root user. Debian slim rather than distroless because CI systems (GitLab CI, Jenkins
# agents) run their job scripts with the image's /bin/sh.
#   docker build --build-arg VERSION=0.1.0 -t orgscan .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" orgscan scan snapshot
# The binary embeds the policy pack and report templates and uses rustls with its own root
# certificates, so the runtime needs no package beyond the base.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /src
# Only what the build reads: the manifest and lock, the sources, and the files the binary
# embeds (policies/, reports/; src/ holds the rest).
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY policies ./policies
COPY reports ./reports
RUN cargo build --release --locked --bin orgscan \
    && install -D -m 0755 target/release/orgscan /out/orgscan

FROM debian:bookworm-slim AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="orgscan" \
      org.opencontainers.image.description="Posture scanner for Atlassian Cloud organizations: snapshot, Rego policies, Secure-Score-style reports" \
      org.opencontainers.image.source="https://github.com/orgscan/orgscan" \
      org.opencontainers.image.documentation="https://github.com/orgscan/orgscan/blob/main/docs/ci.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# A fixed uid/gid so Kubernetes' runAsNonRoot can verify it and volume permissions are predictable.
RUN groupadd --system --gid 10001 orgscan \
    && useradd --system --uid 10001 --gid orgscan --home-dir /work --no-create-home --shell /usr/sbin/nologin orgscan \
    && mkdir /work && chown orgscan:orgscan /work
COPY --from=builder /out/orgscan /usr/local/bin/orgscan
WORKDIR /work
USER 10001:10001
ENTRYPOINT ["orgscan"]
CMD ["--help"]
