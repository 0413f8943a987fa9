using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>One PostgreSQL cluster for every PostgreSQL test class of this assembly.</summary>
[CollectionDefinition(Testing.PostgresCollection.Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;
