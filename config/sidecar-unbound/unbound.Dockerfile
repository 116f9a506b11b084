# syntax=docker/dockerfile:1
# Unbound from Debian's packages, with the unbound user and group at fixed
# ids (10053) so that nta-watch can be put in that group to reach the control
# socket. Built by compose.yaml; in production, your own Unbound image with
# the same group id does as well.
FROM debian:trixie-slim
RUN groupadd --system --gid 10053 unbound \
    && useradd --system --uid 10053 --gid 10053 --home-dir /var/lib/unbound --no-create-home \
       --shell /usr/sbin/nologin unbound \
    && apt-get update \
    && apt-get install -y --no-install-recommends unbound dns-root-data \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o unbound -g unbound -m 0755 /var/lib/unbound /run/unbound \
    && install -o unbound -g unbound -m 0644 /usr/share/dns/root.key /var/lib/unbound/root.key
EXPOSE 53/udp 53/tcp
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["unbound-control", "-c", "/etc/unbound/unbound.conf", "status"]
# -d: stay in the foreground; -p: no pid file.
ENTRYPOINT ["unbound", "-d", "-p", "-c", "/etc/unbound/unbound.conf"]
