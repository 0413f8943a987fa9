#!/usr/bin/env bash
# Installs WeGoAssembly nodes on this Debian 12 host, each step after what it needs; safe to run again (it
# replaces the program and the unit, and keeps settings files that exist).
#
#   WEGO_DB_PASSWORD='…' WEGO_ADMIN_PASSWORD='…' WEGO_SITE_URL=https://ga.example.org \
#     deploy/install.sh <self-contained build> [nodes]
#
# The build comes from a machine with the .NET 10 SDK (this repository's first command needs one anyway):
#   dotnet publish src/WeGoAssembly.Server -c Release -r linux-x64 --self-contained -o build/wegoassembly
# It carries the .NET runtime, so this host needs none.
#
# Steps: 1 the service account; 2 the database role and database (deploy/postgres/setup.sh); 3 the program in
# /opt/wegoassembly/releases/<time>, /opt/wegoassembly/current pointing at it (a running node keeps its own release);
# 4 one settings file per node in /etc/wegoassembly (node1.env, node2.env, ...: ports 5080/5081, 5082/5083, 5084/5085,
# silo ports 11111, 11112, 11113; kept when they exist, but for the database password, which step 2 sets); 5 the
# systemd unit wegoassembly@.service, the nodes started or restarted one at a time, each serving before the next
# stops; 6 the nginx site (once: it needs your server_name and certificate, see the end).
#
# Environment:
#   WEGO_DB_PASSWORD     the database role's password (16+ characters), put in each node's settings
#   WEGO_ADMIN_PASSWORD  the first administrator's password (12+ characters); remove it from the settings once
#                        you have signed in and made your own accounts
#   WEGO_SITE_URL        the public address of the web UI, for links in e-mails (default https://ga.example.org)
#   PGHOST, PGPORT, PGUSER, ...  the PostgreSQL server, as for deploy/postgres/setup.sh (default: this host)
#   WEGO_DB_NAME, WEGO_DB_USER   the database and role (default wegoassembly), as for setup.sh
#   WEGO_ROOT            install under this folder instead of / and start nothing (tests/DeployTests does this)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: deploy/install.sh <self-contained build folder> [nodes]}"
nodes="${2:-1}"
root="${WEGO_ROOT:-}"
site_url="${WEGO_SITE_URL:-https://ga.example.org}"

fail() { echo "install.sh: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || fail "run as root (it creates a system user, /opt/wegoassembly and /etc/wegoassembly)."
[ -x "$build/WeGoAssembly.Server" ] || fail "$build/WeGoAssembly.Server is missing: publish it first (see the top of this script)."
[[ "$nodes" =~ ^[1-3]$ ]] || fail "nodes must be 1, 2 or 3 (the nginx file names three; add upstreams for more)."
admin_password="${WEGO_ADMIN_PASSWORD:-}"
[ ${#admin_password} -ge 12 ] || fail "set WEGO_ADMIN_PASSWORD (12 characters or more)."
[ -n "${WEGO_DB_PASSWORD:-}" ] || fail "set WEGO_DB_PASSWORD (16 characters or more)."
# They go in a connection string and in a systemd EnvironmentFile, which give these characters a meaning.
for secret in "$WEGO_DB_PASSWORD" "$admin_password"; do
  case "$secret" in
    *$'\n'*|*';'*|*'\'*|*'"'*|*"'"*|' '*|*' ') fail "the passwords may not contain ; \\ \" ' or a line break, nor start or end with a space." ;;
  esac
done

# .NET's globalization (ICU) is the one library a self-contained build takes from the system.
if [ -z "$root" ] && ! ldconfig -p | grep libicuuc >/dev/null; then
  apt-get update -qq && apt-get install -y -qq libicu72
fi

echo "1. Service account wegoassembly"
getent group wegoassembly >/dev/null || groupadd --system wegoassembly
id -u wegoassembly >/dev/null 2>&1 ||
  useradd --system --gid wegoassembly --home-dir /var/lib/wegoassembly --no-create-home --shell /usr/sbin/nologin wegoassembly

echo "2. Database"
WEGO_DB_PASSWORD="$WEGO_DB_PASSWORD" bash "$here/postgres/setup.sh"

release="releases/$(date -u +%Y%m%dT%H%M%SZ)"
echo "3. Program in $root/opt/wegoassembly/$release"
install -d -m 0755 "$root/opt/wegoassembly/releases"
cp -R "$build/." "$root/opt/wegoassembly/$release/"
chown -R root:root "$root/opt/wegoassembly/$release"
chmod -R u=rwX,go=rX "$root/opt/wegoassembly/$release"
# Swapped in one rename; each running node keeps the release it started from until it restarts below.
ln -sfn "$release" "$root/opt/wegoassembly/current.new"
mv -T "$root/opt/wegoassembly/current.new" "$root/opt/wegoassembly/current"
# The three newest releases stay, to go back to one: ln -sfn releases/<time> /opt/wegoassembly/current and restart.
ls -1d "$root/opt/wegoassembly/releases/"* | sort | head -n -3 | xargs -r rm -rf

echo "4. Settings in $root/etc/wegoassembly"
install -d -m 0750 -o root -g wegoassembly "$root/etc/wegoassembly"
for n in $(seq 1 "$nodes"); do
  env_file="$root/etc/wegoassembly/node$n.env"
  if [ -e "$env_file" ]; then
    # Kept, but with the password step 2 has just set.
    WEGO_DB_PASSWORD="$WEGO_DB_PASSWORD" awk -f "$here/node-env.awk" "$env_file" > "$env_file.tmp"
    chown root:wegoassembly "$env_file.tmp"
    chmod 0640 "$env_file.tmp"
    mv "$env_file.tmp" "$env_file"
    echo "   node$n.env exists: kept, with the database password set again"
    continue
  fi
  web=$((5078 + 2 * n)); grpc=$((web + 1)); silo=$((11110 + n))
  # The example with this node's ports and the passwords (through the environment, never on a command line).
  GRPC=$grpc WEB=$web SILO=$silo ADMIN="$admin_password" SITE_URL="$site_url" WEGO_DB_PASSWORD="$WEGO_DB_PASSWORD" \
    awk -f "$here/node-env.awk" "$here/wegoassembly.env.example" > "$env_file.tmp"
  chown root:wegoassembly "$env_file.tmp"
  chmod 0640 "$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
  echo "   node$n.env: web 127.0.0.1:$web, gRPC 127.0.0.1:$grpc, silo port $silo"
done

echo "5. systemd unit wegoassembly@.service"
install -d -m 0755 "$root/etc/systemd/system"
install -m 0644 "$here/systemd/wegoassembly@.service" "$root/etc/systemd/system/wegoassembly@.service"
# One node at a time, each serving again before the next stops, so the cluster keeps serving through an upgrade.
serving() {
  exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null || return 1
  printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  local status; read -r _ status _ <&3; exec 3>&-
  [ "$status" = 200 ]
}
if [ -z "$root" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  for n in $(seq 1 "$nodes"); do
    systemctl enable --quiet wegoassembly@node$n
    systemctl restart wegoassembly@node$n
    for _ in $(seq 1 120); do serving $((5078 + 2 * n)) && break; sleep 1; done
    serving $((5078 + 2 * n)) || fail "node$n does not serve 2 minutes after its start: journalctl -u wegoassembly@node$n"
    echo "   node$n serves"
  done
fi

echo "6. nginx site"
site="$root/etc/nginx/conf.d/wegoassembly.conf"
install -d -m 0755 "$(dirname "$site")"
if [ -e "$site" ]; then
  echo "   $site exists: kept"
  upstreams=$(grep -c '^    server 127\.0\.0\.1:50[0-9][0-9] ' "$site" || true)
  [ "$upstreams" -eq $((2 * nodes)) ] ||
    echo "   WARNING: it names $((upstreams / 2)) node(s), this host now runs $nodes: add or remove their server lines in both upstreams."
else
  # Only the upstreams of the nodes installed here.
  sed_args=()
  for n in $(seq $((nodes + 1)) 3); do
    sed_args+=(-e "s/^\(    server 127\.0\.0\.1:$((5078 + 2 * n)) \)/#\1/" -e "s/^\(    server 127\.0\.0\.1:$((5079 + 2 * n)) \)/#\1/")
  done
  if [ ${#sed_args[@]} -eq 0 ]; then
    cp "$here/nginx/wegoassembly.conf" "$site"
  else
    sed "${sed_args[@]}" "$here/nginx/wegoassembly.conf" > "$site"
  fi
  chmod 0644 "$site"
fi

cat <<EOF
Installed $nodes node(s). Left to do:
- In $site: set server_name and the certificate paths, then: nginx -t && systemctl reload nginx
- Sign in at $site_url as admin, change the password, then remove WEGO__Auth__InitialAdmin__Password
  from $root/etc/wegoassembly/node*.env and: systemctl restart 'wegoassembly@*'
- Logs: journalctl -u 'wegoassembly@*'
- With nodes on several hosts: open each silo port (11111...) to the other nodes only (a firewall); it carries
  node-to-node calls and has no sign-in of its own.
EOF
