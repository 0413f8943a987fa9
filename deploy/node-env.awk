# A node's settings file from deploy/wegoassembly.env.example, or an existing one brought up to date (deploy/install.sh).
# From the environment, each only when given: GRPC, WEB, SILO (ports), ADMIN (first administrator's password),
# SITE_URL, and in the connection string WEGO_DB_PASSWORD, PGHOST (an address, not a socket folder), PGPORT,
# WEGO_DB_NAME, WEGO_DB_USER. Values are copied as they are, never read as patterns.
function field(line, name, value,    at, rest, end) {
    if (value == "" || (at = index(line, name "=")) == 0) return line
    rest = substr(line, at + length(name) + 1)
    end = index(rest, ";")
    return substr(line, 1, at - 1) name "=" value (end ? substr(rest, end) : "")
}
function setting(line, value,    at) {
    if (value == "") return line
    at = index(line, "=")
    return substr(line, 1, at) value
}
/^WEGO__Kestrel__Endpoints__Grpc__Url=/ { print setting($0, ENVIRON["GRPC"] == "" ? "" : "http://127.0.0.1:" ENVIRON["GRPC"]); next }
/^WEGO__Kestrel__Endpoints__Web__Url=/  { print setting($0, ENVIRON["WEB"] == "" ? "" : "http://127.0.0.1:" ENVIRON["WEB"]); next }
/^WEGO__Cluster__SiloPort=/             { print setting($0, ENVIRON["SILO"]); next }
/^WEGO__Auth__InitialAdmin__Password=/  { print setting($0, ENVIRON["ADMIN"]); next }
/^WEGO__Mail__SiteUrl=/                 { print setting($0, ENVIRON["SITE_URL"]); next }
/^WEGO__ConnectionStrings__Postgres=/ {
    line = field($0, "Password", ENVIRON["WEGO_DB_PASSWORD"])
    line = field(line, "Host", ENVIRON["PGHOST"] ~ /^\// ? "" : ENVIRON["PGHOST"])
    line = field(line, "Port", ENVIRON["PGPORT"])
    line = field(line, "Database", ENVIRON["WEGO_DB_NAME"])
    print field(line, "Username", ENVIRON["WEGO_DB_USER"])
    next
}
{ print }
