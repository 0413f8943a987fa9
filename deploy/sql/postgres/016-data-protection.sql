-- ASP.NET Core's data protection keys (they sign the web's sign-in cookies and anti-forgery tokens), shared by every
-- node of a cluster, so a browser sent to another node stays signed in, and kept across restarts.
CREATE TABLE data_protection_key (
    name text PRIMARY KEY,
    xml  text NOT NULL
);
