using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// ASP.NET Core's data protection keys (they sign the sign-in cookie and the anti-forgery tokens) in the storage
/// database (deploy/sql/*/016-data-protection.sql): every node of a cluster reads the same key ring, so a browser
/// that nginx sends to another node stays signed in, and a restart signs nobody out whatever user the server runs as.
/// Data protection calls these synchronously, when it loads the key ring (at start, then about once a day) or makes a key.
/// </summary>
public sealed class DatabaseKeyRepository(IDbConnectionFactory connections) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_key ORDER BY name";
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
            keys.Add(XElement.Parse(reader.GetString(0)));
        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        // A key is never changed once made (a revocation is a new element under its own name).
        command.CommandText = "INSERT INTO data_protection_key (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING";
        foreach (var (name, value) in new[] { ("@name", friendlyName), ("@xml", element.ToString(SaveOptions.DisableFormatting)) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        command.ExecuteNonQuery();
    }
}
