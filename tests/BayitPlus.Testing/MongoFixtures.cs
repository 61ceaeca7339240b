using System.Runtime.CompilerServices;
using MongoDB.Driver;

namespace BayitPlus.Testing;

/// <summary>
/// Assembly fixture (<c>[assembly: AssemblyFixture(typeof(MongoBackendFixture))]</c>): starts the
/// process's backend before the first test and holds it until the last one is done; it stops once
/// every other holder (an API host, a database fixture) has released it too.
/// </summary>
public sealed class MongoBackendFixture : IAsyncLifetime
{
    private MongoBackend? backend;

    public MongoBackend Backend => backend ?? throw new InvalidOperationException("The MongoDB backend fixture is not initialized.");

    public async ValueTask InitializeAsync() => backend = await MongoBackend.AcquireAsync();

    public async ValueTask DisposeAsync()
    {
        if (backend is not null)
        {
            await backend.ReleaseAsync();
        }
    }
}

/// <summary>
/// Class fixture: a fresh database named after the test class, dropped when the class is done, and
/// collections with names unique per call.
/// </summary>
public sealed class MongoDatabaseFixture : IAsyncLifetime
{
    private IMongoDatabase? database;
    private int collectionCounter;

    public MongoBackend Backend { get; private set; } = null!;

    public IMongoDatabase Database => database ?? throw new InvalidOperationException("The database fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        Backend = await MongoBackend.AcquireAsync();
        database = Backend.CreateUniqueDatabase(TestContext.Current.TestClass?.TestClassSimpleName ?? "tests");
    }

    /// <summary>A collection nobody else uses, named after the calling test.</summary>
    public IMongoCollection<T> NewCollection<T>([CallerMemberName] string hint = "") =>
        Database.GetCollection<T>(NewCollectionName(hint));

    public string NewCollectionName([CallerMemberName] string hint = "") =>
        $"{(hint.Length > 60 ? hint[..60] : hint)}_{Interlocked.Increment(ref collectionCounter)}";

    public async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await Backend.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
            await Backend.ReleaseAsync();
        }
    }
}
