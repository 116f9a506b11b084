# syntax=docker/dockerfile:1
# BIND 9 from Debian's packages, in the foreground, logging to stderr.
# Built by compose.yaml; in production, your own BIND image does as well.
FROM debian:trixie-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends bind9 bind9-utils \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o bind -g bind -m 0775 /run/named /var/cache/bind
EXPOSE 53/udp 53/tcp
# -g: foreground, logs on stderr; -u bind: drop root after binding port 53.
ENTRYPOINT ["named", "-g", "-u", "bind", "-c", "/etc/bind/named.conf"]
