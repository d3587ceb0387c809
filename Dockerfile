# syntax=docker/dockerfile:1
# One image with the three services (and the `recipe` CLI); each Deployment
# picks its binary with `command`. Build: docker build -t recipe-pipeline:dev .

# The toolchain only builds; nothing of it ships.
FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
# Cache mounts keep the registry and the target directory between builds
# (BuildKit); the binaries are copied out of the cache before it unmounts.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p recipe-bins \
    && mkdir -p /out \
    && cp target/release/recipe-watcher target/release/recipe-sender \
          target/release/recipe-server target/release/recipe /out/

# distroless cc: glibc, libgcc and CA certificates (rustls reads the system
# roots), no shell, no package manager; the nonroot tag runs as 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /out/ /usr/local/bin/
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/recipe-server"]
