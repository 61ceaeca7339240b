namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Where the database is (<c>MONGODB_URI</c>, <c>MONGODB_DATABASE</c>) and how the API
/// talks to it (<c>Mongo:*</c>).</summary>
public sealed class MongoSettings
{
    public const string UriKey = "MONGODB_URI";
    public const string DatabaseKey = "MONGODB_DATABASE";
    public const string DefaultDatabase = "bayit_plus";

    public required string ConnectionString { get; init; }

    public required string DatabaseName { get; init; }

    /// <summary>Commands slower than this are logged as warnings and counted, like the spec's
    /// profiler setting (slowms=100).</summary>
    public TimeSpan SlowCommandThreshold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a command waits for a usable server before failing (503), unless the
    /// connection string sets <c>serverSelectionTimeoutMS</c>. The driver's own default (30 s) keeps
    /// every request of an outage hanging for half a minute.</summary>
    public TimeSpan ServerSelectionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long opening a connection may take, unless the connection string sets
    /// <c>connectTimeoutMS</c> (driver default 30 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the declared indexes are checked (and missing ones recreated) after
    /// start-up; a reconnection or an IndexNotFound error checks at once.</summary>
    public TimeSpan IndexCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when the API runs on the in-process emulator it started itself.</summary>
    public bool IsEmbeddedEmulator { get; init; }
}
