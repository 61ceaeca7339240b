using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>The one database handle every slice shares; handlers take their typed collections from
/// it by the spec's collection names.</summary>
public sealed class MongoContext(IMongoClient client, MongoSettings settings)
{
    public IMongoClient Client { get; } = client;

    public IMongoDatabase Database { get; } = client.GetDatabase(settings.DatabaseName);

    public IMongoCollection<T> Collection<T>(string name) => Database.GetCollection<T>(name);
}
